import { resolve } from "node:path";
import { eq, sql } from "drizzle-orm";
import { cohorts, courses, payments, receipts, refunds, users, type ReceiptSnapshot } from "#db/schema";
import type { Queryable, Transaction } from "~/lib/db.server";
import { getEnrollmentSubsidy } from "~/modules/subsidy/enrollment-subsidy.server";

/**
 * Receipts: one per paid payment, numbered BL-<year>-<000001> in order of issue, with what the rules on
 * training subsidies ask a receipt to show (full fee, subsidy with its programme and funding source, any
 * discount, the nett amount paid, the payer's organisation and tax code). The figures are frozen when the
 * receipt is issued; refunds made later are listed from the payment.
 */

const FONT_DIR = resolve(process.cwd(), "assets/fonts");
const REGULAR = resolve(FONT_DIR, "DejaVuSans.ttf");
const BOLD = resolve(FONT_DIR, "DejaVuSans-Bold.ttf");

function vietnamYear(at: Date): number {
  return Number(new Intl.DateTimeFormat("en", { timeZone: "Asia/Ho_Chi_Minh", year: "numeric" }).format(at));
}

/** Issues the receipt of a paid payment (once; a second call returns the first). */
export async function issueReceipt(tx: Transaction, paymentId: string, at: Date) {
  const [existing] = await tx.select().from(receipts).where(eq(receipts.paymentId, paymentId));
  if (existing) return existing;
  const [row] = await tx
    .select({
      payment: payments,
      payerName: users.name,
      payerEmail: users.email,
      cohortCode: cohorts.code,
      courseTitleVi: courses.titleVi,
      courseTitleEn: courses.titleEn,
    })
    .from(payments)
    .innerJoin(users, eq(users.id, payments.payerUserId))
    .innerJoin(cohorts, eq(cohorts.id, payments.cohortId))
    .innerJoin(courses, eq(courses.id, cohorts.courseId))
    .where(eq(payments.id, paymentId));
  const subsidy = await getEnrollmentSubsidy(row.payment.enrollmentId, tx);
  const snapshot: ReceiptSnapshot = {
    payerName: row.payerName,
    payerEmail: row.payerEmail,
    payerOrganisationName: row.payment.payerOrganisationName,
    payerTaxCode: row.payment.payerTaxCode,
    cohortCode: row.cohortCode,
    courseTitleVi: row.courseTitleVi,
    courseTitleEn: row.courseTitleEn,
    feeVnd: row.payment.feeVnd,
    subsidyVnd: row.payment.subsidyVnd,
    subsidyProgrammeVi:
      row.payment.subsidyVnd > 0 || row.payment.kind === "forfeit" ? (subsidy?.programmeNameVi ?? null) : null,
    subsidyProgrammeEn:
      row.payment.subsidyVnd > 0 || row.payment.kind === "forfeit" ? (subsidy?.programmeNameEn ?? null) : null,
    fundingSource: subsidy?.fundingSource ?? null,
    fundingSourceName: subsidy?.sourceName ?? null,
    discountVnd: row.payment.discountVnd,
    amountVnd: row.payment.amountVnd,
    method: row.payment.method,
    transferReference: row.payment.transferReference,
    kind: row.payment.kind,
  };
  // Numbers run in order within a year: one issuer at a time.
  await tx.execute(sql`select pg_advisory_xact_lock(hashtextextended('payments:receipt-number', 0))`);
  const year = vietnamYear(at);
  const [last] = await tx
    .select({ n: sql<number>`coalesce(max(substring(${receipts.number} from 9)::int), 0)`.mapWith(Number) })
    .from(receipts)
    // Only numbers of this form count: one written otherwise (by hand, by an import) must not stop every receipt.
    .where(sql`${receipts.number} ~ ${`^BL-${year}-[0-9]{1,9}$`}`);
  const number = `BL-${year}-${String((last?.n ?? 0) + 1).padStart(6, "0")}`;
  const [receipt] = await tx.insert(receipts).values({ paymentId, number, issuedAt: at, snapshot }).returning();
  return receipt;
}

export async function getReceiptOfPayment(q: Queryable, paymentId: string) {
  const [receipt] = await q.select().from(receipts).where(eq(receipts.paymentId, paymentId));
  if (!receipt) return null;
  const refundRows = await q.select().from(refunds).where(eq(refunds.paymentId, paymentId)).orderBy(refunds.createdAt);
  return { receipt, refunds: refundRows };
}

const FUNDING_SOURCE_LABEL: Record<string, [string, string]> = {
  central_programme: ["Chương trình trung ương", "Central programme"],
  city_science_technology: ["Ngân sách khoa học và công nghệ thành phố", "City science and technology budget"],
  city_other: ["Ngân sách khác của thành phố", "Other city budget"],
  other_lawful: ["Nguồn hợp pháp khác", "Other lawful source"],
};

