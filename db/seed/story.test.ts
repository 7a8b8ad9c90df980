import { randomUUID } from "node:crypto";
import { and, asc, eq, inArray, sql } from "drizzle-orm";
import { unzipSync, strFromU8 } from "fflate";
import { describe, expect, it } from "vitest";
import { db } from "~/lib/db.server";
import { verifyAuditChain } from "~/modules/audit/audit.server";
import { syncCourses } from "~/modules/courses/sync.server";
import { buildEvidencePack } from "~/modules/reports/evidence-pack.server";
import { addMember, createOrganisation, createUser } from "../../tests/fixtures/factories";
import {
  attendance,
  attendanceEvents,
  auditLog,
  cohorts,
  cohortSessions,
  enrollments,
  payments,
  programmes,
  quizAttempts,
  receipts,
  subsidyClaimEvents,
  subsidyClaimFiles,
  subsidyClaims,
  subsidyLedgerEntries,
} from "../schema";
import { seedDemoTrainingStory, STORY_EXTERNAL_FEE_VND, STORY_INVOICE_NAME } from "./story";
import { seedSubsidyDemo } from "./subsidies";

async function footprint(userIds: string[], cohortId: string | undefined) {
  const count = async (query: ReturnType<typeof sql>) => Number((await db.execute<{ n: number }>(query)).rows[0].n);
  const ids = sql.join(
    userIds.map((id) => sql`${id}::uuid`),
    sql`, `,
  );
  return {
    cohorts: cohortId
      ? await count(sql`select count(*)::int as n from cohort_sessions where cohort_id = ${cohortId}::uuid`)
      : 0,
    enrollments: await count(sql`select count(*)::int as n from enrollments where user_id in (${ids})`),
    attendance: await count(
      sql`select count(*)::int as n from attendance_events e join enrollments en on en.id = e.enrollment_id where en.user_id in (${ids})`,
    ),
    payments: await count(sql`select count(*)::int as n from payments where payer_user_id in (${ids})`),
    claims: await count(
      sql`select count(*)::int as n from subsidy_claim_events e join subsidy_claims c on c.id = e.claim_id where c.claimant_user_id in (${ids})`,
    ),
    ledger: await count(
      sql`select count(*)::int as n from subsidy_ledger_entries l join subsidy_claims c on c.id = l.claim_id where c.claimant_user_id in (${ids})`,
    ),
    quizzes: await count(sql`select count(*)::int as n from quiz_attempts where user_id in (${ids})`),
    audit: await count(sql`select count(*)::int as n from audit_log where actor_id in (${ids})`),
  };
}

