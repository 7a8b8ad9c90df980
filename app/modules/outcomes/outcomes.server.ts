import { and, asc, desc, eq, inArray } from "drizzle-orm";
import { organisations, programmeOutcomes, programmes, storedFiles, users } from "#db/schema";
import { db } from "~/lib/db.server";
import { AppError } from "~/lib/errors";
import { createOnce } from "~/lib/idempotency.server";
import { isUuid } from "~/lib/ids";
import { recordAudit } from "~/modules/audit/audit.server";
import { checkUpload, EVIDENCE_POLICY, insertStoredFiles, writeUploads } from "~/modules/files/storage.server";
import type { OutcomeInput, OutcomeKind } from "./schema";

/**
 * Outcomes that count toward a programme's targets (a project supported, an investment raised, a startup
 * incorporated, a certified S&T enterprise, a support centre), each with its evidence and who recorded it.
 */

/** Today in Vietnam (yyyy-mm-dd). */
function vietnamToday(now: Date): string {
  return new Date(now.getTime() + 7 * 3_600_000).toISOString().slice(0, 10);
}

export async function recordOutcome(input: {
  actorId: string;
  ipAddress?: string | null;
  value: OutcomeInput;
  now?: Date;
}) {
  const { value } = input;
  const now = input.now ?? new Date();
  if (value.occurredOn > vietnamToday(now))
    throw new AppError(400, "reports.outcomes.errors.futureDate", { field: "occurredOn" });
  const [programme] = await db
    .select({ id: programmes.id })
    .from(programmes)
    .where(eq(programmes.id, value.programmeId));
  if (!programme) throw new AppError(400, "reports.errors.programme", { field: "programmeId" });
  const [organisation] = await db
    .select({ id: organisations.id })
    .from(organisations)
    .where(
      and(
        eq(organisations.id, value.organisationId),
        inArray(organisations.kind, ["startup", "project_team", "incubator", "university"]),
      ),
    );
  if (!organisation) throw new AppError(400, "reports.outcomes.errors.organisation", { field: "organisationId" });

  const uploads = value.evidenceFile ? [await checkUpload("evidenceFile", value.evidenceFile, EVIDENCE_POLICY)] : [];
  const written = await writeUploads({ ownerUserId: input.actorId, purpose: "programme-outcome", uploads, now });
  const once = { key: value.submissionKey, userId: input.actorId, form: "programme-outcome" };
  let repeated = true;
  try {
    const outcome = await db.transaction((tx) =>
      createOnce(
        tx,
        once,
        async (id) => (await tx.select().from(programmeOutcomes).where(eq(programmeOutcomes.id, id)))[0],
        async () => {
          repeated = false;
          // After the key: the same form sent again finds its own outcome, not "already recorded".
          const [duplicate] = await tx
            .select({ id: programmeOutcomes.id })
            .from(programmeOutcomes)
            .where(
              and(
                eq(programmeOutcomes.programmeId, value.programmeId),
                eq(programmeOutcomes.organisationId, value.organisationId),
                eq(programmeOutcomes.kind, value.kind),
                eq(programmeOutcomes.occurredOn, value.occurredOn),
              ),
            );
          if (duplicate) throw new AppError(409, "reports.outcomes.errors.duplicate", { field: "kind" });
          await insertStoredFiles(tx, written.rows);
          const [row] = await tx
            .insert(programmeOutcomes)
            .values({
              programmeId: value.programmeId,
              organisationId: value.organisationId,
              kind: value.kind,
              occurredOn: value.occurredOn,
              evidenceReference: value.evidenceReference,
              evidenceFileId: written.rows[0]?.id ?? null,
              note: value.note || null,
              recordedBy: input.actorId,
            })
            .returning();
          await recordAudit(tx, {
            actorId: input.actorId,
            ipAddress: input.ipAddress,
            action: "outcome.recorded",
            entityType: "programme_outcome",
            entityId: row.id,
            after: { ...row, evidenceFileSha256: written.rows[0]?.sha256 ?? null },
          });
          return row;
        },
      ),
    );
    // A repeat's copy of the evidence file was never recorded: remove it.
    if (repeated) await written.discard();
    return outcome;
  } catch (error) {
    await written.discard();
    throw error;
  }
}

export async function listOutcomes(filter: { programmeId: string; kind?: OutcomeKind; until?: string }) {
  const conditions = [eq(programmeOutcomes.programmeId, filter.programmeId)];
  if (filter.kind) conditions.push(eq(programmeOutcomes.kind, filter.kind));
  const rows = await db
    .select({
      id: programmeOutcomes.id,
      kind: programmeOutcomes.kind,
      occurredOn: programmeOutcomes.occurredOn,
      evidenceReference: programmeOutcomes.evidenceReference,
      evidenceFileId: programmeOutcomes.evidenceFileId,
      evidenceFileName: storedFiles.originalName,
      note: programmeOutcomes.note,
      organisationId: programmeOutcomes.organisationId,
      organisationName: organisations.name,
      recordedByName: users.name,
      recordedAt: programmeOutcomes.recordedAt,
    })
    .from(programmeOutcomes)
    .innerJoin(organisations, eq(organisations.id, programmeOutcomes.organisationId))
    .innerJoin(users, eq(users.id, programmeOutcomes.recordedBy))
    .leftJoin(storedFiles, eq(storedFiles.id, programmeOutcomes.evidenceFileId))
    .where(and(...conditions))
    .orderBy(desc(programmeOutcomes.occurredOn), desc(programmeOutcomes.recordedAt))
    .limit(500);
  return filter.until ? rows.filter((r) => r.occurredOn <= filter.until!) : rows;
}

/** The organisations an outcome can be about. */
export async function outcomeOrganisations() {
  return db
    .select({ id: organisations.id, name: organisations.name, kind: organisations.kind })
    .from(organisations)
    .where(inArray(organisations.kind, ["startup", "project_team", "incubator", "university"]))
    .orderBy(asc(organisations.name));
}

/** The stored evidence file of an outcome (the route checks who may read it). */
export async function outcomeEvidenceFile(outcomeId: string) {
  if (!isUuid(outcomeId)) throw new AppError(404, "errors.notFound");
  const [row] = await db
    .select({
      storageKey: storedFiles.storageKey,
      contentType: storedFiles.contentType,
      originalName: storedFiles.originalName,
      sizeBytes: storedFiles.sizeBytes,
    })
    .from(programmeOutcomes)
    .innerJoin(storedFiles, eq(storedFiles.id, programmeOutcomes.evidenceFileId))
    .where(eq(programmeOutcomes.id, outcomeId));
  if (!row) throw new AppError(404, "errors.notFound");
  return row;
}
