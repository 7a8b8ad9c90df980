import { randomUUID } from "node:crypto";
import { eq, sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import {
  enrollments,
  memberships,
  subsidyBudgetLines,
  subsidyClaims,
  subsidyLedgerEntries,
  userRoles,
  users,
} from "#db/schema";
import { pgErrorCode } from "~/lib/db-errors";
import { databaseKind, db } from "~/lib/db.server";
import { AppError } from "~/lib/errors";
import { PRIVACY_NOTICE_VERSION } from "~/modules/auth/privacy";
import { createTestCohort } from "../../../tests/fixtures/cohorts";
import { createOrganisation } from "../../../tests/fixtures/factories";
import { createEnrollment, createLecturer, createSubsidySetup, PROVINCE } from "../../../tests/fixtures/subsidies";
import { commitEnrollmentSubsidy } from "./enrollment-subsidy.server";
import { appendLedgerEntry, BUDGET_EXHAUSTED } from "./ledger.server";
import { amendBudgetLine, getBudgetLine, lineBalances } from "./programmes.server";

/** Many lecturers of one in-province university, made in three statements. */
async function createLecturers(count: number) {
  const university = await createOrganisation({ kind: "university", province: PROVINCE });
  const run = randomUUID().slice(0, 8);
  const people = await db
    .insert(users)
    .values(
      Array.from({ length: count }, (_, i) => ({
        email: `gv-${run}-${i}@test.example`,
        name: `Giảng viên ${i}`,
        privacyConsentAt: new Date(),
        privacyNoticeVersion: PRIVACY_NOTICE_VERSION,
      })),
    )
    .returning({ id: users.id });
  await db.insert(userRoles).values(people.map((p) => ({ userId: p.id, role: "lecturer" as const })));
  await db.insert(memberships).values(people.map((p) => ({ userId: p.id, organisationId: university.id })));
  return people.map((p) => p.id);
}

/**
 * Runs every task, `inFlight` at a time (the rest queued behind them), like a burst of requests reaching a
 * server whose database pool has 10 connections: four times as many callers as connections race for the
 * line at every moment. (The app's pool gives up on a connection after 5 s of waiting, so the thousand are
 * let in as a steady burst rather than all in one tick.)
 */
async function race<T>(tasks: (() => Promise<T>)[], inFlight: number): Promise<T[]> {
  const results: T[] = new Array(tasks.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: inFlight }, async () => {
      while (next < tasks.length) {
        const i = next++;
        results[i] = await tasks[i]();
      }
    }),
  );
  return results;
}

async function ledgerSum(budgetLineId: string, kind: "commitment" | "release" | "payment" | "recovery") {
  const [row] = await db
    .select({
      total: sql<number>`coalesce(sum(${subsidyLedgerEntries.amountVnd}), 0)::bigint`.mapWith(Number),
      count: sql<number>`count(*)::int`,
    })
    .from(subsidyLedgerEntries)
    .where(sql`${subsidyLedgerEntries.budgetLineId} = ${budgetLineId} and ${subsidyLedgerEntries.kind} = ${kind}`);
  return row;
}

/** What the database says when a statement is refused (drizzle wraps the driver's error). */
async function refusal(promise: Promise<unknown>): Promise<string | undefined> {
  try {
    await promise;
  } catch (error) {
    return pgErrorCode(error);
  }
  return "no error";
}