describe("the demo training story", () => {
  it("enrols, pays, attends, completes and is subsidised through the services, once", async () => {
    await syncCourses();
    const chainBefore = await verifyAuditChain();
    const tag = randomUUID().slice(0, 6);
    const staff = await createUser({ roles: ["staff"], name: "Cán bộ Sở" });
    const trainer = await createUser({ roles: ["trainer"], name: "Huấn luyện viên" });
    const lecturer = await createUser({ roles: ["lecturer"], name: `Giảng viên ${tag}` });
    const hub = await createOrganisation({
      kind: "incubator",
      name: `Vườn ươm ${tag}`,
      address: "Số 1 Trần Phú, Hải Phòng",
    });
    const university = await createOrganisation({ kind: "university", name: `Đại học ${tag}`, province: "Hải Phòng" });
    await addMember(trainer.id, hub.id, "admin");
    await addMember(lecturer.id, university.id);
    const department = await createOrganisation({ kind: "government" });
    const [programme] = await db
      .insert(programmes)
      .values({
        slug: `story-${tag}`,
        nameVi: "Kế hoạch",
        nameEn: "Plan",
        province: "Hải Phòng",
        ownerOrganisationId: department.id,
      })
      .returning();
    await seedSubsidyDemo({ programmeId: programme.id });

    const options = {
      emails: { staff: staff.email, trainer: trainer.email, lecturer: lecturer.email },
      programmeId: programme.id,
      cohortCode: `STORY-${tag}`,
      now: new Date("2026-11-28T03:00:00Z"),
    };
    await seedDemoTrainingStory(options);
    const [cohort] = await db.select().from(cohorts).where(eq(cohorts.code, options.cohortCode));
    const people = [staff.id, trainer.id, lecturer.id];
    const first = await footprint(people, cohort?.id);
    await seedDemoTrainingStory(options);
    await seedDemoTrainingStory({ ...options, now: new Date("2026-12-05T03:00:00Z") });
    expect(await footprint(people, cohort.id)).toEqual(first);

    // The cohort ran ten to seven weeks before, with four sessions; the lecturer completed it.
    expect(cohort).toMatchObject({ status: "published", startsOn: "2026-09-19", endsOn: "2026-10-10" });
    expect(cohort.completionDecidedBy).toBe(staff.id);
    const [place] = await db
      .select()
      .from(enrollments)
      .where(and(eq(enrollments.cohortId, cohort.id), eq(enrollments.userId, lecturer.id)));
    expect(place.status).toBe("completed");

    // Attendance with its history: the second session absent, then corrected to late with a reason.
    const records = await db
      .select({ status: attendance.status })
      .from(attendance)
      .innerJoin(cohortSessions, eq(cohortSessions.id, attendance.sessionId))
      .where(eq(attendance.enrollmentId, place.id))
      .orderBy(asc(cohortSessions.startsAt));
    expect(records.map((r) => r.status)).toEqual(["present", "late", "present", "present"]);
    const history = await db
      .select()
      .from(attendanceEvents)
      .where(eq(attendanceEvents.enrollmentId, place.id))
      .orderBy(asc(attendanceEvents.id));
    expect(history).toHaveLength(5);
    expect(history.find((h) => h.oldStatus === "absent")).toMatchObject({ newStatus: "late", actorId: trainer.id });
    expect(history.find((h) => h.oldStatus === "absent")?.reason).toContain("muộn 25 phút");

    // Her share paid (70 % of 3,200,000 subsidised), with a receipt.
    const [payment] = await db.select().from(payments).where(eq(payments.enrollmentId, place.id));
    expect(payment).toMatchObject({ status: "paid", feeVnd: 3_200_000, subsidyVnd: 2_240_000, amountVnd: 960_000 });
    const [receipt] = await db.select().from(receipts).where(eq(receipts.paymentId, payment.id));
    expect(receipt.number).toMatch(/^BL-2026-\d{6}$/);
    expect(
      await db
        .select()
        .from(quizAttempts)
        .where(and(eq(quizAttempts.userId, lecturer.id), eq(quizAttempts.passed, true))),
    ).toHaveLength(6);

    // The platform claim: estimated on enrolment, earned on completion, paid by staff.
    const [platform] = await db.select().from(subsidyClaims).where(eq(subsidyClaims.enrollmentId, place.id));
    expect(platform).toMatchObject({
      status: "paid",
      route: "platform",
      approvedVnd: 2_240_000,
      beneficiaryKind: "lecturer",
    });
    const platformEvents = await db
      .select()
      .from(subsidyClaimEvents)
      .where(eq(subsidyClaimEvents.claimId, platform.id))
      .orderBy(asc(subsidyClaimEvents.id));
    expect(platformEvents.map((e) => [e.toStatus, e.actorId])).toEqual([
      ["estimated", lecturer.id],
      ["earned", staff.id],
      ["paid", staff.id],
    ]);
    const platformLedger = await db
      .select()
      .from(subsidyLedgerEntries)
      .where(eq(subsidyLedgerEntries.claimId, platform.id))
      .orderBy(asc(subsidyLedgerEntries.id));
    expect(platformLedger.map((l) => [l.kind, l.amountVnd])).toEqual([
      ["commitment", 2_240_000],
      ["payment", 2_240_000],
    ]);

    // The external claim: filed with the invoice, reviewed and approved by staff (committed).
    const [external] = await db
      .select()
      .from(subsidyClaims)
      .where(and(eq(subsidyClaims.claimantUserId, lecturer.id), eq(subsidyClaims.route, "external")));
    expect(external).toMatchObject({
      status: "approved",
      feeVnd: STORY_EXTERNAL_FEE_VND,
      approvedVnd: 4_200_000,
      organisationId: university.id,
    });
    const externalEvents = await db
      .select()
      .from(subsidyClaimEvents)
      .where(eq(subsidyClaimEvents.claimId, external.id))
      .orderBy(asc(subsidyClaimEvents.id));
    expect(externalEvents.map((e) => [e.toStatus, e.actorId])).toEqual([
      ["submitted", lecturer.id],
      ["under_review", staff.id],
      ["approved", staff.id],
    ]);
    expect(await db.select().from(subsidyClaimFiles).where(eq(subsidyClaimFiles.claimId, external.id))).toHaveLength(1);
    const externalLedger = await db
      .select()
      .from(subsidyLedgerEntries)
      .where(eq(subsidyLedgerEntries.claimId, external.id));
    expect(externalLedger.map((l) => [l.kind, l.amountVnd])).toEqual([["commitment", 4_200_000]]);

    // Every change has its audit entry, and the chain still verifies.
    const audited = await db
      .select({ action: auditLog.action })
      .from(auditLog)
      .where(inArray(auditLog.entityId, [platform.id, external.id, payment.id, cohort.id]));
    expect(audited.map((a) => a.action)).toEqual(
      expect.arrayContaining([
        "cohort.created",
        "subsidy_cohort.linked",
        "payment.opened",
        "payment.paid",
        "cohort.completion_decided",
        "subsidy_claim.paid",
        "subsidy_claim.submitted",
        "subsidy_claim.approved",
      ]),
    );
    if (chainBefore.ok) expect(await verifyAuditChain()).toMatchObject({ ok: true });

    // The evidence packs hold what an auditor needs.
    const pack = unzipSync((await buildEvidencePack({ claimId: platform.id, actorName: "Kiểm toán" })).bytes);
    expect(Object.keys(pack)).toContain(`receipts/${receipt.number}.pdf`);
    expect(strFromU8(pack[`receipts/${receipt.number}.pdf`].subarray(0, 5))).toBe("%PDF-");
    const externalPack = unzipSync((await buildEvidencePack({ claimId: external.id, actorName: "Kiểm toán" })).bytes);
    const invoice = Object.keys(externalPack).find(
      (name) => name.startsWith("files/invoice-") && name.endsWith(STORY_INVOICE_NAME),
    );
    expect(invoice && strFromU8(externalPack[invoice].subarray(0, 5))).toBe("%PDF-");
  });

  it("does nothing without its people", async () => {
    const lines: string[] = [];
    await seedDemoTrainingStory({
      emails: { staff: "nobody@test.example", trainer: "nobody@test.example", lecturer: "nobody@test.example" },
      log: (l) => lines.push(l),
    });
    expect(lines[0]).toContain("skipped");
  });
});
