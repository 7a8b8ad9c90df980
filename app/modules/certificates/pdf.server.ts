import { resolve } from "node:path";
import QRCode from "qrcode";
import { startOfVietnamDay } from "~/lib/time";
import type { CertificateRow } from "./certificates.server";
import { credentialUrls } from "./issuer.server";

/**
 * The certificate as a PDF: A4 landscape, Vietnamese with English, fonts embedded (DejaVu Sans, which covers
 * every Vietnamese letter with its tone marks), a QR code to the public verification page.
 */
const FONT_DIR = resolve(process.cwd(), "assets/fonts");
const REGULAR = resolve(FONT_DIR, "DejaVuSans.ttf");
const BOLD = resolve(FONT_DIR, "DejaVuSans-Bold.ttf");

const BRAND = "#0f4c81";
const INK = "#1e293b";
const MUTED = "#475569";

function dayVi(date: Date | string) {
  const d = typeof date === "string" ? startOfVietnamDay(date) : date;
  return new Intl.DateTimeFormat("vi-VN", {
    timeZone: "Asia/Ho_Chi_Minh",
    day: "2-digit",
    month: "2-digit",
    year: "numeric",
  }).format(d);
}
function dayEn(date: Date | string) {
  const d = typeof date === "string" ? startOfVietnamDay(date) : date;
  return new Intl.DateTimeFormat("en-GB", {
    timeZone: "Asia/Ho_Chi_Minh",
    day: "numeric",
    month: "long",
    year: "numeric",
  }).format(d);
}
function hoursText(hours: number) {
  return new Intl.NumberFormat("vi-VN", { maximumFractionDigits: 1 }).format(hours);
}

export type CertificatePdfInput = Pick<
  CertificateRow,
  | "code"
  | "kind"
  | "holderName"
  | "achievementVi"
  | "achievementEn"
  | "hours"
  | "achievedOn"
  | "issuedAt"
  | "validUntil"
  | "issuerName"
  | "issuerNameEn"
>;

