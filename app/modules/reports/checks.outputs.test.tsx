import ExcelJS from "exceljs";
import { createInstance } from "i18next";
import { renderToStaticMarkup } from "react-dom/server";
import { I18nextProvider, initReactI18next } from "react-i18next";
import { StaticRouter } from "react-router";
import { beforeAll, describe, expect, it } from "vitest";
import { RuleChecks } from "~/components/reports/rule-checks";
import { resources } from "~/lib/i18n";
import { claimNumber } from "~/modules/subsidy/types";
import { createUser } from "../../../tests/fixtures/factories";
import { buildRuleBreachDataSet, type RuleBreachDataSet } from "../../../tests/fixtures/report-checks";
import { vn } from "../../../tests/fixtures/reports";
import { programmeDashboard } from "./dashboard.server";
import { buildReport, getReportFile, getReportSnapshot, requestReport } from "./reports.server";

/**
 * The rule checks as people read them: on the dashboard, in the XLSX (read back with exceljs) and in the PDF (its
 * text extracted), for the quarter that breaks every rule (Q2 2026) and for the clean one (Q1).
 */
let data: RuleBreachDataSet;
const reports: Record<"q1" | "q2", string> = { q1: "", q2: "" };

async function pdfText(bytes: Buffer): Promise<string> {
  const pdfjs = await import("pdfjs-dist/legacy/build/pdf.mjs");
  const document = await pdfjs.getDocument({
    data: new Uint8Array(bytes),
    useSystemFonts: false,
    isEvalSupported: false,
  }).promise;
  let text = "";
  for (let p = 1; p <= document.numPages; p++) {
    const content = await (await document.getPage(p)).getTextContent();
    text += content.items.map((item) => ("str" in item ? `${item.str}${item.hasEOL ? "\n" : " "}` : "")).join("");
  }
  await document.destroy();
  return text.normalize("NFC").replace(/\s+/g, " ");
}

async function sheetText(bytes: Buffer, name: string): Promise<string[][]> {
  const book = new ExcelJS.Workbook();
  await book.xlsx.load(bytes as unknown as ArrayBuffer);
  const sheet = book.getWorksheet(name);
  expect(sheet, name).toBeDefined();
  const rows: string[][] = [];
  sheet!.eachRow((row) => {
    const values = (row.values as unknown[]).slice(1).map((v) => (v === null || v === undefined ? "" : String(v)));
    rows.push(values);
  });
  return rows;
}

