import { readFileSync } from "node:fs";
import { join } from "node:path";
import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { bankStatementLines, payments } from "#db/schema";
import { db } from "~/lib/db.server";
import { enrol } from "~/modules/enrollment/enrollment.server";
import { createTestCohort } from "../../../tests/fixtures/cohorts";
import { createUser } from "../../../tests/fixtures/factories";
import { actor, createStaff } from "../../../tests/fixtures/subsidies";
import { openPaymentOfEnrollment } from "./payments.server";
import { parseBankStatementFile } from "./statement-file.server";
import { importBankStatement, previewBankStatement } from "./statement-import.server";

/** A pending transfer of `feeVnd` with its reference. */
async function pendingPayment(feeVnd: number) {
  const { cohort } = await createTestCohort({ feeVnd });
  const learner = await createUser();
  const placed = await enrol({ actor: actor(learner, ["learner"]), cohortId: cohort.id });
  const paymentId = (await openPaymentOfEnrollment(placed.enrollmentId))!;
  const [payment] = await db.select().from(payments).where(eq(payments.id, paymentId));
  return payment;
}

describe("statement import with a preview", () => {
  it("previews a real bank export (Excel) without saving, then the confirmed lines mark the payment paid", async () => {
    const lan = await pendingPayment(240_000);
    const binh = await pendingPayment(1_000_000); // Binh sent 1 250 000: the amount differs
    // The Agribank fixture carries fixed references; put this run's references in their place.
    const book = readFileSync(join(process.cwd(), "tests/fixtures/bank-statements/agribank.xlsx"));
    const parsed = await parseBankStatementFile(new Uint8Array(book));
    parsed.rows[0].description = parsed.rows[0].description.replace("SA7K3M9QXZ", lan.transferReference);
    parsed.rows[1].description = parsed.rows[1].description.replace("SAQ2W3E4R5", binh.transferReference);
    const staff = await createStaff();

    const before = await db.select({ id: bankStatementLines.id }).from(bankStatementLines);
    const preview = await previewBankStatement({ actor: staff, parsed });
    expect(preview.lines.map((l) => l.outcome)).toEqual(["matched", "amount_mismatch"]);
    expect(preview.counts).toMatchObject({ matched: 1, amount_mismatch: 1, already_imported: 0 });
    // Nothing saved by the preview.
    expect(await db.select({ id: bankStatementLines.id }).from(bankStatementLines)).toHaveLength(before.length);
    expect((await db.select().from(payments).where(eq(payments.id, lan.id)))[0].status).toBe("pending");

    const summary = await importBankStatement({ actor: staff, fileName: "agribank.xlsx", rows: preview.rows });
    expect(summary).toMatchObject({ total: 2, matched: 1, review: 1, skipped: 0 });
    expect((await db.select().from(payments).where(eq(payments.id, lan.id)))[0].status).toBe("paid");

    // The same statement again: every line shows as imported before, and importing it changes nothing.
    const again = await previewBankStatement({ actor: staff, parsed });
    expect(again.lines.map((l) => l.outcome)).toEqual(["already_imported", "already_imported"]);
    expect(await importBankStatement({ actor: staff, fileName: "agribank.xlsx", rows: again.rows })).toMatchObject({
      matched: 0,
      skipped: 2,
    });
  });

  it("is for staff who reconcile payments only", async () => {
    const learner = await createUser();
    const parsed = await parseBankStatementFile(
      new Uint8Array(readFileSync(join(process.cwd(), "tests/fixtures/bank-statements/mb.csv"))),
    );
    await expect(previewBankStatement({ actor: actor(learner, ["learner"]), parsed })).rejects.toMatchObject({
      status: 403,
    });
  });
});
