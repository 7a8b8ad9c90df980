import { describe, expect, it } from "vitest";
import { emailLines, renderReceiptPdf } from "./receipts.server";

async function pdfLines(bytes: Buffer): Promise<string[]> {
  const pdfjs = await import("pdfjs-dist/legacy/build/pdf.mjs");
  const document = await pdfjs.getDocument({
    data: new Uint8Array(bytes),
    useSystemFonts: false,
    isEvalSupported: false,
  }).promise;
  const page = await document.getPage(1);
  const content = await page.getTextContent();
  return content.items.map((item) => ("str" in item ? item.str : "")).filter((text) => text.trim() !== "");
}

function receiptOf(payerEmail: string) {
  return {
    receipt: {
      number: "BL-2026-000042",
      issuedAt: new Date("2026-03-02T03:00:00Z"),
      snapshot: {
        payerName: "Nguyễn Thị Phương Thảo",
        payerEmail,
        payerOrganisationName: null,
        payerTaxCode: null,
        cohortCode: "KNDMST-HP-K1",
        courseTitleVi: "Khởi nghiệp đổi mới sáng tạo",
        courseTitleEn: "Innovative startups",
        feeVnd: 2_400_000,
        subsidyVnd: 0,
        subsidyProgrammeVi: null,
        subsidyProgrammeEn: null,
        fundingSource: null,
        fundingSourceName: null,
        discountVnd: 0,
        amountVnd: 2_400_000,
        method: "vietqr",
        transferReference: "SA7K2M9Q",
        kind: "enrollment",
      },
    },
    refunds: [],
  };
}

/** The lines of the PDF that are pieces of the address, in order, joined back. */
function emailPieces(lines: string[], email: string): string[] {
  const start = lines.findIndex((line) => email.startsWith(line.trim()) && line.trim().length > 1);
  expect(start, `no line starts the address in ${JSON.stringify(lines)}`).toBeGreaterThanOrEqual(0);
  const pieces: string[] = [];
  let rest = email;
  for (let i = start; i < lines.length && rest.length > 0; i++) {
    const piece = lines[i].trim();
    if (!rest.startsWith(piece)) break;
    pieces.push(piece);
    rest = rest.slice(piece.length);
  }
  expect(pieces.join("")).toBe(email);
  return pieces;
}

describe("the receipt prints the payer's e-mail whole", () => {
  it("keeps a short address on one line", async () => {
    const email = "thao@sa.vn";
    const pieces = emailPieces(await pdfLines(await renderReceiptPdf(receiptOf(email))), email);
    expect(pieces).toEqual([email]);
  });

  it("breaks a long address only before an '@' or a '.', never inside a word", async () => {
    const email = "nguyen.thi.phuong.thao.cofounder@congtycophankhoinghiepdoimoisangtao.example.com.vn";
    const pieces = emailPieces(await pdfLines(await renderReceiptPdf(receiptOf(email))), email);
    expect(pieces.length).toBeGreaterThan(1);
    for (const piece of pieces.slice(1)) expect(piece[0], `line "${piece}" starts inside a word`).toMatch(/[@.]/);
  });
});

describe("emailLines", () => {
  const measure = (text: string, size: number) => text.length * size * 0.5; // 5 pt a character at 10 pt

  it("packs pieces greedily and splits only before '@' and '.'", () => {
    // 100 pt wide = 20 characters at 10 pt.
    expect(emailLines("an.nguyen@mail.example.vn", 100, measure)).toEqual({
      lines: ["an.nguyen", "@mail.example.vn"],
      fontSize: 10,
    });
  });

  it("shrinks the font when one piece alone is wider than the column", () => {
    // "@abcdefghijklmnopqrstuvwxy" is 26 characters: 130 pt at 10 pt, 100 pt at 100/13 ≈ 7.69 pt → 7.5 pt.
    const layout = emailLines("a@abcdefghijklmnopqrstuvwxy.vn", 100, measure);
    expect(layout.fontSize).toBe(7.5);
    expect(layout.lines.join("")).toBe("a@abcdefghijklmnopqrstuvwxy.vn");
    for (const line of layout.lines) expect(measure(line, 7.5)).toBeLessThanOrEqual(100);
  });
});
