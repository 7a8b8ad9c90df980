import type ExcelJS from "exceljs";
import { ruleCheckTables } from "./checks";
import type { TrainingRow } from "./figures.server";
import { MONEY_FIGURES, moneyLineLabel, reportFormat, unsubsidisedItems } from "./format";
import { isProvisional, periodName, reportHeaderLines, reportText, type ReportSnapshot } from "./snapshot";

/**
 * The report as a workbook: one sheet per section, typed cells (numbers as numbers, dates as dates, rates as
 * percentages), made from the frozen snapshot only. The bytes are kept with the report (the zip container
 * stamps its own times), so a download is always the file made at generation time.
 */
const VND = "#,##0";
const DATE = "dd/mm/yyyy";
const PERCENT = "0.0%";

/** A date string as an Excel date (midnight, no zone shift). */
function excelDate(day: string): Date {
  return new Date(`${day}T00:00:00Z`);
}

export async function renderReportXlsx(snapshot: ReportSnapshot, snapshotSha256 = ""): Promise<Buffer> {
  // Loaded when a workbook is made, not at start-up (~27 MB).
  const { default: Excel } = await import("exceljs");
  const { report, figures } = snapshot;
  const t = reportText(report.language);
  const generatedAt = new Date(report.generatedAt);
  const book = new Excel.Workbook();
  book.creator = report.generatedBy.name;
  book.lastModifiedBy = report.generatedBy.name;
  book.created = generatedAt;
  book.modified = generatedAt;
  book.title = `${t("file.title")} ${report.number}`;

  const programmeName = report.language === "vi" ? figures.programme.nameVi : figures.programme.nameEn;
  const header = (sheet: ExcelJS.Worksheet, title: string) => {
    sheet.addRow([title]).font = { bold: true, size: 13 };
    sheet.addRow([programmeName]);
    sheet.addRow([t("periodic.period"), periodName(t, report.periodKind, report.year, report.periodIndex)]);
    const period = sheet.addRow([
      t("training.startsOn"),
      excelDate(figures.period.start),
      t("training.endsOn"),
      excelDate(figures.period.end),
    ]);
    period.getCell(2).numFmt = DATE;
    period.getCell(4).numFmt = DATE;
    // Every sheet says whether its figures are provisional (the period had not ended when generated).
    const status = sheet.addRow([
      t("header.status"),
      isProvisional(snapshot) ? t("header.provisional") : t("header.final"),
    ]);
    if (isProvisional(snapshot)) status.getCell(2).font = { bold: true, color: { argb: "FFB91C1C" } };
    sheet.addRow([]);
  };
  const tableHeader = (sheet: ExcelJS.Worksheet, labels: string[]) => {
    const row = sheet.addRow(labels);
    row.font = { bold: true };
    row.eachCell((cell) => {
      cell.fill = { type: "pattern", pattern: "solid", fgColor: { argb: "FFE2E8F0" } };
    });
  };

  // Summary.
  const summary = book.addWorksheet(t("file.sheetSummary"));
  header(summary, t("summary.title"));
  tableHeader(summary, [t("header.title"), ""]);
  for (const [label, value] of reportHeaderLines(snapshot, snapshotSha256)) summary.addRow([label, value]);
  summary.addRow([]);
  tableHeader(summary, [t("file.item"), t("file.value")]);
  const s = figures.summary;
  const summaryRows: [string, number | null, string?][] = [
    [t("summary.cohortsRun"), s.cohortsRun],
    [t("summary.sessionsHeld"), s.sessionsHeld],
    [t("summary.trainingHours"), s.trainingHours, "0.0"],
    [t("summary.learnersTotal"), s.learners.total],
    [t("summary.learnersFounders"), s.learners.founders],
    [t("summary.learnersLecturers"), s.learners.lecturers],
    [t("summary.learnersOther"), s.learners.other],
    [t("summary.enrolledNeverAttended"), s.enrolledNeverAttended],
    [t("summary.trainersAttended"), s.trainersTrained.attended],
    [t("summary.trainersCompleted"), s.trainersTrained.completed],
    [t("summary.trainersCertified"), s.trainersTrained.certified],
    [t("summary.attendanceRate"), s.attendance.rate, PERCENT],
    [t("summary.completionRate"), s.completion.rate, PERCENT],
    [t("summary.certifiedTrainers"), s.certifiedTrainers],
    [t("summary.startupsTrained"), s.startups?.trained ?? null],
    [t("summary.startupsSupported"), s.startups?.supported ?? null],
  ];
  for (const [label, value, format] of summaryRows) {
    const row = summary.addRow([label, value]);
    if (format) row.getCell(2).numFmt = format;
  }
  summary.getColumn(1).width = 40;
  summary.getColumn(2).width = 16;
  summary.getColumn(4).width = 14;

  // Training lists.
  const trainingSheet = (name: string, title: string, rows: TrainingRow[]) => {
    const sheet = book.addWorksheet(name);
    header(sheet, title);
    tableHeader(sheet, [
      t("training.claim"),
      t("training.person"),
      t("training.organisation"),
      t("training.course"),
      t("training.route"),
      t("training.startsOn"),
      t("training.endsOn"),
      t("training.hours"),
      t("training.attendance"),
      t("training.fee"),
      t("training.subsidy"),
      t("training.fundingSource"),
      t("training.status"),
    ]);
    for (const r of rows) {
      const row = sheet.addRow([
        `HT-${String(r.claimSeq).padStart(6, "0")}`,
        r.personName,
        r.organisationName ?? "",
        r.courseTitle,
        t(`routes.${r.route}`),
        excelDate(r.startsOn),
        excelDate(r.endsOn),
        r.hours,
        r.sessionsTotal ? r.sessionsAttended! / r.sessionsTotal : null,
        r.feeVnd,
        r.subsidyVnd,
        t(`fundingSources.${r.fundingSource ?? "none"}`),
        t(`claimStatuses.${r.status}`),
      ]);
      row.getCell(6).numFmt = DATE;
      row.getCell(7).numFmt = DATE;
      row.getCell(8).numFmt = "0.0";
      row.getCell(9).numFmt = PERCENT;
      row.getCell(10).numFmt = VND;
      row.getCell(11).numFmt = VND;
    }
    [12, 28, 28, 34, 22, 12, 12, 8, 12, 16, 16, 30, 16].forEach((width, i) => (sheet.getColumn(i + 1).width = width));
  };
  trainingSheet(t("file.sheetLecturers"), t("training.lecturers"), figures.training.lecturers);
  trainingSheet(t("file.sheetStartups"), t("training.startups"), figures.training.startups);

  // Budget execution.
  const budget = book.addWorksheet(t("file.sheetBudget"));
  header(budget, t("budget.title"));
  tableHeader(budget, [
    t("budget.fiscalYear"),
    t("training.fundingSource"),
    t("budget.allocated"),
    t("budget.committedInPeriod"),
    t("budget.paidInPeriod"),
    t("budget.committedToDate"),
    t("budget.paidToDate"),
    t("budget.available"),
  ]);
  for (const b of figures.budgetExecution) {
    const row = budget.addRow([
      b.fiscalYear,
      t(`fundingSources.${b.fundingSource}`),
      b.allocatedVnd,
      b.committedInPeriodVnd,
      b.paidInPeriodVnd,
      b.committedToDateVnd,
      b.paidToDateVnd,
      b.availableVnd,
    ]);
    for (let c = 3; c <= 8; c++) row.getCell(c).numFmt = VND;
  }
  budget.getColumn(1).width = 14;
  budget.getColumn(2).width = 40;
  for (let c = 3; c <= 8; c++) budget.getColumn(c).width = 18;

  // Subsidy by funding source.
  const funding = book.addWorksheet(t("file.sheetFunding"));
  header(funding, t("charts.funding"));
  tableHeader(funding, [t("training.fundingSource"), t("subsidy.committed"), t("subsidy.earned"), t("subsidy.paid")]);
  for (const f of figures.subsidyByFundingSource) {
    const row = funding.addRow([t(`fundingSources.${f.fundingSource}`), f.committedVnd, f.earnedVnd, f.paidVnd]);
    for (let c = 2; c <= 4; c++) row.getCell(c).numFmt = VND;
  }
  funding.getColumn(1).width = 40;
  for (let c = 2; c <= 4; c++) funding.getColumn(c).width = 18;

  // Claims by status, with a totals row.
  const claimsSheet = book.addWorksheet(t("file.sheetClaims"));
  header(claimsSheet, t("claims.title"));
  tableHeader(claimsSheet, [t("claims.status"), t("claims.count"), t("claims.requested"), t("claims.approved")]);
  const claims = figures.claimsByStatus ?? [];
  for (const c of claims) {
    const row = claimsSheet.addRow([t(`claimStatuses.${c.status}`), c.claims, c.requestedVnd, c.approvedVnd]);
    row.getCell(3).numFmt = VND;
    row.getCell(4).numFmt = VND;
  }
  const totals = claimsSheet.addRow([
    t("claims.total"),
    claims.reduce((sum, c) => sum + c.claims, 0),
    claims.reduce((sum, c) => sum + c.requestedVnd, 0),
    claims.reduce((sum, c) => sum + c.approvedVnd, 0),
  ]);
  totals.font = { bold: true };
  totals.getCell(3).numFmt = VND;
  totals.getCell(4).numFmt = VND;
  claimsSheet.getColumn(1).width = 30;
  for (let c = 2; c <= 4; c++) claimsSheet.getColumn(c).width = 18;

  // Targets.
  const targets = book.addWorksheet(t("file.sheetTargets"));
  header(targets, t("targets.title"));
  tableHeader(targets, [
    t("targets.title"),
    t("targets.target"),
    t("targets.achieved"),
    t("targets.progress"),
    t("targets.dueOn"),
    t("programmeTargets.period"),
    t("programmeTargets.status"),
    t("programmeTargets.expected"),
  ]);
  for (const target of figures.targets) {
    const row = targets.addRow([
      report.language === "vi" ? target.labelVi : target.labelEn,
      target.targetValue,
      target.achieved,
      target.targetValue > 0 ? target.achieved / target.targetValue : null,
      target.dueOn ? excelDate(target.dueOn) : null,
      target.period ? `${target.period.startsOn.slice(0, 4)}–${target.period.endsOn.slice(0, 4)}` : "",
      target.status ? t(`programmeTargets.statuses.${target.status}`) : "",
      target.expected ?? null,
    ]);
    row.getCell(4).numFmt = PERCENT;
    row.getCell(5).numFmt = DATE;
    row.getCell(8).numFmt = "0.0";
  }
  targets.getColumn(1).width = 48;
  [12, 12, 12, 14, 14, 18, 18].forEach((width, i) => (targets.getColumn(i + 2).width = width));

  // Money in full: a row per figure, a column per budget line, then the total.
  const moneySheet = book.addWorksheet(t("file.sheetMoney"));
  header(moneySheet, t("money.title"));
  const money = figures.money;
  if (!money || money.rows.length === 0) moneySheet.addRow([t("money.none")]);
  else {
    tableHeader(moneySheet, [t("money.figure"), ...money.rows.map((row) => moneyLineLabel(t, row)), t("money.total")]);
    for (const key of MONEY_FIGURES) {
      const row = moneySheet.addRow([t(`money.${key}`), ...money.rows.map((r) => r[key]), money.totals[key]]);
      for (let c = 2; c <= money.rows.length + 2; c++) row.getCell(c).numFmt = VND;
      row.getCell(money.rows.length + 2).font = { bold: true };
    }
    moneySheet.getColumn(1).width = 48;
    for (let c = 2; c <= money.rows.length + 2; c++) moneySheet.getColumn(c).width = 26;
  }

  // Training on cohorts linked to no subsidy programme.
  const unsubsidisedSheet = book.addWorksheet(t("file.sheetUnsubsidised"));
  header(unsubsidisedSheet, t("unsubsidised.title"));
  unsubsidisedSheet.addRow([t("unsubsidised.intro")]);
  tableHeader(unsubsidisedSheet, [t("file.item"), t("file.value")]);
  if (figures.unsubsidised) {
    for (const item of unsubsidisedItems(figures.unsubsidised)) {
      const row = unsubsidisedSheet.addRow([t(item.key), item.value]);
      if (item.kind === "hours") row.getCell(2).numFmt = "0.0";
      if (item.kind === "percent") row.getCell(2).numFmt = PERCENT;
    }
  }
  unsubsidisedSheet.getColumn(1).width = 48;
  unsubsidisedSheet.getColumn(2).width = 16;

  // Rule checks: every check with its result, then each breach with its records.
  const checksSheet = book.addWorksheet(t("file.sheetChecks"));
  header(checksSheet, t("checks.title"));
  if (!figures.ruleChecks) {
    checksSheet.addRow([t("checks.notRun")]);
  } else {
    const tables = ruleCheckTables(t, reportFormat(report.language), figures.ruleChecks);
    checksSheet.addRow([t("checks.intro")]);
    if (tables.clean) checksSheet.addRow([t("checks.cleanListed")]).font = { bold: true };
    tableHeader(checksSheet, [t("checks.check"), t("checks.result")]);
    for (const row of tables.summary) checksSheet.addRow(row);
    if (!tables.clean) {
      checksSheet.addRow([]);
      tableHeader(checksSheet, [t("checks.check"), t("checks.subject"), t("checks.records"), t("checks.detail")]);
      for (const row of tables.breaches) checksSheet.addRow(row);
    }
  }
  [48, 30, 30, 70].forEach((width, i) => (checksSheet.getColumn(i + 1).width = width));

  return Buffer.from(await book.xlsx.writeBuffer());
}