function vnd(amount: number): string {
  return `${new Intl.NumberFormat("vi-VN").format(amount)} ₫`;
}
function dateVi(at: Date): string {
  return new Intl.DateTimeFormat("vi-VN", {
    timeZone: "Asia/Ho_Chi_Minh",
    day: "2-digit",
    month: "2-digit",
    year: "numeric",
  }).format(at);
}
function dateEn(at: Date): string {
  return new Intl.DateTimeFormat("en-GB", {
    timeZone: "Asia/Ho_Chi_Minh",
    day: "numeric",
    month: "long",
    year: "numeric",
  }).format(at);
}

const METHOD_LABEL: Record<string, [string, string]> = {
  vietqr: ["Chuyển khoản ngân hàng (VietQR)", "Bank transfer (VietQR)"],
  stripe: ["Thẻ (Stripe)", "Card (Stripe)"],
  none: ["Không phải thanh toán (hỗ trợ toàn phần)", "Nothing to pay (fully subsidised)"],
};

/**
 * Lays out an e-mail address in a column `width` points wide: whole when it fits, else the name and the
 * '@domain' on lines of their own, each broken only before a '.', so no line breaks inside a word; when one
 * piece alone is wider than the column, the font shrinks (down to 6 pt) until it fits.
 */
export function emailLines(
  email: string,
  width: number,
  measure: (text: string, fontSize: number) => number,
  fontSize = 10,
) {
  if (measure(email, fontSize) <= width) return { lines: [email], fontSize };
  // Name and domain each start a line, so the '@' break comes first; inside each, break before a '.'.
  const at = email.lastIndexOf("@");
  const parts = at > 0 ? [email.slice(0, at), email.slice(at)] : [email];
  const pieces = parts.map((part) => part.split(/(?=\.)/));
  let size = fontSize;
  while (size > 6 && pieces.flat().some((piece) => measure(piece, size) > width)) size -= 0.5;
  const lines: string[] = [];
  for (const part of pieces) {
    const first = lines.length;
    for (const piece of part) {
      const last = lines.length - 1;
      if (last >= first && measure(lines[last] + piece, size) <= width) lines[last] += piece;
      else lines.push(piece);
    }
  }
  return { lines, fontSize: size };
}

export type ReceiptPdfInput = {
  receipt: { number: string; issuedAt: Date; snapshot: ReceiptSnapshot };
  refunds: {
    amountVnd: number;
    reason: string;
    createdAt: Date;
    method: string;
    /** due: owed by bank transfer, not yet sent (older callers and rows: paid). */
    status?: "due" | "paid";
    transferredOn?: string | null;
  }[];
  issuerName?: string;
};