async function dashboardHtml(index: number, language: "vi" | "en" = "vi"): Promise<string> {
  const dashboard = await programmeDashboard({
    programmeId: data.programmeId,
    periodKind: "quarter",
    year: 2026,
    periodIndex: index,
    now: vn("2026-12-01"),
  });
  const i18n = createInstance();
  await i18n
    .use(initReactI18next)
    .init({ lng: language, resources, interpolation: { escapeValue: false }, showSupportNotice: false });
  const html = renderToStaticMarkup(
    <I18nextProvider i18n={i18n}>
      <StaticRouter location="/reports">
        <RuleChecks checks={dashboard.figures!.ruleChecks!} />
      </StaticRouter>
    </I18nextProvider>,
  );
  return html.replace(/&#x27;/g, "'").replace(/&amp;/g, "&");
}

beforeAll(async () => {
  data = await buildRuleBreachDataSet();
  const staff = await createUser({ roles: ["staff"], name: "Người Lập Báo Cáo" });
  for (const [key, index] of [
    ["q1", 1],
    ["q2", 2],
  ] as const) {
    reports[key] = await requestReport(
      {
        actorId: staff.id,
        programmeId: data.programmeId,
        periodKind: "quarter",
        year: 2026,
        periodIndex: index,
        language: "vi",
      },
      { enqueue: false },
    );
    await buildReport(reports[key], () => vn("2026-12-01"));
  }
}, 180_000);

describe("rule checks in the dashboard and the produced report", () => {
  it("lists every breach on the dashboard with its records linked to their pages", async () => {
    const html = await dashboardHtml(2);
    expect(html).toContain("Kiểm tra việc tuân thủ quy định");
    expect(html).not.toContain("Không phát hiện vi phạm.");
    expect(html).toContain("Giảng viên Vượt Trần");
    expect(html).toContain("Năm ngân sách 2026: đã cam kết 4.000.000 đồng, vượt trần 3.000.000 đồng.");
    expect(html).toContain("Đăng ký lần đầu ngày 15/01/2020, được duyệt ngày 10/05/2026, quá 5 năm.");
    expect(html).toContain("Nộp ngày 20/05/2026, theo quy định phiên bản 2 có hiệu lực từ ngày 01/06/2026.");
    expect(html).toContain(`Số ${data.references.reused} được dùng cho 2 khoản chi trả.`);
    expect(html).toContain("Nộp 1.200.000 đồng ngày 05/05/2026, chưa có biên lai.");
    expect(html).toContain("Mất hỗ trợ 1.400.000 đồng ngày 25/05/2026, chưa lập khoản thu.");
    const link = (href: string, label: string) => new RegExp(`<a [^>]*href="${href}"[^>]*>${label}</a>`);
    expect(html).toMatch(
      link(`/subsidies/claims/${data.claims.forfeitUnbilled.id}`, claimNumber(data.claims.forfeitUnbilled.seq)),
    );
    expect(html).toMatch(link(`/payments/${data.payments.noReceipt.id}`, data.payments.noReceipt.transferReference));
    // Six checks, each with one breach.
    expect(html.match(/1 vi phạm/g)).toHaveLength(6);
  });

  it("says 'no breaches found' on the dashboard for a clean period, with the checks listed", async () => {
    const html = await dashboardHtml(1, "en");
    expect(html).toContain("No breaches found.");
    for (const title of [
      "Beneficiary over the yearly cap",
      "Startup past the eligibility age when approved",
      "Claim filed before its rule took effect",
      "Payment-order (UNC) reference used twice",
      "Payment without a receipt",
      "Forfeited subsidy not billed back",
    ])
      expect(html).toContain(title);
    expect(html.match(/No breach</g)).toHaveLength(6);
  });

  it("freezes the checks in the snapshot and writes them as a sheet of the XLSX", async () => {
    const snapshot = await getReportSnapshot(reports.q2);
    expect(snapshot.figures.ruleChecks!.map((c) => c.breaches.length)).toEqual([1, 1, 1, 1, 1, 1]);
    const rows = await sheetText((await getReportFile(reports.q2, "xlsx")).bytes, "Kiem tra");
    const flat = rows.map((r) => r.join(" | "));
    expect(flat).toContain("Đối tượng vượt trần hỗ trợ năm | 1 vi phạm");
    expect(flat).toContain(
      `Kinh phí hỗ trợ bị mất chưa được thu lại | Học viên Chưa Bị Thu | ${claimNumber(data.claims.forfeitUnbilled.seq)} | Mất hỗ trợ 1.400.000 đồng ngày 25/05/2026, chưa lập khoản thu.`,
    );
    expect(flat).toContain(
      `Khoản thanh toán chưa có biên lai | Người Nộp Thiếu Biên Lai | ${data.payments.noReceipt.transferReference} | Nộp 1.200.000 đồng ngày 05/05/2026, chưa có biên lai.`,
    );
    const capRow = rows.find((r) => r[1] === "Giảng viên Vượt Trần")!;
    expect(capRow[2]).toBe(
      [data.claims.capA.seq, data.claims.capB.seq]
        .sort((a, b) => a - b)
        .map(claimNumber)
        .join(", "),
    );

    const clean = (await sheetText((await getReportFile(reports.q1, "xlsx")).bytes, "Kiem tra")).map((r) =>
      r.join(" | "),
    );
    expect(clean).toContain("Không phát hiện vi phạm. Các nội dung đã kiểm tra:");
    expect(clean.filter((line) => line.endsWith("| Không có vi phạm"))).toHaveLength(6);
  });

  it("prints the checks in the PDF: each breach with its records, or 'no breaches found' with the checks", async () => {
    const text = await pdfText((await getReportFile(reports.q2, "pdf")).bytes);
    expect(text).toContain("VIII. Kiểm tra việc tuân thủ quy định");
    expect(text).not.toContain("Không phát hiện vi phạm");
    expect(text).toContain("Giảng viên Vượt Trần");
    expect(text).toContain(claimNumber(data.claims.earlyFiled.seq));
    expect(text).toContain(data.payments.noReceipt.transferReference);
    expect(text).toContain("vượt trần 3.000.000 đồng");

    const clean = await pdfText((await getReportFile(reports.q1, "pdf")).bytes);
    expect(clean).toContain("Không phát hiện vi phạm. Các nội dung đã kiểm tra:");
    expect(clean).toContain("Số ủy nhiệm chi dùng nhiều lần");
    expect(clean).toContain("Kinh phí hỗ trợ bị mất chưa được thu lại");
  });
});
