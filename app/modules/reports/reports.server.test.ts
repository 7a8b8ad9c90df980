import { createHash } from "node:crypto";
import { eq, sql } from "drizzle-orm";
import ExcelJS from "exceljs";
import { beforeAll, describe, expect, it } from "vitest";
import { programmeOutcomes, programmeReports, programmes, subsidyCohortLinks } from "#db/schema";
import { db } from "~/lib/db.server";
import * as dashboardPage from "~/routes/reports._index";
import { callRoute } from "../../../tests/fixtures/admin";
import { createCourse, createTestCohort } from "../../../tests/fixtures/cohorts";
import { createUser, signedInRequest } from "../../../tests/fixtures/factories";
import { buildQuarterDataSet, type QuarterDataSet } from "../../../tests/fixtures/reports";
import { streamAttendanceCsv, streamMoneyCsv, streamTrainingCsv } from "./csv.server";
import { computeReportFigures } from "./figures.server";
import { renderReportPdf } from "./pdf.server";
import {
  buildReport,
  getAttendanceCsv,
  getReportFile,
  getReportSnapshot,
  getReport,
  listReports,
  requestReport,
} from "./reports.server";
import { renderReportXlsx } from "./xlsx.server";

let data: QuarterDataSet;
let reportId: string;
const GENERATED_AT = new Date("2026-07-03T02:15:00Z"); // 09:15 on 3 July 2026 in Vietnam

function sha256(bytes: Uint8Array) {
  return createHash("sha256").update(bytes).digest("hex");
}

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
  return text.normalize("NFC").replace(/[ ]+/g, " ");
}

async function readStream(stream: ReadableStream<Uint8Array>): Promise<{ text: string; chunks: number }> {
  const reader = stream.getReader();
  const parts: Uint8Array[] = [];
  for (;;) {
    const { value, done } = await reader.read();
    if (done) break;
    parts.push(value);
  }
  return { text: Buffer.concat(parts).toString("utf8"), chunks: parts.length };
}

beforeAll(async () => {
  data = await buildQuarterDataSet();
  // The province is the programme's, never a constant: this one is not Hai Phong.
  await db.update(programmes).set({ province: "Thành phố Cần Thơ" }).where(eq(programmes.id, data.programmeId));
  const staff = await createUser({ roles: ["staff"], name: "Trần Thị Báo Cáo" });
  reportId = await requestReport(
    {
      actorId: staff.id,
      programmeId: data.programmeId,
      periodKind: "quarter",
      year: 2026,
      periodIndex: 2,
      language: "vi",
    },
    { enqueue: false },
  );
  await buildReport(reportId, () => GENERATED_AT);
}, 180_000);