describe("the subsidy ledger", () => {
  it("commits exactly the affordable claims among 1,000 racing ones (40 in flight on a pool of 10), refuses the rest with a reason, and sums to the allocation", async () => {
    const fee = 1_000_000;
    const { programme, lines } = await createSubsidySetup({
      lines: [{ allocatedVnd: 100 * fee }],
      rule: { sharePercent: 10_000, minAttendancePercent: undefined, claimWindowDays: undefined },
    });
    const line = lines[0];
    const people = await createLecturers(1000);
    const { cohort, courseId } = await createTestCohort({ capacity: 1000, feeVnd: fee });
    const rows = await db
      .insert(enrollments)
      .values(
        people.map((userId) => ({
          cohortId: cohort.id,
          userId,
          status: "confirmed" as const,
          confirmedAt: new Date(),
          feeVnd: fee,
        })),
      )
      .returning({ id: enrollments.id, userId: enrollments.userId });

    const results = await race(
      rows.map(
        (row) => () =>
          commitEnrollmentSubsidy({
            subsidyProgrammeId: programme.id,
            enrollmentId: row.id,
            cohortId: cohort.id,
            userId: row.userId,
            feeVnd: fee,
            hours: 8,
            courseKey: `course:${courseId}`,
            courseTitle: "Khởi nghiệp tinh gọn",
            providerName: "Trung tâm Hỗ trợ Khởi nghiệp",
            startsOn: cohort.startsOn,
            endsOn: cohort.endsOn,
            actorId: row.userId,
          }),
      ),
      40,
    );

    const committed = results.filter((r) => r.committed);
    const refused = results.filter((r) => !r.committed);
    expect(committed).toHaveLength(100);
    expect(refused).toHaveLength(900);
    for (const r of refused) if (!r.committed) expect(r.reason.key).toBe(BUDGET_EXHAUSTED);

    const commitments = await ledgerSum(line.id, "commitment");
    expect(commitments).toEqual({ total: 100 * fee, count: 100 });
    const [balance] = await lineBalances(db, { budgetLineIds: [line.id] });
    expect(balance).toMatchObject({ totalVnd: 100 * fee, committedVnd: 100 * fee, remainingVnd: 0, availableVnd: 0 });
    // A refused claim leaves nothing behind: one claim per committed enrolment, none for the others.
    const [{ claims }] = await db
      .select({ claims: sql<number>`count(*)::int` })
      .from(subsidyClaims)
      .where(eq(subsidyClaims.subsidyProgrammeId, programme.id));
    expect(claims).toBe(100);
  }, 600_000);

  it("refuses, in the database itself, concurrent raw commitments beyond the line", async () => {
    const { programme, lines } = await createSubsidySetup({ lines: [{ allocatedVnd: 10_000_000 }] });
    const lecturer = await createLecturer();
    const { cohort } = await createTestCohort({ feeVnd: 1_000_000 });
    const enrollment = await createEnrollment(cohort.id, lecturer.user.id, 1_000_000);
    const result = await commitEnrollmentSubsidy({
      subsidyProgrammeId: programme.id,
      enrollmentId: enrollment.id,
      userId: lecturer.user.id,
      feeVnd: 1_000_000,
      hours: 8,
      courseKey: "course:x",
      courseTitle: "x",
      providerName: "x",
      startsOn: cohort.startsOn,
      endsOn: cohort.endsOn,
      actorId: null,
    });
    expect(result.committed).toBe(true);
    const claimId = result.claim!.id;
    // 700 000 is already committed; 30 writers each try another million straight into the table.
    const outcomes = await Promise.all(
      Array.from({ length: 30 }, () =>
        refusal(
          db.insert(subsidyLedgerEntries).values({
            budgetLineId: lines[0].id,
            claimId,
            kind: "commitment",
            amountVnd: 1_000_000,
            reason: "raw",
            actorId: null,
          }),
        ),
      ),
    );
    expect(outcomes.filter((o) => o === "no error")).toHaveLength(9);
    expect(outcomes.filter((o) => o === "SA001")).toHaveLength(21);
    const [line] = await db.select().from(subsidyBudgetLines).where(eq(subsidyBudgetLines.id, lines[0].id));
    expect(line.availableVnd).toBe(300_000);
  });

  it("keeps ledger entries, amendments, rule versions, claim events and eligibility records append-only", async () => {
    const { lines, rule, programme } = await createSubsidySetup();
    const staff = (await createSubsidySetup()).staff;
    await amendBudgetLine({
      actor: staff,
      budgetLineId: lines[0].id,
      amendment: {
        intent: "amend",
        direction: "raise",
        amountVnd: 5_000_000,
        documentNumber: "QĐ 12/QĐ-SKHCN",
        reason: "Bổ sung dự toán quý 3",
      },
    });
    const lecturer = await createLecturer();
    const { cohort } = await createTestCohort();
    const enrollment = await createEnrollment(cohort.id, lecturer.user.id, 1_500_000);
    await commitEnrollmentSubsidy({
      subsidyProgrammeId: programme.id,
      enrollmentId: enrollment.id,
      userId: lecturer.user.id,
      feeVnd: 1_500_000,
      hours: 8,
      courseKey: "course:y",
      courseTitle: "y",
      providerName: "y",
      startsOn: cohort.startsOn,
      endsOn: cohort.endsOn,
      actorId: null,
    });
    const line = lines[0].id;
    for (const statement of [
      sql`update subsidy_ledger_entries set amount_vnd = 1 where budget_line_id = ${line}`,
      sql`delete from subsidy_ledger_entries where budget_line_id = ${line}`,
      sql`truncate subsidy_ledger_entries`,
      sql`update subsidy_budget_amendments set delta_vnd = 999999999 where budget_line_id = ${line}`,
      sql`delete from subsidy_budget_amendments where budget_line_id = ${line}`,
      sql`update subsidy_rule_versions set share_bps = 10000 where id = ${rule!.id}`,
      sql`delete from subsidy_rule_versions where id = ${rule!.id}`,
      sql`update subsidy_claim_events set note = 'x' where claim_id in (select id from subsidy_claims where budget_line_id = ${line})`,
      sql`update subsidy_eligibility_checks set eligible = true where subsidy_programme_id = ${programme.id}`,
      sql`update subsidy_budget_lines set available_vnd = available_vnd + 1000000000 where id = ${line}`,
      sql`update subsidy_budget_lines set allocated_vnd = 1 where id = ${line}`,
      sql`update subsidy_budget_lines set funding_source = 'other_lawful' where id = ${line}`,
      sql`delete from subsidy_budget_lines where id = ${line}`,
    ]) {
      expect(await refusal(db.execute(statement))).toBe("SA003");
    }
    const view = await getBudgetLine(line);
    expect(view.balance).toMatchObject({
      allocatedVnd: 100_000_000,
      amendmentsVnd: 5_000_000,
      committedVnd: 1_050_000,
    });
    expect(view.balance.remainingVnd).toBe(view.balance.availableVnd);
  });

  it("raises and cuts a line by recorded amendments, and refuses a cut below what is left", async () => {
    const { staff, lines } = await createSubsidySetup({ lines: [{ allocatedVnd: 20_000_000 }] });
    const line = lines[0];
    await amendBudgetLine({
      actor: staff,
      budgetLineId: line.id,
      amendment: {
        intent: "amend",
        direction: "raise",
        amountVnd: 30_000_000,
        documentNumber: "QĐ 345/QĐ-UBND",
        documentDate: "2026-06-01",
        reason: "Bổ sung kinh phí giữa năm",
      },
    });
    await amendBudgetLine({
      actor: staff,
      budgetLineId: line.id,
      amendment: {
        intent: "amend",
        direction: "cut",
        amountVnd: 45_000_000,
        documentNumber: "QĐ 401/QĐ-UBND",
        reason: "Điều chuyển sang nhiệm vụ khác",
      },
    });
    const tooMuch = amendBudgetLine({
      actor: staff,
      budgetLineId: line.id,
      amendment: {
        intent: "amend",
        direction: "cut",
        amountVnd: 5_000_001,
        documentNumber: "QĐ 402/QĐ-UBND",
        reason: "Cắt giảm thêm",
      },
    });
    await expect(tooMuch).rejects.toMatchObject({ status: 409, messageKey: "subsidies.errors.cutTooLarge" });
    const view = await getBudgetLine(line.id);
    expect(view.amendments.map((a) => [a.deltaVnd, a.documentNumber, a.actorName])).toEqual([
      [30_000_000, "QĐ 345/QĐ-UBND", expect.any(String)],
      [-45_000_000, "QĐ 401/QĐ-UBND", expect.any(String)],
    ]);
    expect(view.balance).toMatchObject({
      allocatedVnd: 20_000_000,
      amendmentsVnd: -15_000_000,
      totalVnd: 5_000_000,
      remainingVnd: 5_000_000,
      availableVnd: 5_000_000,
    });
  });

  it("refuses a release or payment larger than the claim's commitment, and a recovery larger than what was paid", async () => {
    const { programme, lines } = await createSubsidySetup();
    const lecturer = await createLecturer();
    const { cohort } = await createTestCohort();
    const enrollment = await createEnrollment(cohort.id, lecturer.user.id, 2_000_000);
    const result = await commitEnrollmentSubsidy({
      subsidyProgrammeId: programme.id,
      enrollmentId: enrollment.id,
      userId: lecturer.user.id,
      feeVnd: 2_000_000,
      hours: 8,
      courseKey: "course:z",
      courseTitle: "z",
      providerName: "z",
      startsOn: cohort.startsOn,
      endsOn: cohort.endsOn,
      actorId: null,
    });
    const claimId = result.claim!.id;
    const entry = (kind: "release" | "payment" | "recovery", amountVnd: number) =>
      appendLedgerEntry(db, { budgetLineId: lines[0].id, claimId, kind, amountVnd, actorId: null, reason: "test" });
    await expect(entry("release", 1_400_001)).rejects.toMatchObject({ messageKey: "subsidies.errors.ledgerMismatch" });
    await expect(entry("payment", 1_400_001)).rejects.toMatchObject({ messageKey: "subsidies.errors.ledgerMismatch" });
    await expect(entry("recovery", 1)).rejects.toMatchObject({ messageKey: "subsidies.errors.ledgerMismatch" });
    await entry("payment", 1_400_000);
    await expect(entry("recovery", 1_400_001)).rejects.toBeInstanceOf(AppError);
    await entry("recovery", 400_000);
    const [balance] = await lineBalances(db, { budgetLineIds: [lines[0].id] });
    expect(balance).toMatchObject({
      committedVnd: 1_400_000,
      paidVnd: 1_400_000,
      recoveredVnd: 400_000,
      spentVnd: 1_000_000,
      outstandingVnd: 0,
    });
    expect(balance.remainingVnd).toBe(100_000_000 - 1_000_000);
    expect(balance.availableVnd).toBe(balance.remainingVnd);
    expect(databaseKind()).toMatch(/postgres|pglite/);
  });
});
