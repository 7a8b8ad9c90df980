import { mkdtempSync, readdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { eq, sql } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import { storedFiles, subsidyClaims } from "#db/schema";
import { db } from "~/lib/db.server";
import { loader as fileLoader } from "~/routes/claims.$claimId_.files.$fileId";
import { action as newClaimAction } from "~/routes/claims.new";
import { action as reviewAction, loader as reviewLoader } from "~/routes/subsidies.claims.$claimId";
import { action as programmeAction } from "~/routes/subsidies.programmes.$programmeId";
import { createUser, signedInRequest } from "../fixtures/factories";
import { routeArgs, type RouteArgs } from "../fixtures/route-args";
import { createFounder, createLecturer, createSubsidySetup, fakePdfFile, pdfFile } from "../fixtures/subsidies";

beforeAll(() => {
  process.env.UPLOAD_DIR = mkdtempSync(join(tmpdir(), "sa-subsidy-routes-"));
});

type Handler = (args: RouteArgs) => Promise<unknown>;

/** Calls a loader or action as React Router would; a thrown response is returned like a returned one. */
async function call(handler: unknown, request: Request, params: Record<string, string> = {}) {
  let result: unknown;
  try {
    result = await (handler as Handler)(routeArgs(request, params, "127.0.0.5"));
  } catch (thrown) {
    if (thrown instanceof Error) throw thrown;
    result = thrown;
  }
  if (result instanceof Response) return { status: result.status, body: result, headers: result.headers };
  const value = result as { type?: string; data?: unknown; init?: { status?: number } } | null;
  if (value?.type === "DataWithResponseInit")
    return { status: value.init?.status ?? 200, body: value.data, headers: new Headers() };
  return { status: 200, body: result, headers: new Headers() };
}

type FormBody = {
  result?: { status?: string; error?: Record<string, string[] | null> };
  saved?: string;
  messageKey?: string;
};

function claimForm(programmeId: string, organisationId: string, invoice: File, change: Record<string, string> = {}) {
  const form = new FormData();
  const fields: Record<string, string> = {
    subsidyProgrammeId: programmeId,
    organisationId,
    kind: "course",
    courseTitle: "Huấn luyện viên khởi nghiệp",
    providerName: "Trung tâm Đổi mới sáng tạo Quốc gia",
    country: "VN",
    startsOn: "2026-11-02",
    endsOn: "2026-11-05",
    hours: "20",
    feeVnd: "10.000.000",
    ...change,
  };
  for (const [k, v] of Object.entries(fields)) form.append(k, v);
  form.append("invoice", invoice);
  return form;
}

async function postClaim(userId: string, form: FormData) {
  const request = await signedInRequest(userId, "/claims/new", {
    method: "POST",
    body: form,
    headers: { "Accept-Language": "vi" },
  });
  return call(newClaimAction, request);
}

async function rowsOf(userId: string) {
  const [[claims], [files]] = await Promise.all([
    db
      .select({ n: sql<number>`count(*)::int` })
      .from(subsidyClaims)
      .where(eq(subsidyClaims.claimantUserId, userId)),
    db
      .select({ n: sql<number>`count(*)::int` })
      .from(storedFiles)
      .where(eq(storedFiles.ownerUserId, userId)),
  ]);
  return { claims: claims.n, files: files.n, onDisk: readdirSync(process.env.UPLOAD_DIR!, { recursive: true }).length };
}

describe("subsidy routes", () => {
  it("files a claim with a real PDF through the multipart form, and serves the file only to those who may read it", async () => {
    const { programme } = await createSubsidySetup();
    const lecturer = await createLecturer();
    const response = await postClaim(
      lecturer.user.id,
      claimForm(programme.id, lecturer.organisation.id, pdfFile("hoá đơn số 12.pdf")),
    );
    expect(response.status).toBe(302);
    const location = (response.body as Response).headers.get("Location")!;
    expect(location).toMatch(/^\/claims\/[0-9a-f-]{36}\?filed=1$/);
    const claimId = location.split("/")[2].split("?")[0];
    const [file] = await db.select().from(storedFiles).where(eq(storedFiles.ownerUserId, lecturer.user.id));

    const download = (userId: string) =>
      signedInRequest(userId, `/claims/${claimId}/files/${file.id}`).then((r) =>
        call(fileLoader, r, { claimId, fileId: file.id }),
      );
    const own = await download(lecturer.user.id);
    expect(own.status).toBe(200);
    const res = own.body as Response;
    expect(res.headers.get("Content-Type")).toBe("application/pdf");
    expect(res.headers.get("X-Content-Type-Options")).toBe("nosniff");
    expect(res.headers.get("Content-Disposition")).toContain("attachment;");
    expect(res.headers.get("Content-Disposition")).toContain(encodeURIComponent("hoá đơn số 12.pdf"));
    expect(
      Buffer.from(await res.arrayBuffer())
        .subarray(0, 5)
        .toString(),
    ).toBe("%PDF-");

    const auditor = await createUser({ roles: ["auditor"] });
    expect((await download(auditor.id)).status).toBe(200);
    const other = await createLecturer();
    expect((await download(other.user.id)).status).toBe(403);
  });

  it("refuses a file of the wrong type or too large next to the field, writing nothing", async () => {
    const { programme } = await createSubsidySetup();
    const lecturer = await createLecturer();
    const before = await rowsOf(lecturer.user.id);
    const wrong = await postClaim(lecturer.user.id, claimForm(programme.id, lecturer.organisation.id, fakePdfFile()));
    expect(wrong.status).toBe(400);
    expect((wrong.body as FormBody).result?.error?.invoice).toEqual([
      expect.stringMatching(/^files\.errors\.wrongType/),
    ]);
    const large = await postClaim(
      lecturer.user.id,
      claimForm(programme.id, lecturer.organisation.id, pdfFile("lon.pdf", 10 * 1024 * 1024 + 10)),
    );
    expect(large.status).toBe(400);
    expect((large.body as FormBody).result?.error?.invoice).toEqual(["files.errors.tooLargeShort"]);
    expect(await rowsOf(lecturer.user.id)).toEqual(before);
  });

  it("refuses a startup six years past its registration with the reason next to the organisation", async () => {
    const { programme } = await createSubsidySetup();
    const founder = await createFounder({ registeredOn: "2020-04-01" });
    const response = await postClaim(
      founder.user.id,
      claimForm(programme.id, founder.organisation.id, pdfFile(), { kind: "coaching" }),
    );
    expect(response.status).toBe(422);
    const [message] = (response.body as FormBody).result?.error?.organisationId ?? [];
    expect(message).toMatch(/^subsidies\.eligibility\.startupTooOld\|/);
    expect(JSON.parse(message.split("|")[1])).toMatchObject({ registeredOn: "2020-04-01", years: 5 });
  });

  it("lets staff approve part of a claim and refuses every write by an auditor with 403", async () => {
    const { programme, staff } = await createSubsidySetup();
    const lecturer = await createLecturer();
    const filed = await postClaim(lecturer.user.id, claimForm(programme.id, lecturer.organisation.id, pdfFile()));
    const claimId = ((filed.body as Response).headers.get("Location") ?? "").split("/")[2].split("?")[0];
    const auditor = await createUser({ roles: ["auditor"] });
    const post = async (userId: string, form: Record<string, string>) =>
      call(reviewAction, await signedInRequest(userId, `/subsidies/claims/${claimId}`, { form }), { claimId });

    const attempts: Record<string, string>[] = [
      { intent: "start-review" },
      { intent: "approve", amountVnd: "1000000", note: "Không có quyền" },
      { intent: "reject", reason: "Không có quyền" },
      { intent: "pay", paymentReference: "x", paidOn: "2026-11-28" },
      { intent: "clawback", amountVnd: "1", reason: "Không có quyền" },
      { intent: "something-else" },
    ];
    for (const form of attempts) {
      expect((await post(auditor.id, form)).status).toBe(403);
    }
    expect((await post(staff.id, { intent: "start-review" })).body).toMatchObject({ saved: "start-review" });
    const noNote = await post(staff.id, { intent: "approve", amountVnd: "3.000.000" });
    expect(noNote.status).toBe(400);
    expect((noNote.body as FormBody).result?.error?.note).toEqual(["subsidies.errors.reductionNeedsNote"]);
    const approved = await post(staff.id, {
      intent: "approve",
      amountVnd: "3.000.000",
      note: "Chỉ chấp nhận phần học phí, không gồm ăn ở",
    });
    expect(approved.body).toMatchObject({ saved: "approve" });
    const page = await call(reviewLoader, await signedInRequest(auditor.id, `/subsidies/claims/${claimId}`), {
      claimId,
    });
    expect(page.body).toMatchObject({ view: { claim: { status: "approved", approvedVnd: 3_000_000 } } });
    expect((await post(staff.id, { intent: "approve" })).status).toBe(409);

    const addLine = await call(
      programmeAction,
      await signedInRequest(auditor.id, `/subsidies/programmes/${programme.id}`, {
        form: {
          intent: "add-line",
          code: "X",
          fundingSource: "city_other",
          sourceName: "Nguồn khác",
          allocatedVnd: "1000",
        },
      }),
      { programmeId: programme.id },
    );
    expect(addLine.status).toBe(403);
  });
});
