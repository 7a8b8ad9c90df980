import { resolve } from "node:path";
import { ruleCheckTables } from "./checks";
import type { TrainingRow } from "./figures.server";
import { formatItem, MONEY_FIGURES, moneyLineLabel, reportFormat, unsubsidisedItems } from "./format";
import {
  dayText,
  isProvisional,
  periodName,
  reportHeaderLines,
  reportText,
  vietnamParts,
  type ReportSnapshot,
} from "./snapshot";

/**
 * The report as a PDF in the Vietnamese administrative layout (Nghị định 30/2020/NĐ-CP): issuing body top left
 * with the report number under it, the national motto top right with the place and date under it, the title,
 * the body, then recipients and the signature block. Same library and font as the certificates (pdfkit,
 * DejaVu Sans). The only time inside is the recorded generation time, so the same snapshot gives the same bytes.
 */
const FONT_DIR = resolve(process.cwd(), "assets/fonts");
const REGULAR = resolve(FONT_DIR, "DejaVuSans.ttf");
const BOLD = resolve(FONT_DIR, "DejaVuSans-Bold.ttf");

type Column = { label: string; width: number; align?: "left" | "right" | "center" };

export async function renderReportPdf(snapshot: ReportSnapshot, snapshotSha256 = ""): Promise<Buffer> {
  // Loaded when a PDF is made, not at start-up: pdfkit and its fonts weigh ~25 MB that most processes never use.
  const { default: PDFDocument } = await import("pdfkit");
  const { report, figures } = snapshot;
  const t = reportText(report.language);
  const f = reportFormat(report.language);
  const vndText = f.vnd;
  const provisional = isProvisional(snapshot);
  const generatedAt = new Date(report.generatedAt);
  const programmeName = report.language === "vi" ? figures.programme.nameVi : figures.programme.nameEn;
  const period = periodName(t, report.periodKind, report.year, report.periodIndex);
  const title = `${t("file.title")} ${report.number}`;
  const doc = new PDFDocument({
    size: "A4",
    margins: { top: 57, bottom: 57, left: 85, right: 57 }, // 20 mm top/bottom, 30 mm left, 20 mm right
    font: REGULAR,
    lang: report.language === "vi" ? "vi-VN" : "en-GB",
    info: {
      Title: title,
      Author: report.issuer.name,
      Subject: t("file.subtitle", { programme: programmeName, period }),
      CreationDate: generatedAt,
      ModDate: generatedAt,
    },
  });
  // Faces are named by their file: pdfkit caches a font under the name it was first asked for, but a second name for
  // an already-open face (a registered alias) is parsed from the file again on every call — that made a PDF with a
  // few thousand rows take minutes. The project ships no oblique face: place, date and hints use the regular face.
  const chunks: Buffer[] = [];
  doc.on("data", (chunk: Buffer) => chunks.push(chunk));
  const done = new Promise<Buffer>((resolveDone, reject) => {
    doc.on("end", () => resolveDone(Buffer.concat(chunks)));
    doc.on("error", reject);
  });

  const left = doc.page.margins.left;
  const right = doc.page.width - doc.page.margins.right;
  const width = right - left;

  // Every page, as it is opened: "provisional" at its head when the period had not ended, its number at its foot.
  // (Drawn as pages open rather than over buffered pages at the end, so finished pages leave memory.)
  let pageNumber = 0;
  const decoratePage = () => {
    pageNumber++;
    const { x, y } = doc;
    if (provisional) {
      const mark = t("header.provisional");
      doc.font(BOLD).fontSize(9);
      doc
        .fillColor("#b91c1c")
        .text(mark, left + (width - doc.widthOfString(mark)) / 2, 30, { lineBreak: false })
        .fillColor("black");
    }
    const label = String(pageNumber);
    doc
      .font(REGULAR)
      .fontSize(8)
      .text(label, right - doc.widthOfString(label), doc.page.height - 40, { lineBreak: false });
    doc.x = x;
    doc.y = y;
  };
  decoratePage();
  doc.on("pageAdded", decoratePage);
  const leftBlock = 170;
  const rightBlock = width - leftBlock - 10;
  const rightX = left + leftBlock + 10;
  const top = doc.page.margins.top;

  // Issuing body (top left) and motto (top right).
  doc
    .font(REGULAR)
    .fontSize(10)
    .text(report.issuer.parent.toUpperCase(), left, top, { width: leftBlock, align: "center" });
  doc.font(BOLD).fontSize(10).text(report.issuer.name.toUpperCase(), { width: leftBlock, align: "center" });
  const underIssuer = doc.y + 2;
  doc
    .lineWidth(0.6)
    .moveTo(left + leftBlock / 2 - 30, underIssuer)
    .lineTo(left + leftBlock / 2 + 30, underIssuer)
    .stroke();
  doc
    .font(REGULAR)
    .fontSize(11)
    .text(t("file.number", { number: report.number }), left, underIssuer + 8, { width: leftBlock, align: "center" });
  const leftBottom = doc.y;

  doc.font(BOLD).fontSize(10).text(t("file.motto1"), rightX, top, { width: rightBlock, align: "center" });
  doc.font(BOLD).fontSize(11).text(t("file.motto2"), rightX, doc.y, { width: rightBlock, align: "center" });
  const underMotto = doc.y + 2;
  const mottoWidth = doc.widthOfString(t("file.motto2"));
  const mottoCentre = rightX + rightBlock / 2;
  doc
    .moveTo(mottoCentre - mottoWidth / 2, underMotto)
    .lineTo(mottoCentre + mottoWidth / 2, underMotto)
    .stroke();
  const day = vietnamParts(report.generatedAt);
  doc
    .font(REGULAR)
    .fontSize(11)
    .text(
      t("file.placeDate", { place: report.place, day: day.day, month: day.month, year: day.year }),
      rightX,
      underMotto + 8,
      { width: rightBlock, align: "center" },
    );
  doc.y = Math.max(leftBottom, doc.y) + 24;

  // Title.
  doc.font(BOLD).fontSize(14).text(t("file.title"), left, doc.y, { width, align: "center" });
  doc
    .font(BOLD)
    .fontSize(12)
    .text(t("file.subtitle", { programme: programmeName, period }), { width, align: "center" });
  doc.moveDown(0.3);
  doc
    .font(REGULAR)
    .fontSize(10)
    .text(t("file.periodLine", { start: dayText(figures.period.start), end: dayText(figures.period.end) }), {
      width,
      align: "center",
    });
  doc.moveDown(0.6);

  const heading = (text: string) => {
    ensureSpace(40);
    doc.moveDown(0.5);
    doc.font(BOLD).fontSize(11).text(text, left, doc.y, { width });
    doc.moveDown(0.3);
  };
  const ensureSpace = (height: number) => {
    if (doc.y + height > doc.page.height - doc.page.margins.bottom) {
      doc.addPage();
      doc.y = doc.page.margins.top;
    }
  };
  // Widths of strings per face and size, and the lines a cell breaks into, each computed once.
  const widthCache = new Map<string, number>();
  const measure = (face: string, size: number, text: string): number => {
    const key = `${face === BOLD ? "b" : "r"}${size}|${text}`;
    let w = widthCache.get(key);
    if (w === undefined) {
      doc.font(face).fontSize(size);
      w = doc.widthOfString(text);
      widthCache.set(key, w);
    }
    return w;
  };
  const wrapCache = new Map<string, string[]>();
  const wrap = (face: string, size: number, cell: string, room: number): string[] => {
    const key = `${face === BOLD ? "b" : "r"}${size}|${room.toFixed(2)}|${cell}`;
    const cached = wrapCache.get(key);
    if (cached) return cached;
    const space = measure(face, size, " ");
    const lines: string[] = [];
    for (const paragraph of cell.split("\n")) {
      let line = "";
      let lineWidth = 0;
      for (const word of paragraph.split(" ")) {
        if (word === "") continue;
        let w = measure(face, size, word);
        if (line && lineWidth + space + w <= room) {
          line += ` ${word}`;
          lineWidth += space + w;
          continue;
        }
        if (line) lines.push(line);
        line = word;
        lineWidth = w;
        // A word wider than the cell is cut at characters.
        while (lineWidth > room && line.length > 1) {
          let cut = line.length - 1;
          while (cut > 1 && measure(face, size, line.slice(0, cut)) > room) cut--;
          lines.push(line.slice(0, cut));
          line = line.slice(cut);
          w = measure(face, size, line);
          lineWidth = w;
        }
      }
      lines.push(line);
    }
    wrapCache.set(key, lines);
    return lines;
  };
  const table = (columns: Column[], rows: string[][], fontSize = 8) => {
    const total = columns.reduce((sum, c) => sum + c.width, 0);
    const scale = width / total;
    const widths = columns.map((c) => c.width * scale);
    const lineHeight = (() => {
      doc.font(REGULAR).fontSize(fontSize);
      return doc.currentLineHeight(true);
    })();
    // Every cell is laid out here, not by pdfkit's line wrapper (most of a large report's cost): words are measured
    // once per face and size (names of courses, dates and statuses repeat on thousands of rows), lines are broken
    // greedily at spaces (a word wider than its cell at characters), and each line is written at its computed place.
    // Amounts (right-aligned) never wrap: one that would not fit is set smaller.
    const drawRow = (cells: string[], bold: boolean) => {
      const face = bold ? BOLD : REGULAR;
      doc.font(face).fontSize(fontSize);
      const laid = cells.map((cell, i) => {
        const room = widths[i] - 6;
        const amount = !bold && columns[i].align === "right";
        if (amount) {
          const lines = cell.split("\n");
          const lineWidths = lines.map((line) => measure(face, fontSize, line));
          const widest = Math.max(...lineWidths);
          const size = widest > room ? Math.max(4, (fontSize * room) / widest) : fontSize;
          return { lines, size, height: lines.length * lineHeight, room };
        }
        const lines = wrap(face, fontSize, cell, room);
        return { lines, size: fontSize, height: lines.length * lineHeight, room };
      });
      const height = Math.max(lineHeight, ...laid.map((c) => c.height)) + 6;
      ensureSpace(height);
      doc.font(face).fontSize(fontSize); // a new page's decoration changes the face
      const y = doc.y;
      let x = left;
      cells.forEach((_, i) => {
        doc.rect(x, y, widths[i], height).lineWidth(0.4).stroke();
        const c = laid[i];
        const align = columns[i].align ?? "left";
        if (c.size !== fontSize) doc.fontSize(c.size);
        c.lines.forEach((line, k) => {
          if (line === "") return;
          const w = align === "left" ? 0 : measure(face, c.size, line);
          const offset = align === "right" ? c.room - w : align === "center" ? (c.room - w) / 2 : 0;
          doc.text(line, x + 3 + offset, y + 3 + k * lineHeight, { lineBreak: false });
        });
        if (c.size !== fontSize) doc.fontSize(fontSize);
        x += widths[i];
      });
      doc.x = left;
      doc.y = y + height;
    };
    drawRow(
      columns.map((c) => c.label),
      true,
    );
    for (const row of rows) drawRow(row, false);
    doc.moveDown(0.5);
  };
  const percent = (rate: number | null) => f.percent(rate, t("summary.notApplicable"));

  // The report's particulars: period, generation, snapshot, provisional or final, what it supersedes.
  table(
    [
      { label: t("header.title"), width: 2 },
      { label: "", width: 5 },
    ],
    reportHeaderLines(snapshot, snapshotSha256).map(([label, value]) => [label, value]),
    8,
  );

  // I. Summary.
  const s = figures.summary;
  heading(`I. ${t("summary.title")}`);
  table(
    [
      { label: t("file.item"), width: 3 },
      { label: t("file.value"), width: 2, align: "right" },
    ],
    [
      [t("summary.cohortsRun"), vndText(s.cohortsRun)],
      [t("summary.sessionsHeld"), vndText(s.sessionsHeld)],
      [t("summary.trainingHours"), f.hours(s.trainingHours)],
      [t("summary.learnersTotal"), vndText(s.learners.total)],
      [t("summary.learnersFounders"), vndText(s.learners.founders)],
      [t("summary.learnersLecturers"), vndText(s.learners.lecturers)],
      [t("summary.learnersOther"), vndText(s.learners.other)],
      [t("summary.enrolledNeverAttended"), vndText(s.enrolledNeverAttended)],
      [t("summary.trainersAttended"), vndText(s.trainersTrained.attended)],
      [t("summary.trainersCompleted"), vndText(s.trainersTrained.completed)],
      [t("summary.trainersCertified"), vndText(s.trainersTrained.certified)],
      [t("summary.attendanceRate"), percent(s.attendance.rate)],
      [t("summary.completionRate"), percent(s.completion.rate)],
      [t("summary.certifiedTrainers"), vndText(s.certifiedTrainers)],
      ...(s.startups
        ? [
            [t("summary.startupsTrained"), vndText(s.startups.trained)],
            [t("summary.startupsSupported"), vndText(s.startups.supported)],
          ]
        : []),
      // Each target with its period, deadline and status on the report's cutoff day.
      ...figures.targets.map((target) => [
        [
          `${t("targets.title")}: ${report.language === "vi" ? target.labelVi : target.labelEn}`,
          target.period
            ? t("programmeTargets.periodName", {
                start: target.period.startsOn.slice(0, 4),
                end: target.period.endsOn.slice(0, 4),
              })
            : null,
          target.dueOn ? `${t("programmeTargets.dueOn")} ${dayText(target.dueOn)}` : null,
          target.status ? t(`programmeTargets.statuses.${target.status}`) : null,
        ]
          .filter(Boolean)
          .join(" · "),
        `${vndText(target.achieved)} / ${vndText(target.targetValue)}`,
      ]),
    ],
  );

  // II, III. Training lists.
  const trainingTable = (rows: TrainingRow[]) => {
    if (rows.length === 0) {
      doc.font(REGULAR).fontSize(10).text(t("training.none"), left, doc.y, { width });
      doc.moveDown(0.5);
      return;
    }
    table(
      [
        { label: `${t("training.person")} / ${t("training.organisation")}`, width: 4 },
        { label: t("training.course"), width: 3.6 },
        { label: `${t("training.startsOn")} – ${t("training.endsOn")}`, width: 2.4 },
        { label: t("training.hours"), width: 1.3, align: "right" },
        { label: t("training.attendance"), width: 1.7, align: "center" },
        { label: t("training.fee"), width: 2.4, align: "right" },
        { label: t("training.subsidy"), width: 2.4, align: "right" },
        { label: `${t("training.fundingSource")} / ${t("training.status")}`, width: 3 },
      ],
      rows.map((r) => [
        r.organisationName ? `${r.personName}\n${r.organisationName}` : r.personName,
        `${r.courseTitle} (${t(`routes.${r.route}`)})`,
        `${dayText(r.startsOn)}\n${dayText(r.endsOn)}`,
        f.hours(r.hours),
        r.sessionsTotal ? `${r.sessionsAttended}/${r.sessionsTotal}` : "—",
        vndText(r.feeVnd),
        vndText(r.subsidyVnd),
        `${t(`fundingSources.${r.fundingSource ?? "none"}`)}\n${t(`claimStatuses.${r.status}`)}`,
      ]),
      7,
    );
  };
  heading(`II. ${t("training.lecturers")}`);
  trainingTable(figures.training.lecturers);
  heading(`III. ${t("training.startups")}`);
  trainingTable(figures.training.startups);

  // IV. Budget execution.
  heading(`IV. ${t("budget.title")}`);
  doc.font(REGULAR).fontSize(9).text(t("file.unitVnd"), left, doc.y, { width, align: "right" });
  table(
    [
      { label: t("training.fundingSource"), width: 3 },
      { label: t("budget.allocated"), width: 2, align: "right" },
      { label: t("budget.committedInPeriod"), width: 2, align: "right" },
      { label: t("budget.paidInPeriod"), width: 2, align: "right" },
      { label: t("budget.committedToDate"), width: 2, align: "right" },
      { label: t("budget.paidToDate"), width: 2, align: "right" },
      { label: t("budget.available"), width: 2, align: "right" },
    ],
    figures.budgetExecution.map((b) => [
      `${t(`fundingSources.${b.fundingSource}`)}\n${t("budget.fiscalYear")} ${b.fiscalYear}`,
      vndText(b.allocatedVnd),
      vndText(b.committedInPeriodVnd),
      vndText(b.paidInPeriodVnd),
      vndText(b.committedToDateVnd),
      vndText(b.paidToDateVnd),
      vndText(b.availableVnd),
    ]),
  );

  // V. Claims by status, with a totals row.
  const claims = figures.claimsByStatus ?? [];
  heading(`V. ${t("claims.title")}`);
  table(
    [
      { label: t("claims.status"), width: 3 },
      { label: t("claims.count"), width: 1.5, align: "right" },
      { label: t("claims.requested"), width: 2.5, align: "right" },
      { label: t("claims.approved"), width: 2.5, align: "right" },
    ],
    [
      ...claims.map((c) => [
        t(`claimStatuses.${c.status}`),
        f.count(c.claims),
        vndText(c.requestedVnd),
        vndText(c.approvedVnd),
      ]),
      [
        t("claims.total"),
        f.count(claims.reduce((sum, c) => sum + c.claims, 0)),
        vndText(claims.reduce((sum, c) => sum + c.requestedVnd, 0)),
        vndText(claims.reduce((sum, c) => sum + c.approvedVnd, 0)),
      ],
    ],
  );

  // VI. Money in full: a row per figure, a column per budget line, then the total.
  const money = figures.money;
  if (money) {
    heading(`VI. ${t("money.title")}`);
    if (money.rows.length === 0) {
      doc.font(REGULAR).fontSize(10).text(t("money.none"), left, doc.y, { width });
      doc.moveDown(0.5);
    } else {
      doc.font(REGULAR).fontSize(9).text(t("file.unitVnd"), left, doc.y, { width, align: "right" });
      table(
        [
          { label: t("money.figure"), width: 3.2 },
          ...money.rows.map((row) => ({ label: moneyLineLabel(t, row), width: 2, align: "right" as const })),
          { label: t("money.total"), width: 2, align: "right" },
        ],
        MONEY_FIGURES.map((key) => [
          t(`money.${key}`),
          ...money.rows.map((row) => vndText(row[key])),
          vndText(money.totals[key]),
        ]),
        7,
      );
    }
  }

  // VII. Training on cohorts linked to no subsidy programme.
  if (figures.unsubsidised) {
    heading(`VII. ${t("unsubsidised.title")}`);
    doc.font(REGULAR).fontSize(9).text(t("unsubsidised.intro"), left, doc.y, { width });
    doc.moveDown(0.3);
    table(
      [
        { label: t("file.item"), width: 3 },
        { label: t("file.value"), width: 2, align: "right" },
      ],
      unsubsidisedItems(figures.unsubsidised).map((item) => [
        t(item.key),
        formatItem(f, item.kind, item.value, t("summary.notApplicable")),
      ]),
    );
  }

  // VIII. Rule checks: every check with its result ("no breaches found" when none), then each breach.
  heading(`VIII. ${t("checks.title")}`);
  if (!figures.ruleChecks) {
    doc.font(REGULAR).fontSize(10).text(t("checks.notRun"), left, doc.y, { width });
    doc.moveDown(0.5);
  } else {
    const tables = ruleCheckTables(t, f, figures.ruleChecks);
    doc
      .font(REGULAR)
      .fontSize(10)
      .text(tables.clean ? `${t("checks.intro")} ${t("checks.cleanListed")}` : t("checks.intro"), left, doc.y, {
        width,
      });
    doc.moveDown(0.3);
    table(
      [
        { label: t("checks.check"), width: 4 },
        { label: t("checks.result"), width: 2 },
      ],
      tables.summary,
    );
    if (!tables.clean)
      table(
        [
          { label: t("checks.check"), width: 3 },
          { label: t("checks.subject"), width: 2.5 },
          { label: t("checks.records"), width: 2 },
          { label: t("checks.detail"), width: 4 },
        ],
        tables.breaches,
        7,
      );
  }

  // Recipients (left) and signature block (right).
  ensureSpace(130);
  doc.moveDown(1);
  const blockTop = doc.y;
  doc.font(BOLD).fontSize(9).text(t("file.recipients"), left, blockTop, { width: leftBlock });
  doc.font(REGULAR).fontSize(8).text(t("file.recipientAsAbove"), { width: leftBlock });
  doc.text(t("file.recipientArchive"), { width: leftBlock });
  doc.font(BOLD).fontSize(11).text(t("file.signerTitle"), rightX, blockTop, { width: rightBlock, align: "center" });
  doc.font(REGULAR).fontSize(9).text(t("file.signHint"), rightX, doc.y, { width: rightBlock, align: "center" });
  doc.moveDown(4);
  doc.font(BOLD).fontSize(11).text(report.generatedBy.name, rightX, doc.y, { width: rightBlock, align: "center" });
  doc.moveDown(1);
  doc
    .font(REGULAR)
    .fontSize(8)
    .text(
      t("file.generatedLine", {
        at: `${day.hour}:${day.minute} ${day.day}/${day.month}/${day.year}`,
        name: report.generatedBy.name,
      }),
      left,
      doc.y,
      { width, align: "left" },
    );

  doc.end();
  return done;
}
