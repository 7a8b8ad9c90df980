import { randomUUID } from "node:crypto";
import { and, eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { auditLog, cohortDiscounts, payments } from "#db/schema";
import { db } from "~/lib/db.server";
import { discountOf } from "~/modules/discounts/discounts";
import { getCohortDiscount } from "~/modules/discounts/discounts.server";
import { enrol } from "~/modules/enrollment/enrollment.server";
import { paymentPage } from "~/modules/payments/view.server";
import { linkCohort } from "~/modules/subsidy/enrollment-subsidy.server";
import { loader as cohortPageLoader } from "~/routes/cohorts.$cohortId";
import { action as discountAction, loader as discountLoader } from "~/routes/manage.cohorts.$cohortId.discount";
import { actorFor, callRoute, expectAppError } from "../../../tests/fixtures/admin";
import { createTestCohort } from "../../../tests/fixtures/cohorts";
import { addMember, createOrganisation, createUser, signedInRequest } from "../../../tests/fixtures/factories";
import { createFounder, createStaff, createSubsidySetup } from "../../../tests/fixtures/subsidies";
import { removeCohortDiscount, setCohortDiscount } from "./discounts.server";

const FEE = 1_500_000;

async function auditOf(cohortId: string) {
  return db
    .select()
    .from(auditLog)
    .where(and(eq(auditLog.entityType, "cohort"), eq(auditLog.entityId, cohortId)))
    .orderBy(auditLog.id);
}

function post(userId: string, cohortId: string, form: Record<string, string>) {
  return signedInRequest(userId, `/manage/cohorts/${cohortId}/discount`, { form });
}

describe("what a discount takes off a fee", () => {
  it("takes an amount (never more than the fee) or a share rounded down to whole VND", () => {
    expect(discountOf({ amountVnd: 300_000, shareBps: null }, FEE)).toBe(300_000);
    // The fee lowered below the amount after the discount was set: the place costs nothing, never less.
    expect(discountOf({ amountVnd: 300_000, shareBps: null }, 200_000)).toBe(200_000);
    // 12.5 % of 1 000 000 = 125 000; 33.33 % of 1 000 001 = 333 300.3333 → 333 300.
    expect(discountOf({ amountVnd: null, shareBps: 1250 }, 1_000_000)).toBe(125_000);
    expect(discountOf({ amountVnd: null, shareBps: 3333 }, 1_000_001)).toBe(333_300);
    expect(discountOf({ amountVnd: null, shareBps: 10_000 }, FEE)).toBe(FEE);
    expect(discountOf(null, FEE)).toBe(0);
  });
});

describe("cohort discounts", () => {
  it("a discount set by staff is in the learner's breakdown before paying and in the amount charged", async () => {
    // Fee 1 500 000, discount 300 000 → charged 1 200 000; the test rule pays 70 % of that = 840 000
    // (its caps are above it), so the learner pays 1 500 000 − 300 000 − 840 000 = 360 000.
    const setup = await createSubsidySetup({
      lines: [{ allocatedVnd: 50_000_000, fundingSource: "central_programme" }],
    });
    const { cohort } = await createTestCohort({ feeVnd: FEE });
    await linkCohort({ actor: setup.staff, subsidyProgrammeId: setup.programme.id, cohortId: cohort.id });
    const staff = await createUser({ roles: ["staff"] });
    const saved = await callRoute(
      discountAction,
      await post(staff.id, cohort.id, { intent: "set", kind: "amount", amountVnd: "300000", reason: "Ưu đãi nhóm" }),
      { cohortId: cohort.id },
    );
    expect(saved).toMatchObject({ status: 302, location: `/manage/cohorts/${cohort.id}/discount?saved=set` });

    const founder = await createFounder({ registeredOn: "2023-03-15" });
    const before = await callRoute(cohortPageLoader, await signedInRequest(founder.user.id, `/cohorts/${cohort.id}`), {
      cohortId: cohort.id,
    });
    const page = before.data as Awaited<ReturnType<typeof cohortPageLoader>>;
    expect(page.discount).toEqual({ amountVnd: 300_000, nettVnd: 1_200_000, reason: "Ưu đãi nhóm" });
    expect(page.subsidy).toMatchObject({
      kind: "estimate",
      feeVnd: 1_500_000,
      discountVnd: 300_000,
      estimateVnd: 840_000,
      nettFeeVnd: 360_000,
    });

    const placed = await enrol({ actor: founder.actor, cohortId: cohort.id });
    expect(placed.status).toBe("pending_payment");
    const [payment] = await db.select().from(payments).where(eq(payments.enrollmentId, placed.enrollmentId));
    expect(payment).toMatchObject({ feeVnd: 1_500_000, discountVnd: 300_000, subsidyVnd: 840_000, amountVnd: 360_000 });
    // The VietQR code asks the bank app for the discounted amount (tag 54, six digits).
    const view = await paymentPage(founder.actor, payment.id);
    expect(view.payment.discountVnd).toBe(300_000);
    expect(view.transfer?.payload).toContain("5406360000");

    // Once enrolled, the cohort page shows the place's own breakdown, with the discount it took.
    const after = await callRoute(cohortPageLoader, await signedInRequest(founder.user.id, `/cohorts/${cohort.id}`), {
      cohortId: cohort.id,
    });
    expect((after.data as typeof page).subsidy).toMatchObject({
      kind: "claim",
      feeVnd: 1_500_000,
      discountVnd: 300_000,
      subsidyVnd: 840_000,
      nettFeeVnd: 360_000,
    });

    // A later change does not alter what the place already owes.
    await setCohortDiscount({
      actor: await actorFor(staff),
      cohortId: cohort.id,
      discount: { kind: "share", sharePercent: 50, reason: "Đổi" },
    });
    const [unchanged] = await db.select().from(payments).where(eq(payments.id, payment.id));
    expect(unchanged.amountVnd).toBe(360_000);
  });

  it("a share discount without a subsidy: 12.5 % of 1 000 000 leaves 875 000 to pay", async () => {
    const { cohort } = await createTestCohort({ feeVnd: 1_000_000 });
    const staff = await createStaff();
    await setCohortDiscount({
      actor: staff,
      cohortId: cohort.id,
      discount: { kind: "share", sharePercent: 12.5, reason: "Học viên khoá trước" },
    });
    const learner = await createUser();
    const placed = await enrol({ actor: await actorFor(learner), cohortId: cohort.id });
    const [payment] = await db.select().from(payments).where(eq(payments.enrollmentId, placed.enrollmentId));
    expect(payment).toMatchObject({ feeVnd: 1_000_000, discountVnd: 125_000, subsidyVnd: 0, amountVnd: 875_000 });
  });

  it("a discount of the whole fee confirms the place at once, with a receipt of nothing to pay", async () => {
    const { cohort } = await createTestCohort({ feeVnd: 400_000 });
    const staff = await createStaff();
    await setCohortDiscount({
      actor: staff,
      cohortId: cohort.id,
      discount: { kind: "amount", amountVnd: 400_000, reason: "Học bổng toàn phần" },
    });
    const learner = await createUser();
    const placed = await enrol({ actor: await actorFor(learner), cohortId: cohort.id });
    expect(placed.status).toBe("confirmed");
    const [payment] = await db.select().from(payments).where(eq(payments.enrollmentId, placed.enrollmentId));
    expect(payment).toMatchObject({ discountVnd: 400_000, amountVnd: 0, status: "paid", paidVia: "discount" });
  });

  it("setting, changing and removing are audited with who, before and after", async () => {
    const { cohort } = await createTestCohort({ feeVnd: FEE });
    const staff = await createStaff();
    await setCohortDiscount({
      actor: staff,
      cohortId: cohort.id,
      discount: { kind: "amount", amountVnd: 100_000, reason: "Một" },
    });
    await setCohortDiscount({
      actor: staff,
      cohortId: cohort.id,
      discount: { kind: "share", sharePercent: 10, reason: "Hai" },
    });
    const current = await getCohortDiscount(cohort.id);
    expect(current).toMatchObject({ amountVnd: null, shareBps: 1000, reason: "Hai" });
    expect(await removeCohortDiscount({ actor: staff, cohortId: cohort.id })).toBe(true);
    // Removing what is not there writes nothing.
    expect(await removeCohortDiscount({ actor: staff, cohortId: cohort.id })).toBe(false);
    expect(await getCohortDiscount(cohort.id)).toBeNull();
    const entries = (await auditOf(cohort.id)).map((e) => ({
      action: e.action,
      actorId: e.actorId,
      before: e.before,
      after: e.after,
    }));
    expect(entries).toEqual([
      {
        action: "cohort.discount_set",
        actorId: staff.id,
        before: null,
        after: { amountVnd: 100_000, shareBps: null, reason: "Một", discountVndOnFee: 100_000 },
      },
      {
        action: "cohort.discount_set",
        actorId: staff.id,
        before: { amountVnd: 100_000, shareBps: null, reason: "Một" },
        after: { amountVnd: null, shareBps: 1000, reason: "Hai", discountVndOnFee: 150_000 },
      },
      {
        action: "cohort.discount_removed",
        actorId: staff.id,
        before: { amountVnd: null, shareBps: 1000, reason: "Hai" },
        after: null,
      },
    ]);
  });

  it("refuses an amount above the fee and a discount on a free cohort, with translated field errors", async () => {
    const { cohort } = await createTestCohort({ feeVnd: FEE });
    const staff = await createStaff();
    const error = await expectAppError(
      setCohortDiscount({
        actor: staff,
        cohortId: cohort.id,
        discount: { kind: "amount", amountVnd: FEE + 1, reason: "Quá" },
      }),
      400,
      "cohorts.discount.amountAboveFee",
    );
    expect(error.field).toBe("amountVnd");
    const free = await createTestCohort({ feeVnd: 0 });
    await expectAppError(
      setCohortDiscount({
        actor: staff,
        cohortId: free.cohort.id,
        discount: { kind: "share", sharePercent: 10, reason: "Miễn phí" },
      }),
      400,
      "cohorts.discount.freeCohort",
    );
    expect(await getCohortDiscount(cohort.id)).toBeNull();
  });
});

describe("the discount form, probed", () => {
  it("another training provider's admin gets 403 and nothing changes", async () => {
    const { cohort } = await createTestCohort({ feeVnd: FEE });
    const other = await createOrganisation({ kind: "incubator" });
    const otherAdmin = await createUser({ roles: ["learner"] });
    await addMember(otherAdmin.id, other.id, "admin");
    const form = { intent: "set", kind: "amount", amountVnd: "100000", reason: "Không phải lớp của tôi" };
    const answer = await callRoute(discountAction, await post(otherAdmin.id, cohort.id, form), {
      cohortId: cohort.id,
    });
    expect(answer.status).toBe(403);
    const page = await callRoute(
      discountLoader,
      await signedInRequest(otherAdmin.id, `/manage/cohorts/${cohort.id}/discount`),
      { cohortId: cohort.id },
    );
    expect(page.status).toBe(403);
    expect(await getCohortDiscount(cohort.id)).toBeNull();
    // The provider's own admin may.
    const ownAdmin = await createUser({ roles: ["learner"] });
    const cohortOrg = (await createTestCohort({ feeVnd: FEE })).cohort;
    await addMember(ownAdmin.id, cohortOrg.organisationId, "admin");
    const own = await callRoute(discountAction, await post(ownAdmin.id, cohortOrg.id, form), {
      cohortId: cohortOrg.id,
    });
    expect(own.status).toBe(302);
  });

  it("the same form sent twice at once sets the discount once", async () => {
    const { cohort } = await createTestCohort({ feeVnd: FEE });
    const staff = await createUser({ roles: ["staff"] });
    const form = {
      intent: "set",
      kind: "amount",
      amountVnd: "200000",
      reason: "Gửi hai lần",
      submissionKey: randomUUID(),
    };
    const answers = await Promise.all([
      callRoute(discountAction, await post(staff.id, cohort.id, form), { cohortId: cohort.id }),
      callRoute(discountAction, await post(staff.id, cohort.id, form), { cohortId: cohort.id }),
    ]);
    expect(answers.map((a) => a.status)).toEqual([302, 302]);
    const rows = await db.select().from(cohortDiscounts).where(eq(cohortDiscounts.cohortId, cohort.id));
    expect(rows).toHaveLength(1);
    expect((await auditOf(cohort.id)).filter((e) => e.action === "cohort.discount_set")).toHaveLength(1);
  });

  it("hostile input is a 400 next to the field, never a 500, and changes nothing", async () => {
    const { cohort } = await createTestCohort({ feeVnd: FEE });
    const staff = await createUser({ roles: ["staff"] });
    const cases: [Record<string, string>, string][] = [
      [{ kind: "share", sharePercent: "150", reason: "x" }, "sharePercent"],
      [{ kind: "share", sharePercent: "0", reason: "x" }, "sharePercent"],
      [{ kind: "share", sharePercent: "12.345", reason: "x" }, "sharePercent"],
      [{ kind: "share", sharePercent: "NaN", reason: "x" }, "sharePercent"],
      [{ kind: "amount", amountVnd: "-5", reason: "x" }, "amountVnd"],
      [{ kind: "amount", amountVnd: "1e30", reason: "x" }, "amountVnd"],
      [{ kind: "amount", amountVnd: "1500001", reason: "x" }, "amountVnd"],
      [{ kind: "amount", reason: "x" }, "amountVnd"],
      [{ kind: "bogus", amountVnd: "1", reason: "x" }, "kind"],
      [{ kind: "amount", amountVnd: "1", reason: "\u200b " }, "reason"],
      [{ kind: "amount", amountVnd: "1", reason: "x".repeat(100_000) }, "reason"],
      [{ kind: "amount", amountVnd: "1", reason: "x", submissionKey: "not-a-key" }, "submissionKey"],
    ];
    for (const [fields, field] of cases) {
      const answer = await callRoute(discountAction, await post(staff.id, cohort.id, { intent: "set", ...fields }), {
        cohortId: cohort.id,
      });
      expect({ fields: Object.keys(fields), status: answer.status }).toEqual({
        fields: Object.keys(fields),
        status: 400,
      });
      const result = (answer.data as { result?: { error?: Record<string, string[]> } }).result;
      expect(Object.keys(result?.error ?? {}), JSON.stringify(fields).slice(0, 80)).toContain(field);
    }
    const unknownIntent = await callRoute(discountAction, await post(staff.id, cohort.id, { intent: "drop" }), {
      cohortId: cohort.id,
    });
    expect(unknownIntent.status).toBe(400);
    const noCohort = await callRoute(discountAction, await post(staff.id, "not-a-uuid", { intent: "remove" }), {
      cohortId: "not-a-uuid",
    });
    expect(noCohort.status).toBe(404);
    expect(await getCohortDiscount(cohort.id)).toBeNull();
    expect(await auditOf(cohort.id)).toHaveLength(0);
  });
});
