import { randomUUID } from "node:crypto";
import { mkdtempSync, readdirSync, readFileSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { and, eq, sql } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import { organisations, storedFiles, subsidyClaims, subsidyEligibilityChecks, subsidyLedgerEntries } from "#db/schema";
import { db } from "~/lib/db.server";
import { uploadsRoot } from "~/modules/files/storage.server";
import { verifyStartupRegistration } from "~/modules/organisations/organisations.server";
import { createUser } from "../../../tests/fixtures/factories";
import {
  actor,
  createFounder,
  createLecturer,
  createSubsidySetup,
  fakePdfFile,
  pdfFile,
  PROVINCE,
  BASE_RULE,
} from "../../../tests/fixtures/subsidies";
import {
  approveClaim,
  clawbackClaim,
  fileExternalClaim,
  getClaimDetail,
  getClaimFile,
  markClaimPaid,
  rejectClaim,
  requestMoreInfo,
  resubmitClaim,
  startReview,
} from "./claims.server";
import { createRuleVersion } from "./rules.server";
import type { ExternalClaimInput } from "./schema";

beforeAll(() => {
  process.env.UPLOAD_DIR = mkdtempSync(join(tmpdir(), "sa-subsidy-uploads-"));
});

function filesOnDisk(): string[] {
  const root = uploadsRoot();
  const found: string[] = [];
  const walk = (dir: string) => {
    for (const name of readdirSync(dir)) {
      const path = join(dir, name);
      if (statSync(path).isDirectory()) walk(path);
      else found.push(path);
    }
  };
  walk(root);
  return found;
}

const NOW = new Date("2026-11-28T03:00:00Z");

function claimInput(
  subsidyProgrammeId: string,
  organisationId: string,
  change: Partial<ExternalClaimInput> = {},
): ExternalClaimInput {
  return {
    subsidyProgrammeId,
    organisationId,
    kind: "course",
    courseTitle: "Huấn luyện giảng viên khởi nghiệp đổi mới sáng tạo",
    providerName: "Trung tâm Hỗ trợ Khởi nghiệp Quốc gia",
    country: "VN",
    startsOn: "2026-11-02",
    endsOn: "2026-11-06",
    hours: 24,
    feeVnd: 20_000_000,
    invoice: pdfFile(),
    ...change,
  };
}

async function countsFor(userId: string) {
  const [[claims], [files], [checks]] = await Promise.all([
    db
      .select({ n: sql<number>`count(*)::int` })
      .from(subsidyClaims)
      .where(eq(subsidyClaims.claimantUserId, userId)),
    db
      .select({ n: sql<number>`count(*)::int` })
      .from(storedFiles)
      .where(eq(storedFiles.ownerUserId, userId)),
    db
      .select({ n: sql<number>`count(*)::int` })
      .from(subsidyEligibilityChecks)
      .where(eq(subsidyEligibilityChecks.userId, userId)),
  ]);
  return { claims: claims.n, files: files.n, checks: checks.n, onDisk: filesOnDisk().length };
}

describe("external training claims", () => {
  it("files one claim from fifty concurrent copies of the same form, and keeps no stray files", async () => {
    const { programme } = await createSubsidySetup();
    const lecturer = await createLecturer();
    const before = await countsFor(lecturer.user.id);
    const submissionKey = randomUUID();
    const copies = await Promise.allSettled(
      Array.from({ length: 50 }, () =>
        fileExternalClaim({
          actor: lecturer.actor,
          claim: claimInput(programme.id, lecturer.organisation.id, { submissionKey }),
          now: NOW,
        }),
      ),
    );
    const filed = copies.flatMap((c) => (c.status === "fulfilled" ? [c.value.id] : []));
    expect(copies.filter((c) => c.status === "rejected")).toEqual([]);
    expect(new Set(filed).size).toBe(1);
    const after = await countsFor(lecturer.user.id);
    expect(after.claims - before.claims).toBe(1);
    expect(after.files - before.files).toBe(1);
    expect(after.onDisk - before.onDisk).toBe(1);
    // A new form (a new key) is a new claim.
    const second = await fileExternalClaim({
      actor: lecturer.actor,
      claim: claimInput(programme.id, lecturer.organisation.id, { submissionKey: randomUUID() }),
      now: NOW,
    });
    expect(second.id).not.toBe(filed[0]);
  });

  it("files a lecturer's claim with its invoice stored safely, judged from recorded facts under the rule in force", async () => {
    const { programme, rule } = await createSubsidySetup({ rule: { capPerBeneficiaryYearVnd: 10_000_000 } });
    const lecturer = await createLecturer();
    const claim = await fileExternalClaim({
      actor: lecturer.actor,
      claim: claimInput(programme.id, lecturer.organisation.id),
      now: NOW,
    });
    expect(claim).toMatchObject({
      status: "submitted",
      route: "external",
      beneficiaryKind: "lecturer",
      beneficiaryKey: `user:${lecturer.user.id}`,
      costCategory: "external_course_domestic",
      ruleVersionId: rule!.id,
      requestedVnd: 10_000_000,
    });
    expect(claim.calculation).toMatchObject({
      shareAmountVnd: 14_000_000,
      amountVnd: 10_000_000,
      limitedBy: ["perBeneficiaryYear"],
    });

    const [check] = await db
      .select()
      .from(subsidyEligibilityChecks)
      .where(eq(subsidyEligibilityChecks.id, claim.eligibilityCheckId));
    expect(check).toMatchObject({
      eligible: true,
      ruleVersionId: rule!.id,
      ruleVersion: 1,
      beneficiaryKind: "lecturer",
      context: "external-claim",
    });
    expect(check.facts).toMatchObject({
      organisation: { id: lecturer.organisation.id, kind: "university", province: PROVINCE },
      user: { roles: ["lecturer"] },
      rule: { id: rule!.id, version: 1, province: PROVINCE },
      training: { startsOn: "2026-11-02", endsOn: "2026-11-06" },
    });

    const file = await getClaimFile({
      actor: lecturer.actor,
      claimId: claim.id,
      fileId: (await getClaimDetail({ actor: lecturer.actor, claimId: claim.id })).files[0].id,
    });
    expect(file).toMatchObject({
      contentType: "application/pdf",
      originalName: "hoa-don.pdf",
      purpose: "subsidy-claim",
    });
    expect(file.storageKey).toMatch(/^\d{4}\/\d{2}\/[0-9a-f]{32}$/);
    const onDisk = readFileSync(join(uploadsRoot(), file.storageKey));
    expect(onDisk.subarray(0, 5).toString()).toBe("%PDF-");
    expect(statSync(join(uploadsRoot(), file.storageKey)).mode & 0o777).toBe(0o600);
  });

  it("shows a claim and its files to the claimant, staff and auditors only", async () => {
    const { programme, staff } = await createSubsidySetup();
    const lecturer = await createLecturer();
    const claim = await fileExternalClaim({
      actor: lecturer.actor,
      claim: claimInput(programme.id, lecturer.organisation.id),
      now: NOW,
    });
    const detail = await getClaimDetail({ actor: staff, claimId: claim.id });
    const auditor = actor(await createUser({ roles: ["auditor"] }), ["auditor"]);
    const stranger = (await createLecturer()).actor;
    await expect(
      getClaimFile({ actor: auditor, claimId: claim.id, fileId: detail.files[0].id }),
    ).resolves.toMatchObject({ id: detail.files[0].id });
    await expect(getClaimDetail({ actor: stranger, claimId: claim.id })).rejects.toMatchObject({ status: 403 });
    await expect(
      getClaimFile({ actor: stranger, claimId: claim.id, fileId: detail.files[0].id }),
    ).rejects.toMatchObject({ status: 403 });
  });

  it("refuses a file whose bytes are not what its name says, or that is too large, and writes nothing", async () => {
    const { programme } = await createSubsidySetup();
    const lecturer = await createLecturer();
    const before = await countsFor(lecturer.user.id);
    const cases: [File, number, string][] = [
      [fakePdfFile(), 400, "files.errors.wrongType"],
      // A PNG (signature and header chunk) named .pdf.
      [
        new File(
          [
            new Uint8Array([
              0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52, 0, 0, 0, 1, 0, 0, 0,
              1, 8, 6, 0, 0, 0, 0x1f, 0x15, 0xc4, 0x89,
            ]),
          ],
          "hoa-don.pdf",
        ),
        400,
        "files.errors.extensionMismatch",
      ],
      [pdfFile("hoa-don.pdf", 10 * 1024 * 1024), 413, "files.errors.tooLarge"],
      [new File([], "trong.pdf"), 400, "files.errors.empty"],
    ];
    for (const [invoice, status, messageKey] of cases) {
      const filing = fileExternalClaim({
        actor: lecturer.actor,
        claim: claimInput(programme.id, lecturer.organisation.id, { invoice }),
        now: NOW,
      });
      await expect(filing).rejects.toMatchObject({ status, messageKey, field: "invoice" });
    }
    const certificate = fakePdfFile("chung-chi.pdf");
    await expect(
      fileExternalClaim({
        actor: lecturer.actor,
        claim: claimInput(programme.id, lecturer.organisation.id, { certificate }),
        now: NOW,
      }),
    ).rejects.toMatchObject({ messageKey: "files.errors.wrongType", field: "certificate" });
    expect(await countsFor(lecturer.user.id)).toEqual(before);
  });

  it("refuses a startup six years past its registration, shows why, and records the facts and rule it used", async () => {
    const { programme, rule } = await createSubsidySetup();
    const founder = await createFounder({ registeredOn: "2020-05-20" });
    const before = await countsFor(founder.user.id);
    const filing = fileExternalClaim({
      actor: founder.actor,
      claim: claimInput(programme.id, founder.organisation.id, { kind: "coaching" }),
      now: NOW,
    });
    await expect(filing).rejects.toMatchObject({
      status: 422,
      messageKey: "subsidies.eligibility.startupTooOld",
      params: { registeredOn: "2020-05-20", years: 5, date: "2026-11-02" },
    });
    const after = await countsFor(founder.user.id);
    expect(after).toEqual({ ...before, checks: before.checks + 1 });
    const [check] = await db
      .select()
      .from(subsidyEligibilityChecks)
      .where(eq(subsidyEligibilityChecks.userId, founder.user.id));
    expect(check).toMatchObject({
      eligible: false,
      ruleVersionId: rule!.id,
      ruleVersion: 1,
      beneficiaryKind: "startup",
    });
    expect(check.reasons).toEqual([expect.objectContaining({ key: "subsidies.eligibility.startupTooOld" })]);
    expect(check.facts).toMatchObject({
      organisation: { businessRegisteredOn: "2020-05-20", kind: "startup" },
      startupEligibleUntil: "2025-05-20",
    });

    const young = await createFounder({ registeredOn: "2022-01-10" });
    const ok = await fileExternalClaim({
      actor: young.actor,
      claim: claimInput(programme.id, young.organisation.id, { kind: "coaching" }),
      now: NOW,
    });
    expect(ok).toMatchObject({
      beneficiaryKind: "startup",
      costCategory: "coaching_advisory",
      beneficiaryKey: `org:${young.organisation.id}`,
    });
  });

  it("refuses a lecturer of an institution outside the programme's province, and a claim filed by a non-member", async () => {
    const { programme } = await createSubsidySetup();
    const outside = await createLecturer({ province: "Đà Nẵng" });
    await expect(
      fileExternalClaim({ actor: outside.actor, claim: claimInput(programme.id, outside.organisation.id), now: NOW }),
    ).rejects.toMatchObject({
      status: 422,
      messageKey: "subsidies.eligibility.outOfProvince",
      params: { province: "Đà Nẵng", ruleProvince: PROVINCE },
    });
    // Saying one belongs to an organisation is not enough: membership is a recorded fact.
    const lecturer = await createLecturer();
    await expect(
      fileExternalClaim({ actor: lecturer.actor, claim: claimInput(programme.id, outside.organisation.id), now: NOW }),
    ).rejects.toMatchObject({ messageKey: "subsidies.eligibility.notMember" });
    // Filed after the window (90 days after the end of the training).
    await expect(
      fileExternalClaim({
        actor: lecturer.actor,
        claim: claimInput(programme.id, lecturer.organisation.id, { startsOn: "2026-07-01", endsOn: "2026-08-01" }),
        now: NOW,
      }),
    ).rejects.toMatchObject({ messageKey: "subsidies.eligibility.claimWindowPassed", field: "endsOn" });
  });

  it("moves through review, approves part with a reason, pays, and claws back by a recovery entry", async () => {
    const { programme, staff, lines } = await createSubsidySetup({ rule: { capPerBeneficiaryYearVnd: 10_000_000 } });
    const lecturer = await createLecturer();
    const claim = await fileExternalClaim({
      actor: lecturer.actor,
      claim: claimInput(programme.id, lecturer.organisation.id),
      now: NOW,
    });

    await expect(approveClaim({ actor: staff, claimId: claim.id })).rejects.toMatchObject({
      status: 409,
      messageKey: "subsidies.errors.invalidTransition",
    });
    await expect(
      markClaimPaid({ actor: staff, claimId: claim.id, paymentReference: "UNC-1", paidOn: "2026-11-28" }),
    ).rejects.toMatchObject({ status: 409 });
    await startReview({ actor: staff, claimId: claim.id });
    await expect(startReview({ actor: staff, claimId: claim.id })).rejects.toMatchObject({
      status: 409,
      params: { from: "under_review", to: "under_review" },
    });

    await expect(approveClaim({ actor: staff, claimId: claim.id, amountVnd: 6_000_000 })).rejects.toMatchObject({
      status: 400,
      field: "note",
      messageKey: "subsidies.errors.reductionNeedsNote",
    });
    const approved = await approveClaim({
      actor: staff,
      claimId: claim.id,
      amountVnd: 6_000_000,
      note: "Hóa đơn chỉ chứng minh được 6 triệu đồng học phí",
    });
    expect(approved).toMatchObject({ status: "approved", approvedVnd: 6_000_000, budgetLineId: lines[0].id });
    expect(approved.decision).toMatchObject({
      amountVnd: 6_000_000,
      maxAllowedVnd: 10_000_000,
      reducedByReviewer: true,
      ruleVersion: 1,
    });

    const paid = await markClaimPaid({
      actor: staff,
      claimId: claim.id,
      paymentReference: "UNC 0042/KBNN",
      paidOn: "2026-11-28",
    });
    expect(paid).toMatchObject({ status: "paid", paymentReference: "UNC 0042/KBNN", paidOn: "2026-11-28" });
    await expect(rejectClaim({ actor: staff, claimId: claim.id, reason: "Quá muộn để từ chối" })).rejects.toMatchObject(
      { status: 409 },
    );

    await expect(
      clawbackClaim({ actor: staff, claimId: claim.id, amountVnd: 6_000_001, reason: "Thu hồi vượt số đã chi" }),
    ).rejects.toMatchObject({ status: 409, messageKey: "subsidies.errors.clawbackTooLarge" });
    const recovered = await clawbackClaim({
      actor: staff,
      claimId: claim.id,
      amountVnd: 2_000_000,
      reason: "Hóa đơn trùng với hồ sơ khác",
      reference: "GNT 17",
    });
    expect(recovered.status).toBe("recovered");

    const entries = await db.select().from(subsidyLedgerEntries).where(eq(subsidyLedgerEntries.claimId, claim.id));
    expect(entries.map((e) => [e.kind, e.amountVnd, e.actorId])).toEqual([
      ["commitment", 6_000_000, staff.id],
      ["payment", 6_000_000, staff.id],
      ["recovery", 2_000_000, staff.id],
    ]);
    const detail = await getClaimDetail({ actor: lecturer.actor, claimId: claim.id });
    expect(detail.events.map((e) => e.toStatus)).toEqual([
      "submitted",
      "under_review",
      "approved",
      "paid",
      "recovered",
    ]);
    expect(detail.position).toMatchObject({ paidNetVnd: 4_000_000, outstandingVnd: 0 });
  });

  it("approves a claim over the yearly cap only up to the cap, and the decision says why", async () => {
    const { programme, staff } = await createSubsidySetup({ rule: { capPerBeneficiaryYearVnd: 10_000_000 } });
    const lecturer = await createLecturer();
    const first = await fileExternalClaim({
      actor: lecturer.actor,
      claim: claimInput(programme.id, lecturer.organisation.id, { feeVnd: 8_000_000 }),
      now: NOW,
    });
    await startReview({ actor: staff, claimId: first.id });
    await approveClaim({ actor: staff, claimId: first.id });
    const second = await fileExternalClaim({
      actor: lecturer.actor,
      claim: claimInput(programme.id, lecturer.organisation.id, {
        courseTitle: "Kỹ năng cố vấn khởi nghiệp",
        feeVnd: 10_000_000,
        startsOn: "2026-11-09",
        endsOn: "2026-11-13",
      }),
      now: NOW,
    });
    expect(second.requestedVnd).toBe(4_400_000);
    await startReview({ actor: staff, claimId: second.id });
    // The reviewer types the full share; the rule allows only what is left of the year's cap.
    const approved = await approveClaim({ actor: staff, claimId: second.id, amountVnd: 7_000_000 });
    expect(approved.approvedVnd).toBe(4_400_000);
    expect(approved.decision).toMatchObject({
      amountVnd: 4_400_000,
      reviewerAmountVnd: 7_000_000,
      reviewerAmountCapped: true,
      reducedByReviewer: false,
      limitedBy: ["perBeneficiaryYear"],
      calculation: {
        shareAmountVnd: 7_000_000,
        caps: [{ kind: "perBeneficiaryYear", capVnd: 10_000_000, usedVnd: 5_600_000, limitVnd: 4_400_000 }],
      },
    });
    // Nothing left this year: a third claim cannot be filed.
    await expect(
      fileExternalClaim({
        actor: lecturer.actor,
        claim: claimInput(programme.id, lecturer.organisation.id, {
          courseTitle: "Khóa thứ ba",
          startsOn: "2026-11-16",
          endsOn: "2026-11-17",
        }),
        now: NOW,
      }),
    ).rejects.toMatchObject({ status: 422, messageKey: "subsidies.errors.nothingToClaim" });
  });

  it("asks for more information, takes the claimant's answer with another file, and can reject with a reason", async () => {
    const { programme, staff } = await createSubsidySetup();
    const lecturer = await createLecturer();
    const claim = await fileExternalClaim({
      actor: lecturer.actor,
      claim: claimInput(programme.id, lecturer.organisation.id),
      now: NOW,
    });
    await startReview({ actor: staff, claimId: claim.id });
    await requestMoreInfo({ actor: staff, claimId: claim.id, note: "Xin bổ sung giấy chứng nhận hoàn thành khóa học" });
    const other = await createLecturer();
    await expect(
      resubmitClaim({ actor: other.actor, claimId: claim.id, note: "Không phải hồ sơ của tôi" }),
    ).rejects.toMatchObject({ status: 403 });
    await expect(
      resubmitClaim({
        actor: lecturer.actor,
        claimId: claim.id,
        note: "Gửi kèm chứng nhận",
        attachment: fakePdfFile("chung-nhan.pdf"),
      }),
    ).rejects.toMatchObject({ field: "attachment" });
    await resubmitClaim({
      actor: lecturer.actor,
      claimId: claim.id,
      note: "Gửi kèm chứng nhận",
      attachment: pdfFile("chung-nhan.pdf"),
    });
    await startReview({ actor: staff, claimId: claim.id });
    const rejected = await rejectClaim({
      actor: staff,
      claimId: claim.id,
      reason: "Khóa học không thuộc lĩnh vực khởi nghiệp",
    });
    expect(rejected).toMatchObject({ status: "rejected", decisionNote: "Khóa học không thuộc lĩnh vực khởi nghiệp" });
    const detail = await getClaimDetail({ actor: staff, claimId: claim.id });
    expect(detail.events.map((e) => e.toStatus)).toEqual([
      "submitted",
      "under_review",
      "info_requested",
      "resubmitted",
      "under_review",
      "rejected",
    ]);
    expect(detail.files.map((f) => [f.kind, f.originalName])).toEqual([
      ["invoice", "hoa-don.pdf"],
      ["other", "chung-nhan.pdf"],
    ]);
    expect(detail.entries).toEqual([]);
  });

  it("refuses every write to people without the permission (auditors read only)", async () => {
    const { programme, staff } = await createSubsidySetup();
    const lecturer = await createLecturer();
    const claim = await fileExternalClaim({
      actor: lecturer.actor,
      claim: claimInput(programme.id, lecturer.organisation.id),
      now: NOW,
    });
    const auditor = actor(await createUser({ roles: ["auditor"] }), ["auditor"]);
    const attempts = [
      fileExternalClaim({ actor: auditor, claim: claimInput(programme.id, lecturer.organisation.id), now: NOW }),
      startReview({ actor: auditor, claimId: claim.id }),
      startReview({ actor: lecturer.actor, claimId: claim.id }),
      approveClaim({ actor: auditor, claimId: claim.id }),
      rejectClaim({ actor: auditor, claimId: claim.id, reason: "Không có quyền" }),
      markClaimPaid({ actor: auditor, claimId: claim.id, paymentReference: "x", paidOn: "2026-11-28" }),
      clawbackClaim({ actor: auditor, claimId: claim.id, amountVnd: 1, reason: "Không có quyền" }),
    ];
    for (const attempt of attempts) await expect(attempt).rejects.toMatchObject({ status: 403 });
    const [row] = await db.select().from(subsidyClaims).where(eq(subsidyClaims.id, claim.id));
    expect(row.status).toBe("submitted");
    await expect(getClaimDetail({ actor: auditor, claimId: claim.id })).resolves.toMatchObject({
      claim: { id: claim.id },
    });
    await startReview({ actor: staff, claimId: claim.id });
  });

  it("judges a claim by the rule version in force when it was filed", async () => {
    const { programme, staff } = await createSubsidySetup({ rule: { sharePercent: 5000 } });
    await createRuleVersion({
      actor: staff,
      subsidyProgrammeId: programme.id,
      rule: { ...BASE_RULE, effectiveFrom: "2026-07-01", sharePercent: 8000 },
    });
    await expect(
      createRuleVersion({
        actor: staff,
        subsidyProgrammeId: programme.id,
        rule: { ...BASE_RULE, effectiveFrom: "2026-06-30" },
      }),
    ).rejects.toMatchObject({ status: 400, field: "effectiveFrom" });
    const lecturer = await createLecturer();
    const early = await fileExternalClaim({
      actor: lecturer.actor,
      claim: claimInput(programme.id, lecturer.organisation.id, {
        startsOn: "2026-06-01",
        endsOn: "2026-06-05",
        feeVnd: 10_000_000,
      }),
      now: new Date("2026-06-20T10:00:00+07:00"),
    });
    const late = await fileExternalClaim({
      actor: lecturer.actor,
      claim: claimInput(programme.id, lecturer.organisation.id, {
        courseTitle: "Khóa khác",
        startsOn: "2026-06-22",
        endsOn: "2026-06-26",
        feeVnd: 10_000_000,
      }),
      // Filed after midnight of 1 July in Vietnam (still 30 June in UTC).
      now: new Date("2026-06-30T17:30:00Z"),
    });
    expect(early.requestedVnd).toBe(5_000_000);
    expect(late.requestedVnd).toBe(8_000_000);
    // Approved today, the early claim is still judged by version 1.
    await startReview({ actor: staff, claimId: early.id });
    const approved = await approveClaim({ actor: staff, claimId: early.id });
    expect(approved.decision).toMatchObject({ ruleVersion: 1, amountVnd: 5_000_000 });
    const [lateRow] = await db
      .select({ rule: subsidyClaims.ruleVersionId })
      .from(subsidyClaims)
      .where(and(eq(subsidyClaims.id, late.id)));
    expect(lateRow.rule).not.toBe(early.ruleVersionId);
  });
});

describe("claims wait on a startup's verification", () => {
  it("files a claim on declared facts, but neither approves nor pays it until staff verify the registration", async () => {
    const { programme, staff } = await createSubsidySetup();
    const founder = await createFounder({ registeredOn: "2024-03-01", verified: false });
    const claim = await fileExternalClaim({
      actor: founder.actor,
      claim: claimInput(programme.id, founder.organisation.id),
      now: NOW,
    });
    expect(claim).toMatchObject({ status: "submitted", beneficiaryKind: "startup" });
    const detail = await getClaimDetail({ actor: founder.actor, claimId: claim.id });
    expect(detail.hold).toEqual({
      key: "subsidies.hold.awaitingVerification",
      params: { organisation: founder.organisation.name },
    });
    await startReview({ actor: staff, claimId: claim.id });
    await expect(approveClaim({ actor: staff, claimId: claim.id })).rejects.toMatchObject({
      status: 409,
      messageKey: "subsidies.hold.awaitingVerification",
    });
    // Nothing was committed on the budget by the refused approval.
    expect(await db.select().from(subsidyLedgerEntries).where(eq(subsidyLedgerEntries.claimId, claim.id))).toEqual([]);

    await verifyStartupRegistration({
      actor: staff,
      organisationId: founder.organisation.id,
      note: "Đối chiếu Cổng thông tin quốc gia về đăng ký doanh nghiệp",
    });
    expect((await getClaimDetail({ actor: staff, claimId: claim.id })).hold).toBeNull();
    const approved = await approveClaim({ actor: staff, claimId: claim.id });
    expect(approved.status).toBe("approved");
  });

  it("does not pay an approved claim whose startup lost its verification (the tax code was changed)", async () => {
    const { programme, staff } = await createSubsidySetup();
    const founder = await createFounder({ registeredOn: "2024-03-01" });
    const claim = await fileExternalClaim({
      actor: founder.actor,
      claim: claimInput(programme.id, founder.organisation.id),
      now: NOW,
    });
    await startReview({ actor: staff, claimId: claim.id });
    await approveClaim({ actor: staff, claimId: claim.id });
    await db
      .update(organisations)
      .set({ registrationVerifiedAt: null })
      .where(eq(organisations.id, founder.organisation.id));
    await expect(
      markClaimPaid({ actor: staff, claimId: claim.id, paymentReference: "UNC-9", paidOn: "2026-11-28" }),
    ).rejects.toMatchObject({ status: 409, messageKey: "subsidies.hold.awaitingVerification" });
  });

  it("keeps the rule version's choice: without a verification requirement the claim is not held", async () => {
    const { programme, staff } = await createSubsidySetup({ rule: { requireVerifiedRegistration: false } });
    const founder = await createFounder({ registeredOn: "2024-03-01", verified: false });
    const claim = await fileExternalClaim({
      actor: founder.actor,
      claim: claimInput(programme.id, founder.organisation.id),
      now: NOW,
    });
    await startReview({ actor: staff, claimId: claim.id });
    expect((await approveClaim({ actor: staff, claimId: claim.id })).status).toBe("approved");
  });
});