describe("a generated periodic report", () => {
  it("is kept with who generated it, when, its parameters and a frozen snapshot of the figures", async () => {
    const report = await getReport(reportId);
    expect(report).toMatchObject({
      status: "ready",
      progress: 100,
      periodKind: "quarter",
      year: 2026,
      periodIndex: 2,
      periodStart: "2026-04-01",
      periodEnd: "2026-06-30",
      requestedByName: "Trần Thị Báo Cáo",
    });
    expect(report.generatedAt?.toISOString()).toBe(GENERATED_AT.toISOString());
    const snapshot = await getReportSnapshot(reportId);
    expect(snapshot.figures).toEqual(
      await computeReportFigures({
        programmeId: data.programmeId,
        start: "2026-04-01",
        end: "2026-06-30",
        asOf: GENERATED_AT.toISOString(),
      }),
    );
    expect(snapshot.figures.provisional).toBe(false);
    expect(snapshot.report.supersedes).toBeNull();
    expect(snapshot.report).toMatchObject({
      number: report.seq,
      place: "Cần Thơ",
      generatedBy: { name: "Trần Thị Báo Cáo" },
    });
    expect((await listReports(data.programmeId)).map((r) => r.id)).toContain(reportId);
  });

  it("downloads identical bytes every time, even after the data changed", async () => {
    const first = await getReportFile(reportId, "xlsx");
    const pdf = await getReportFile(reportId, "pdf");
    await db.insert(programmeOutcomes).values({
      programmeId: data.programmeId,
      organisationId: data.team.id,
      kind: "incorporated",
      occurredOn: "2026-06-02",
      evidenceReference: "GCN-0201",
      recordedBy: data.founders[0].id,
    });
    const again = await getReportFile(reportId, "xlsx");
    const pdfAgain = await getReportFile(reportId, "pdf");
    expect(sha256(again.bytes)).toBe(sha256(first.bytes));
    expect(sha256(pdfAgain.bytes)).toBe(sha256(pdf.bytes));
    const [row] = await db
      .select({ x: programmeReports.xlsxSha256, p: programmeReports.pdfSha256 })
      .from(programmeReports)
      .where(eq(programmeReports.id, reportId));
    expect([row.x, row.p]).toEqual([sha256(first.bytes), sha256(pdf.bytes)]);
    // The PDF is a function of the snapshot alone: made again from it, the same bytes.
    const [kept] = await db
      .select({ sha: programmeReports.snapshotSha256 })
      .from(programmeReports)
      .where(eq(programmeReports.id, reportId));
    expect(sha256(await renderReportPdf(await getReportSnapshot(reportId), kept.sha!))).toBe(sha256(pdf.bytes));
    // A report built now sees the new outcome; the kept one does not.
    const now = await computeReportFigures({ programmeId: data.programmeId, start: "2026-04-01", end: "2026-06-30" });
    expect(now.targets.find((t) => t.key === "startups_developed")?.achieved).toBe(2);
    expect(
      (await getReportSnapshot(reportId)).figures.targets.find((t) => t.key === "startups_developed")?.achieved,
    ).toBe(1);
  });

  it("refuses a corrupted file rather than serving it", async () => {
    const staff = await createUser({ roles: ["staff"] });
    const id = await requestReport(
      {
        actorId: staff.id,
        programmeId: data.programmeId,
        periodKind: "month",
        year: 2026,
        periodIndex: 5,
        language: "en",
      },
      { enqueue: false },
    );
    await buildReport(id, () => GENERATED_AT);
    await db.execute(sql`update programme_reports set pdf = ${Buffer.from("%PDF-tampered")} where id = ${id}`);
    await expect(getReportFile(id, "pdf")).rejects.toThrow(/does not match its hash/);
  });

  it("exports XLSX with one sheet per section and typed cells", async () => {
    const file = await getReportFile(reportId, "xlsx");
    expect(file.contentType).toBe("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet");
    const book = new ExcelJS.Workbook();
    await book.xlsx.load(file.bytes as unknown as ArrayBuffer);
    expect(book.worksheets.map((s) => s.name)).toEqual([
      "Tong hop",
      "Giang vien",
      "Khoi nghiep",
      "Kinh phi",
      "Theo nguon",
      "Ho so",
      "Chi tieu",
      "Tien",
      "Khong ho tro",
      "Kiem tra",
    ]);
    const summary = book.getWorksheet("Tong hop")!;
    const valueOf = (label: string) => {
      let found: ExcelJS.CellValue = undefined;
      summary.eachRow((row) => {
        if (row.getCell(1).value === label) found = row.getCell(2).value;
      });
      return found as ExcelJS.CellValue;
    };
    expect(valueOf("Lớp học đã tổ chức")).toBe(2);
    expect(valueOf("Giờ đào tạo")).toBe(11);
    expect(valueOf("Tỷ lệ chuyên cần")).toBe(0.8);
    expect(summary.getRow(4).getCell(2).value).toBeInstanceOf(Date);
    expect((summary.getRow(4).getCell(2).value as Date).toISOString().slice(0, 10)).toBe("2026-04-01");

    const startups = book.getWorksheet("Khoi nghiep")!;
    const rows: ExcelJS.Row[] = [];
    startups.eachRow((row, n) => n > 7 && rows.push(row));
    expect(rows).toHaveLength(2);
    const c1 = rows.find((r) => r.getCell(1).value === `HT-${String(data.claims.c1.seq).padStart(6, "0")}`)!;
    expect(c1.getCell(2).value).toBe("Nhà sáng lập 1");
    expect(c1.getCell(6).value).toBeInstanceOf(Date);
    expect((c1.getCell(6).value as Date).toISOString().slice(0, 10)).toBe("2026-05-04");
    expect(c1.getCell(6).numFmt).toBe("dd/mm/yyyy");
    expect(c1.getCell(8).value).toBe(12);
    expect(c1.getCell(9).value).toBe(1);
    expect(c1.getCell(10).value).toBe(2_000_000);
    expect(c1.getCell(11).value).toBe(1_400_000);
    expect(typeof c1.getCell(11).value).toBe("number");

    const budget = book.getWorksheet("Kinh phi")!;
    const city = budget.getRows(8, 2)!.find((r) => r.getCell(2).value === "Ngân sách sự nghiệp KH&CN thành phố")!;
    expect(city.getCell(1).value).toBe(2026);
    expect([3, 4, 5, 6, 7, 8].map((c) => city.getCell(c).value)).toEqual([
      100_000_000, -1_000_000, 5_300_000, 5_400_000, 5_300_000, 94_700_000,
    ]);
    // Claims by status, with a totals row (cancelled included: 4 claims, 8,200,000 requested, 1,400,000 approved).
    const claims = book.getWorksheet("Ho so")!;
    const last = claims.getRow(claims.rowCount);
    expect([1, 2, 3, 4].map((c) => last.getCell(c).value)).toEqual(["Tổng cộng", 4, 8_200_000, 1_400_000]);
    // Every sheet states final/provisional; the first sheet carries the report's particulars.
    for (const sheet of book.worksheets)
      expect(sheet.getRow(5).values).toEqual([undefined, "Tình trạng", "Chính thức"]);
    expect(valueOf("Người lập")).toBe("Trần Thị Báo Cáo");
    expect(valueOf("Bản chốt số liệu (SHA-256)")).toBe((await getReport(reportId)).snapshotSha256);
    expect(valueOf("Thay thế báo cáo")).toBe("Không (báo cáo đầu tiên của kỳ)");
  });

  it("exports a PDF in the administrative layout with the programme's province in the place and date", async () => {
    const file = await getReportFile(reportId, "pdf");
    expect(file.bytes.subarray(0, 5).toString("latin1")).toBe("%PDF-");
    const text = await pdfText(file.bytes);
    expect(text).toContain("CỘNG HOÀ XÃ HỘI CHỦ NGHĨA VIỆT NAM");
    expect(text).toContain("Độc lập - Tự do - Hạnh phúc");
    const report = await getReport(reportId);
    expect(text).toContain(`Số: ${report.seq}/BC-SKHCN`);
    expect(text).toContain("Cần Thơ, ngày 03 tháng 07 năm 2026");
    expect(text).not.toContain("Hải Phòng, ngày");
    expect(text).toContain("BÁO CÁO");
    expect(text).toContain("quý II năm 2026");
    expect(text).toContain("NGƯỜI LẬP BÁO CÁO");
    expect(text).toContain("Trần Thị Báo Cáo");
    expect(text).toContain("Nhà sáng lập 1");
    // The particulars block, Vietnamese number formats, the definitions pointer.
    expect(text).toContain("Thời điểm lập");
    expect(text).toContain("09:15 03/07/2026");
    expect(text).toContain(report.snapshotSha256!.slice(0, 20));
    expect(text).toContain("Chính thức");
    expect(text).toContain("docs/reports.md");
    expect(text).toContain("11,0"); // training hours with a decimal comma
    expect(text).toContain("80,0%"); // attendance 12/15
    expect(text).toContain("66,7%"); // completion 2/3, rounded once
    expect(text).not.toContain("TẠM TÍNH");
    expect(text).toContain("Hồ sơ hỗ trợ theo trạng thái");
    expect(text).toMatch(/Tổng cộng\s+4\s+8\.200\.000\s+1\.400\.000/);
  });

  it("marks a report of an unfinished period provisional on every page and sheet, and names the report it supersedes", async () => {
    const staff = await createUser({ roles: ["staff"], name: "Người Lập Lại" });
    const first = await requestReport(
      {
        actorId: staff.id,
        programmeId: data.programmeId,
        periodKind: "year",
        year: 2026,
        periodIndex: 1,
        language: "vi",
      },
      { enqueue: false },
    );
    await buildReport(first, () => GENERATED_AT);
    const second = await requestReport(
      {
        actorId: staff.id,
        programmeId: data.programmeId,
        periodKind: "year",
        year: 2026,
        periodIndex: 1,
        language: "vi",
      },
      { enqueue: false },
    );
    await buildReport(second, () => new Date(GENERATED_AT.getTime() + 3_600_000));
    const snapshot = await getReportSnapshot(second);
    expect(snapshot.figures.provisional).toBe(true);
    expect(snapshot.report.supersedes).toEqual({
      number: (await getReport(first)).seq,
      generatedAt: GENERATED_AT.toISOString(),
    });
    const pdf = await getReportFile(second, "pdf");
    const pdfjs = await import("pdfjs-dist/legacy/build/pdf.mjs");
    const document = await pdfjs.getDocument({
      data: new Uint8Array(pdf.bytes),
      useSystemFonts: false,
      isEvalSupported: false,
    }).promise;
    for (let p = 1; p <= document.numPages; p++) {
      const page = (await (await document.getPage(p)).getTextContent()).items
        .map((i) => ("str" in i ? i.str : ""))
        .join(" ")
        .normalize("NFC");
      expect(page).toContain("TẠM TÍNH");
    }
    await document.destroy();
    expect(await pdfText(pdf.bytes)).toContain(`Số ${(await getReport(first)).seq} lập lúc 09:15 03/07/2026`);
    const book = new ExcelJS.Workbook();
    await book.xlsx.load((await getReportFile(second, "xlsx")).bytes as unknown as ArrayBuffer);
    for (const sheet of book.worksheets) expect(String(sheet.getRow(5).getCell(2).value)).toContain("TẠM TÍNH");
  });

  it("keeps billion-đồng amounts on one line in the PDF", async () => {
    const snapshot = await getReportSnapshot(reportId);
    const big = structuredClone(snapshot);
    big.figures.budgetExecution = big.figures.budgetExecution.map((b) => ({
      ...b,
      allocatedVnd: 123_456_789_012,
      availableVnd: 98_765_432_109,
    }));
    const text = await pdfText(await renderReportPdf(big, "x"));
    expect(text).toContain("123.456.789.012");
    expect(text).toContain("98.765.432.109");
  });

  it("writes a name that looks like a formula as text: a text cell in the XLSX, neutralised in the CSV", async () => {
    const snapshot = structuredClone(await getReportSnapshot(reportId));
    const evil = '=HYPERLINK("http://evil.example","Bấm")';
    snapshot.figures.training.startups[0].personName = evil;
    const book = new ExcelJS.Workbook();
    await book.xlsx.load((await renderReportXlsx(snapshot, "x")) as unknown as ArrayBuffer);
    let cell: ExcelJS.Cell | undefined;
    book.getWorksheet("Khoi nghiep")!.eachRow((row) => row.getCell(2).value === evil && (cell = row.getCell(2)));
    expect(cell?.type).toBe(ExcelJS.ValueType.String);
    const { text } = await readStream(streamTrainingCsv(snapshot));
    expect(text).toContain(`"'=HYPERLINK(""http://evil.example"",""Bấm"")"`);
  });

  it("serves the attendance CSV frozen with the report, whatever changes afterwards", async () => {
    const before = await readStream((await getAttendanceCsv(reportId)).stream);
    expect(before.text.charCodeAt(0)).toBe(0xfeff);
    // 15 records of the sessions held in Q2.
    expect(before.text.slice(1).trimEnd().split("\r\n")).toHaveLength(1 + 15);
    // A later correction (row and its change-log entry, as the roll call writes them) and a new record.
    await db.execute(sql`with changed as (update attendance set status = 'absent' where session_id in
        (select id from cohort_sessions where cohort_id = ${data.cohorts.a.cohort.id}) returning *)
      insert into attendance_events (attendance_id, session_id, enrollment_id, old_status, new_status, method, reason)
      select id, session_id, enrollment_id, 'present', 'absent', method, 'sửa sau' from changed`);
    const after = await readStream((await getAttendanceCsv(reportId)).stream);
    expect(after.text).toBe(before.text);
    const live = await readStream(
      streamAttendanceCsv({ programmeId: data.programmeId, start: "2026-04-01", end: "2026-06-30", language: "vi" }),
    );
    expect(live.text).not.toBe(before.text);
    expect(live.text.slice(1).trimEnd().split("\r\n")).toHaveLength(1 + 15);
  });

  it("shows the money in full and the unsubsidised training on the dashboard, in the XLSX, the CSV and the PDF", async () => {
    const snapshot = await getReportSnapshot(reportId);
    const [lineCity, lineCentral] = data.setup.lines;
    // Columns: the central line, the city line, the places with no subsidy line, the total (worked out in
    // figures.server.test.ts: fees 4,000,000 on the city line + 8,000,000 without a line, and so on).
    const expected: Record<string, number[]> = {
      "Học phí toàn phần của các chỗ học đã thanh toán": [0, 4_000_000, 8_000_000, 12_000_000],
      "Hỗ trợ đã trừ vào học phí": [0, 2_800_000, 0, 2_800_000],
      "Người học đã nộp": [0, 1_200_000, 8_000_000, 9_200_000],
      "— trong đó bằng thẻ": [0, 0, 2_000_000, 2_000_000],
      "— trong đó chuyển khoản": [0, 1_200_000, 6_000_000, 7_200_000],
      "Đã hoàn tiền": [0, 0, 3_500_000, 3_500_000],
      "Hoàn tiền chờ chuyển (tại thời điểm chốt)": [0, 0, 3_000_000, 3_000_000],
      "Kinh phí hỗ trợ cam kết": [1_400_000, 2_800_000, 0, 4_200_000],
      "Kinh phí hỗ trợ hoàn trả cam kết": [0, 3_800_000, 0, 3_800_000],
      "Kinh phí hỗ trợ đủ điều kiện": [0, 5_400_000, 0, 5_400_000],
      "Kinh phí hỗ trợ đã chi trả (trừ thu hồi)": [0, 5_300_000, 0, 5_300_000],
      "Kinh phí hỗ trợ bị mất (không đạt điều kiện hoàn thành)": [0, 1_400_000, 0, 1_400_000],
      "Đã yêu cầu người học hoàn lại": [0, 1_400_000, 0, 1_400_000],
      "Người học đã hoàn lại": [0, 1_400_000, 0, 1_400_000],
    };

    // The dashboard (its loader, for the quarter) carries the same figures, which it writes with format.ts.
    const staff = await createUser({ roles: ["staff"] });
    const page = await callRoute(
      dashboardPage.loader as unknown as Parameters<typeof callRoute>[0],
      await signedInRequest(
        staff.id,
        `/reports?programmeId=${data.programmeId}&periodKind=quarter&year=2026&periodIndex=2`,
      ),
    );
    const shown = (page.data as { figures: typeof snapshot.figures }).figures;
    expect(shown.money?.totals).toMatchObject({
      feesGrossVnd: 12_000_000,
      nettPaidVnd: 9_200_000,
      refundsDueVnd: 3_000_000,
    });
    expect(shown.money?.rows.map((r) => r.budgetLineCode)).toEqual([lineCentral.code, lineCity.code, null]);
    expect(shown.unsubsidised?.cohortsRun).toBeGreaterThanOrEqual(1);

    // XLSX: its own sheet, a row per figure, numbers as numbers.
    const book = new ExcelJS.Workbook();
    await book.xlsx.load((await getReportFile(reportId, "xlsx")).bytes as unknown as ArrayBuffer);
    const sheet = book.getWorksheet("Tien")!;
    const headerRow = sheet.getRow(7);
    expect([2, 3, 4, 5].map((c) => headerRow.getCell(c).value)).toEqual([
      `Ngân sách Trung ương (Đề án 844) · ${lineCentral.code} (năm 2026)`,
      `Ngân sách sự nghiệp KH&CN thành phố · ${lineCity.code} (năm 2026)`,
      "Không có dòng hỗ trợ (học phí không được hỗ trợ)",
      "Tổng cộng",
    ]);
    const cells: Record<string, unknown[]> = {};
    sheet.eachRow((row, n) => {
      if (n > 7) cells[String(row.getCell(1).value)] = [2, 3, 4, 5].map((c) => row.getCell(c).value);
    });
    for (const [label, values] of Object.entries(expected)) expect(cells[label], label).toEqual(values);
    expect(cells["Giảm giá"]).toEqual([0, 0, 0, 0]);
    const unsubsidisedSheet = book.getWorksheet("Khong ho tro")!;
    const items: Record<string, unknown> = {};
    unsubsidisedSheet.eachRow((row) => (items[String(row.getCell(1).value)] = row.getCell(2).value));
    const u = snapshot.figures.unsubsidised!;
    expect(items["Lớp học đã tổ chức"]).toBe(u.cohortsRun);
    expect(items["Giờ đào tạo"]).toBe(u.trainingHours);
    expect(items["Người được đào tạo (có tham dự)"]).toBe(u.learners.total);
    expect(items["Đã ghi danh nhưng chưa tham dự buổi nào"]).toBe(u.enrolledNeverAttended);

    // CSV: a row per line and the totals, whole đồng.
    const { text } = await readStream(streamMoneyCsv(snapshot));
    expect(text.charCodeAt(0)).toBe(0xfeff);
    const lines = text.slice(1).trimEnd().split("\r\n");
    expect(lines).toHaveLength(1 + 3 + 1);
    expect(lines[0].startsWith("Dòng ngân sách,Năm ngân sách,")).toBe(true);
    expect(lines[3]).toBe(
      "Không có dòng hỗ trợ (học phí không được hỗ trợ),,,8000000,0,0,8000000,2000000,6000000,3500000,3000000,0,0,0,0,0,0,0",
    );
    expect(lines[4]).toBe(
      "Tổng cộng,,,12000000,2800000,0,9200000,2000000,7200000,3500000,3000000,4200000,3800000,5400000,5300000,1400000,1400000,1400000",
    );

    // PDF: the two sections, amounts in the Vietnamese format, a row per figure.
    const pdf = await pdfText((await getReportFile(reportId, "pdf")).bytes);
    expect(pdf).toContain("VI. Tiền: học phí, hoàn tiền và kinh phí hỗ trợ theo dòng ngân sách");
    expect(pdf).toMatch(/Người học đã nộp\s+0\s+1\.200\.000\s+8\.000\.000\s+9\.200\.000/);
    expect(pdf).toMatch(/Đã hoàn tiền\s+0\s+0\s+3\.500\.000\s+3\.500\.000/);
    expect(pdf).toMatch(/Người học đã hoàn lại\s+0\s+1\.400\.000\s+0\s+1\.400\.000/);
    expect(pdf).toContain("VII. Đào tạo không sử dụng kinh phí hỗ trợ");
    expect(pdf).toMatch(new RegExp(`Đã ghi danh nhưng chưa tham dự buổi nào\\s+${u.enrolledNeverAttended}`));
  });

  it("exports the training lists as CSV from the snapshot (UTF-8 with BOM)", async () => {
    const { text } = await readStream(streamTrainingCsv(await getReportSnapshot(reportId)));
    expect(text.charCodeAt(0)).toBe(0xfeff);
    const lines = text.slice(1).trimEnd().split("\r\n");
    expect(lines).toHaveLength(1 + 3);
    expect(lines[0]).toContain("Kinh phí hỗ trợ (VNĐ)");
    expect(lines.some((l) => l.includes("Nhà sáng lập 1") && l.includes(",1400000,"))).toBe(true);
  });
});

