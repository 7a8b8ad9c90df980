import { strToU8, zipSync } from "fflate";
import { describe, expect, it } from "vitest";
import { AppError } from "~/lib/errors";
import { checkUpload as checkPracticumFile } from "~/modules/certification/practicum-files.server";
import { attachmentDisposition, checkUpload, EVIDENCE_POLICY } from "./storage.server";

/** A real (minimal) Word document: a ZIP with the OOXML content types and the main part. */
function docx(): Uint8Array {
  return zipSync({
    "[Content_Types].xml": strToU8(
      '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="xml" ContentType="application/xml"/><Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>',
    ),
    "word/document.xml": strToU8(
      '<?xml version="1.0"?><w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"/>',
    ),
  });
}
const zip = () => zipSync({ "index.html": strToU8("<script>alert(1)</script>") });
const file = (bytes: Uint8Array | string, name: string, type = "application/octet-stream") =>
  new File([typeof bytes === "string" ? bytes : new Uint8Array(bytes)], name, { type });

async function refusal(promise: Promise<unknown>) {
  try {
    await promise;
  } catch (error) {
    if (error instanceof AppError) return { status: error.status, key: error.messageKey, field: error.field };
    throw error;
  }
  return null;
}

describe("the one upload check (content against name)", () => {
  it("refuses a ZIP named plan.html, and a real Word file named plan.html, as a lesson plan", async () => {
    expect(
      await refusal(checkPracticumFile(file(zip(), "plan.html", "text/html"), "lesson_plan", "lessonPlan")),
    ).toEqual({
      status: 400,
      key: "certification.errors.lessonPlanType",
      field: "lessonPlan",
    });
    expect(
      await refusal(checkPracticumFile(file(docx(), "plan.html", "text/html"), "lesson_plan", "lessonPlan")),
    ).toMatchObject({
      status: 400,
      key: "certification.errors.lessonPlanType",
    });
  });

  it("accepts a Word file named .docx, with the type read from its content", async () => {
    const checked = await checkPracticumFile(file(docx(), "kế-hoạch.docx", "text/html"), "lesson_plan", "lessonPlan");
    expect(checked).toMatchObject({
      fileName: "kế-hoạch.docx",
      contentType: "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    });
  });

  it("refuses evidence whose name and content disagree, or whose content is not allowed", async () => {
    expect(
      await refusal(checkUpload("invoice", file("%PDF-1.4\n%%EOF\n", "hoa-don.png"), EVIDENCE_POLICY)),
    ).toMatchObject({ key: "files.errors.extensionMismatch" });
    expect(await refusal(checkUpload("invoice", file(zip(), "hoa-don.pdf"), EVIDENCE_POLICY))).toMatchObject({
      key: "files.errors.wrongType",
    });
    expect(await checkUpload("invoice", file("%PDF-1.4\n%%EOF\n", "hoa-don.pdf"), EVIDENCE_POLICY)).toMatchObject({
      kind: "pdf",
    });
  });
});

describe("serving a stored file", () => {
  it("is always an attachment, with an ASCII fallback and the real name in RFC 5987 form", () => {
    expect(attachmentDisposition('hoá đơn "tháng 11".pdf')).toBe(
      `attachment; filename="ho_ __n _th_ng 11_.pdf"; filename*=UTF-8''ho%C3%A1%20%C4%91%C6%A1n%20%22th%C3%A1ng%2011%22.pdf`,
    );
    expect(attachmentDisposition("a'b(1).pdf")).toBe(
      `attachment; filename="a'b(1).pdf"; filename*=UTF-8''a%27b%281%29.pdf`,
    );
  });
});