export async function renderCertificatePdf(cert: CertificatePdfInput): Promise<Buffer> {
  // Loaded when a PDF is made, not at start-up: pdfkit and its fonts weigh ~25 MB that most processes never use.
  const { default: PDFDocument } = await import("pdfkit");
  const verifyUrl = credentialUrls.verify(cert.code);
  const titleVi =
    cert.kind === "trainer_certification" ? "GIẤY CHỨNG NHẬN GIẢNG VIÊN" : "GIẤY CHỨNG NHẬN HOÀN THÀNH KHÓA HỌC";
  const titleEn = cert.kind === "trainer_certification" ? "Trainer Certificate" : "Certificate of Completion";
  const doc = new PDFDocument({
    size: "A4",
    layout: "landscape",
    margin: 0,
    font: REGULAR,
    lang: "vi-VN",
    info: {
      Title: `${titleVi} — ${cert.holderName}`,
      Author: cert.issuerName,
      Subject: cert.achievementVi,
      Keywords: cert.code,
    },
  });
  doc.registerFont("regular", REGULAR);
  doc.registerFont("bold", BOLD);
  const chunks: Buffer[] = [];
  doc.on("data", (chunk: Buffer) => chunks.push(chunk));
  const done = new Promise<Buffer>((resolveDone, reject) => {
    doc.on("end", () => resolveDone(Buffer.concat(chunks)));
    doc.on("error", reject);
  });

  const width = doc.page.width; // 841.89
  const height = doc.page.height; // 595.28
  doc
    .lineWidth(3)
    .strokeColor(BRAND)
    .rect(24, 24, width - 48, height - 48)
    .stroke();
  doc
    .lineWidth(0.8)
    .rect(32, 32, width - 64, height - 64)
    .stroke();

  const left = 70;
  const textWidth = width - 140;
  const centred = { width: textWidth, align: "center" as const };

  doc.font("bold").fontSize(12).fillColor(BRAND).text(cert.issuerName.toUpperCase(), left, 56, centred);
  doc.font("regular").fontSize(10).fillColor(MUTED).text(cert.issuerNameEn, centred);

  doc.moveDown(1.4);
  doc.font("bold").fontSize(26).fillColor(BRAND).text(titleVi, centred);
  doc.font("regular").fontSize(14).fillColor(MUTED).text(titleEn, centred);

  doc.moveDown(1);
  doc.font("regular").fontSize(12).fillColor(INK).text("Chứng nhận / This certifies that", centred);
  doc.moveDown(0.3);
  doc.font("bold").fontSize(28).fillColor(INK).text(cert.holderName, centred);

  doc.moveDown(0.5);
  const achievedVi = cert.kind === "trainer_certification" ? "đã đạt chứng nhận" : "đã hoàn thành khóa học";
  const achievedEn = cert.kind === "trainer_certification" ? "has been certified as" : "has completed the course";
  doc.font("regular").fontSize(12).fillColor(INK).text(`${achievedVi} / ${achievedEn}`, centred);
  doc.moveDown(0.3);
  doc.font("bold").fontSize(18).fillColor(BRAND).text(cert.achievementVi, centred);
  doc.font("regular").fontSize(12).fillColor(MUTED).text(cert.achievementEn, centred);

  doc.moveDown(0.8);
  const facts: string[] = [];
  if (cert.hours !== null) facts.push(`Thời lượng / Duration: ${hoursText(cert.hours)} giờ / hours`);
  facts.push(`Ngày hoàn thành / Completed on: ${dayVi(cert.achievedOn)} (${dayEn(cert.achievedOn)})`);
  facts.push(`Ngày cấp / Issued on: ${dayVi(cert.issuedAt)} (${dayEn(cert.issuedAt)})`);
  if (cert.validUntil)
    facts.push(`Có hiệu lực đến / Valid until: ${dayVi(cert.validUntil)} (${dayEn(cert.validUntil)})`);
  doc.font("regular").fontSize(11).fillColor(INK);
  for (const line of facts) doc.text(line, centred);

  // Bottom band: code and verification address on the left, the QR code on the right.
  const qrSize = 96;
  const qrX = width - 70 - qrSize;
  const qrY = height - 60 - qrSize;
  const qr = QRCode.create(verifyUrl, { errorCorrectionLevel: "M" });
  const modules = qr.modules.size;
  const quiet = 2;
  const cell = qrSize / (modules + quiet * 2);
  doc.rect(qrX, qrY, qrSize, qrSize).fill("#ffffff");
  doc.fillColor("#000000");
  for (let row = 0; row < modules; row++) {
    for (let col = 0; col < modules; col++) {
      if (qr.modules.get(row, col)) doc.rect(qrX + (col + quiet) * cell, qrY + (row + quiet) * cell, cell, cell);
    }
  }
  doc.fill("#000000");

  const bandY = height - 60 - qrSize + 10;
  doc
    .font("bold")
    .fontSize(11)
    .fillColor(INK)
    .text(`Mã chứng nhận / Certificate code: ${cert.code}`, left, bandY, { width: qrX - left - 20 });
  doc
    .font("regular")
    .fontSize(10)
    .fillColor(MUTED)
    .text("Kiểm tra tính hợp lệ tại / Verify at:", { width: qrX - left - 20 });
  doc
    .font("regular")
    .fontSize(10)
    .fillColor(BRAND)
    .text(verifyUrl, { width: qrX - left - 20, link: verifyUrl, underline: true });
  doc
    .font("regular")
    .fontSize(8)
    .fillColor(MUTED)
    .text(
      "Chứng nhận số có chữ ký điện tử theo chuẩn Open Badges 3.0 / Also issued as a signed Open Badges 3.0 credential.",
      { width: qrX - left - 20 },
    );

  doc.end();
  return done;
}