describe("streamed attendance CSV", () => {
  it("streams every record of many rows in batches, in a stable order", async () => {
    const course = await createCourse();
    const sessionStarts = Array.from({ length: 40 }, (_, i) => i * 24 * 3_600_000);
    const { cohort, sessions } = await createTestCohort({
      courseId: course.id,
      now: new Date("2026-08-01T02:00:00Z"),
      sessionStarts,
      startsOn: "2026-08-01",
      endsOn: "2026-09-15",
      capacity: 200,
    });
    await db.insert(subsidyCohortLinks).values({ cohortId: cohort.id, subsidyProgrammeId: data.setup.programme.id });
    // 120 learners × 40 sessions = 4,800 records, written by SQL in one go.
    await db.execute(sql`insert into users (email, name, privacy_consent_at, privacy_notice_version)
      select 'csv-' || ${cohort.id}::text || '-' || g || '@test.example', 'Học viên "số" ' || g, now(), 'v1' from generate_series(1, 120) g`);
    await db.execute(sql`insert into enrollments (cohort_id, user_id, status, fee_vnd)
      select ${cohort.id}, id, 'confirmed', 0 from users where email like ${`csv-${cohort.id}-%`}`);
    await db.execute(sql`insert into attendance (session_id, enrollment_id, status, method)
      select s.id, e.id, case when random() < 0.9 then 'present'::attendance_status else 'absent'::attendance_status end, 'roll_call'
      from cohort_sessions s cross join enrollments e where s.cohort_id = ${cohort.id} and e.cohort_id = ${cohort.id}`);
    expect(sessions).toHaveLength(40);

    const { text, chunks } = await readStream(
      streamAttendanceCsv(
        { programmeId: data.programmeId, start: "2026-08-01", end: "2026-09-30", language: "en" },
        { sessions: 5, rows: 600 },
      ),
    );
    expect(text.charCodeAt(0)).toBe(0xfeff);
    const lines = text.slice(1).split("\r\n").filter(Boolean);
    expect(lines[0]).toBe("Cohort,Course,Session start,Learner,Email,Status,Method,Recorded at");
    expect(lines).toHaveLength(1 + 4_800);
    // The header, then one chunk per batch: 5 sessions (keyset, PGlite) or 600 rows (cursor, PostgreSQL) = 120 × 5.
    expect(chunks).toBe(1 + 40 / 5);
    // Quotes in names are escaped for CSV.
    expect(lines[1]).toMatch(/"Học viên ""số"" \d+"/);
    const emails = new Set(lines.slice(1).map((l) => l.split(",").find((cell) => cell.includes("@test.example"))));
    expect(emails.size).toBe(120);
    // The same export in other batch sizes gives the same lines in the same order.
    const again = await readStream(
      streamAttendanceCsv(
        { programmeId: data.programmeId, start: "2026-08-01", end: "2026-09-30", language: "en" },
        { sessions: 7, rows: 700 },
      ),
    );
    expect(again.text).toBe(text);
  }, 60_000);
});