/** The receipt as an A4 PDF, each label in Vietnamese with its English below, fonts embedded. */
export async function renderReceiptPdf(input: ReceiptPdfInput): Promise<Buffer> {
  // Loaded when a PDF is made, not at start-up: pdfkit and its fonts weigh ~25 MB that most processes never use.
  const { default: PDFDocument } = await import("pdfkit");
  const { receipt } = input;
  const s = receipt.snapshot;
  const issuer = input.issuerName ?? "Startup Academy";
  const doc = new PDFDocument({
    size: "A4",
    margin: 50,
    font: REGULAR,
    lang: "vi-VN",
    info: { Title: `Biên lai ${receipt.number}`, Author: issuer, Keywords: receipt.number },
  });
  doc.registerFont("regular", REGULAR);
  doc.registerFont("bold", BOLD);
  const chunks: Buffer[] = [];
  doc.on("data", (chunk: Buffer) => chunks.push(chunk));
  const done = new Promise<Buffer>((ok, fail) => {
    doc.on("end", () => ok(Buffer.concat(chunks)));
    doc.on("error", fail);
  });

  doc.font("bold").fontSize(11).fillColor("#0f4c81").text(issuer.toUpperCase());
  doc.moveDown(0.8);
  doc.font("bold").fontSize(20).fillColor("#1e293b").text("BIÊN LAI THU TIỀN", { align: "center" });
  doc.font("regular").fontSize(11).fillColor("#475569").text("Payment receipt", { align: "center" });
  doc.moveDown(0.6);
  doc.fontSize(10).fillColor("#1e293b").text(`Số / No.: ${receipt.number}`, { align: "center" });
  doc.text(`Ngày / Date: ${dateVi(receipt.issuedAt)} (${dateEn(receipt.issuedAt)})`, { align: "center" });
  doc.moveDown(1.2);

  const row = (vi: string, en: string, value: string, strong = false) => {
    const y = doc.y;
    doc.font("regular").fontSize(10).fillColor("#1e293b").text(vi, 50, y, { width: 280 });
    doc.fontSize(8).fillColor("#64748b").text(en, 50, doc.y, { width: 280 });
    const bottom = doc.y;
    doc
      .font(strong ? "bold" : "regular")
      .fontSize(10)
      .fillColor("#1e293b")
      .text(value, 330, y, { width: 215, align: "right" });
    doc.y = Math.max(bottom, doc.y) + 6;
    doc.x = 50;
  };

  row("Người nộp", "Payer", s.payerName);
  // The e-mail goes on its own lines, broken only before an '@' or '.', so a payer can copy it whole.
  {
    doc.font("regular");
    const layout = emailLines(s.payerEmail, 215, (text, size) => doc.fontSize(size).widthOfString(text));
    doc.y -= 4;
    doc.fontSize(layout.fontSize).fillColor("#1e293b");
    for (const line of layout.lines) doc.text(line, 330, doc.y, { width: 215, align: "right", lineBreak: false });
    doc.y += 6;
    doc.x = 50;
  }
  if (s.payerOrganisationName) row("Đơn vị", "Organisation", s.payerOrganisationName);
  if (s.payerTaxCode) row("Mã số thuế", "Tax code", s.payerTaxCode);
  row("Khóa học", "Course", `${s.courseTitleVi} — ${s.courseTitleEn} (${s.cohortCode})`);
  row("Hình thức thanh toán", "Payment method", METHOD_LABEL[s.method]?.join(" / ") ?? s.method);
  row("Mã tham chiếu", "Reference", s.transferReference);
  doc.moveDown(0.5);
  doc.moveTo(50, doc.y).lineTo(545, doc.y).strokeColor("#cbd5e1").stroke();
  doc.moveDown(0.5);
  if (s.kind === "forfeit") {
    row(
      "Khoản hỗ trợ bị thu hồi (không đủ điều kiện hoàn thành)",
      "Forfeited subsidy billed (completion conditions not met)",
      vnd(s.amountVnd),
      true,
    );
    if (s.subsidyProgrammeVi)
      row(`Chương trình hỗ trợ: ${s.subsidyProgrammeVi}`, `Subsidy programme: ${s.subsidyProgrammeEn ?? ""}`, "");
  } else {
    row("Học phí đầy đủ", "Full fee", vnd(s.feeVnd));
    if (s.subsidyVnd > 0) {
      row(`Hỗ trợ: ${s.subsidyProgrammeVi ?? ""}`, `Subsidy: ${s.subsidyProgrammeEn ?? ""}`, `− ${vnd(s.subsidyVnd)}`);
      const [sourceVi, sourceEn] = FUNDING_SOURCE_LABEL[s.fundingSource ?? ""] ?? [
        s.fundingSource ?? "",
        s.fundingSource ?? "",
      ];
      row(
        `Nguồn kinh phí: ${sourceVi}${s.fundingSourceName ? ` — ${s.fundingSourceName}` : ""}`,
        `Funding source: ${sourceEn}`,
        "",
      );
    }
    if (s.discountVnd > 0) row("Giảm giá", "Discount", `− ${vnd(s.discountVnd)}`);
    row("Số tiền thực nộp", "Nett amount paid", vnd(s.amountVnd), true);
  }
  if (input.refunds.length > 0) {
    doc.moveDown(0.5);
    for (const refund of input.refunds) {
      // A refund still due is money the learner is owed, not money sent: the receipt says which.
      const state =
        refund.status === "due"
          ? { vi: " (chờ chuyển khoản)", en: " (due, not yet transferred)" }
          : refund.transferredOn
            ? {
                vi: ` (đã chuyển khoản ngày ${refund.transferredOn.split("-").reverse().join("/")})`,
                en: ` (transferred on ${refund.transferredOn})`,
              }
            : { vi: "", en: "" };
      row(
        `Hoàn tiền ngày ${dateVi(refund.createdAt)}${state.vi}: ${refund.reason}`,
        `Refund of ${dateEn(refund.createdAt)}${state.en}`,
        `− ${vnd(refund.amountVnd)}`,
      );
    }
    const refunded = input.refunds.reduce((sum, r) => sum + r.amountVnd, 0);
    row("Còn lại sau hoàn tiền", "Net after refunds", vnd(s.amountVnd - refunded), true);
  }
  doc.moveDown(2);
  doc
    .font("regular")
    .fontSize(8)
    .fillColor("#64748b")
    .text("Biên lai điện tử do Startup Academy phát hành. / Electronic receipt issued by Startup Academy.", 50, doc.y, {
      width: 495,
    });
  doc.end();
  return done;
}
