import { randomUUID } from "node:crypto";
import { and, eq } from "drizzle-orm";
import { formSubmissions } from "#db/schema";
import type { Transaction } from "./db.server";

/**
 * Create forms are idempotent: the page renders a random key into the form (hidden field `submissionKey`,
 * `newSubmissionKey()` in the loader), and the service claims that key inside the transaction that creates the
 * record. The key's primary key makes every other submission of the same form — a double click, a browser retry,
 * fifty concurrent copies — wait for the first to commit and then get the first one's record instead of a new one.
 * (If the first fails, its transaction rolls the key back and the next copy creates the record.)
 */

export function newSubmissionKey(): string {
  return randomUUID();
}

type Claim = { key: string | undefined; userId: string; form: string };

/**
 * Claims the form's key for this person inside the creating transaction. Returns null when this is the first
 * submission (go on and create, then call `recordSubmissionResult`), or the id the first submission created.
 * A key used by another person or for another form is treated as no key at all (a fresh record).
 */
export async function claimSubmission(tx: Transaction, claim: Claim): Promise<{ repeatOf: string } | null> {
  if (!claim.key) return null;
  // Waits on a concurrent first submission's uncommitted row, then sees it committed (conflict) or rolled back.
  const inserted = await tx
    .insert(formSubmissions)
    .values({ key: claim.key, userId: claim.userId, form: claim.form })
    .onConflictDoNothing()
    .returning({ key: formSubmissions.key });
  if (inserted.length) return null;
  const [first] = await tx
    .select({ resultId: formSubmissions.resultId })
    .from(formSubmissions)
    .where(
      and(
        eq(formSubmissions.key, claim.key),
        eq(formSubmissions.userId, claim.userId),
        eq(formSubmissions.form, claim.form),
      ),
    );
  return first?.resultId ? { repeatOf: first.resultId } : null;
}

/** `userId` keeps a key someone else holds (treated as no key above) pointing at that person's own record. */
export async function recordSubmissionResult(
  tx: Transaction,
  key: string | undefined,
  resultId: string,
  userId?: string,
): Promise<void> {
  if (!key) return;
  await tx
    .update(formSubmissions)
    .set({ resultId })
    .where(and(eq(formSubmissions.key, key), userId ? eq(formSubmissions.userId, userId) : undefined));
}

/**
 * The usual shape of an idempotent create inside its transaction: claim the key first (so checks that depend on
 * what the first copy wrote, such as a unique tax code, run after it has committed), then either return the
 * first copy's record (`findFirst`) or create (`create`) and record what was made.
 */
export async function createOnce<T extends { id: string }>(
  tx: Transaction,
  claim: Claim,
  findFirst: (id: string) => Promise<T | undefined>,
  create: () => Promise<T>,
): Promise<T> {
  const repeat = await claimSubmission(tx, claim);
  if (repeat) {
    const first = await findFirst(repeat.repeatOf);
    if (first) return first;
  }
  const created = await create();
  await recordSubmissionResult(tx, claim.key, created.id, claim.userId);
  return created;
}
