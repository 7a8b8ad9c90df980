import { expect, test } from "@playwright/test";
import { expectAccessible, signIn, signOut } from "./support";

/**
 * Paying the nett fee by VietQR: staff link the demo finance cohort to the demo subsidy programme (English);
 * the founder enrols in it, is held a seat and sees the VietQR code and the transfer reference (Vietnamese);
 * staff import the bank statement CSV that carries the reference; the place is confirmed and the receipt
 * shows the fee, the subsidy and the nett amount.
 */
test.describe.configure({ mode: "serial" });

const COHORT = "TCKT-HP-K1";
let paymentPath = "";
let reference = "";
let nett = "";

async function pdfText(bytes: Buffer): Promise<string> {
  const pdfjs = await import("pdfjs-dist/legacy/build/pdf.mjs");
  const document = await pdfjs.getDocument({ data: new Uint8Array(bytes), isEvalSupported: false }).promise;
  const content = await (await document.getPage(1)).getTextContent();
  await document.destroy();
  return content.items.map((item) => ("str" in item ? item.str : "")).join(" ");
}

test.describe("in English", () => {
  test.use({ locale: "en-US" });
  test("staff link the finance cohort to the subsidy programme", async ({ page }) => {
    await signIn(page, "staff@demo.vn");
    await page.goto("/subsidies");
    // The staff account keeps its own language: this part is read in English.
    await page.getByRole("button", { name: "English" }).click();
    await expect(page.locator("html")).toHaveAttribute("lang", "en");
    await expectAccessible(page);
    // The founder's startup registration is verified first: the subsidy rule asks for it.
    await page.goto("/admin/organisations");
    await page.getByRole("link", { name: "Công ty TNHH Hải Sản Số Cát Hải" }).first().click();
    // (Another spec may have verified it already in this run.)
    await expect(page.getByRole("heading", { level: 1 })).toContainText("Hải Sản Số Cát Hải");
    const verify = page.getByRole("button", { name: "Verify the registration" });
    if (await verify.isVisible()) {
      await page.getByLabel("Verification note").fill("Checked against the national business registration portal.");
      await verify.click();
      await expect(page.getByText("The registration has been verified.")).toBeVisible();
    }
    await expectAccessible(page);
    await page.goto("/subsidies");
    await page.locator('a[href^="/subsidies/programmes/"]').filter({ hasNotText: /new/i }).first().click();
    await expect(page.getByRole("heading", { name: "Subsidised cohorts" })).toBeVisible();
    await expectAccessible(page);
    const select = page.getByLabel("Cohort", { exact: true });
    const option = select.locator("option", { hasText: COHORT });
    await select.selectOption(await option.getAttribute("value"));
    await page.getByRole("button", { name: "Link cohort", exact: true }).click();
    await expect(page.getByText("Cohort linked to the programme.")).toBeVisible();
    await page.getByRole("button", { name: "Tiếng Việt" }).click();
    await expect(page.locator("html")).toHaveAttribute("lang", "vi");
    await signOut(page);
  });
});

test.describe("bằng tiếng Việt", () => {
  test.use({ locale: "vi-VN" });
  test("the founder enrols and sees the VietQR code with the reference", async ({ page }) => {
    await signIn(page, "founder@demo.vn");
    await page.goto("/cohorts");
    await expectAccessible(page);
    await page.locator("li", { hasText: COHORT }).getByRole("link").first().click();
    await expectAccessible(page);
    await page
      .getByRole("button", { name: /Ghi danh/ })
      .first()
      .click();
    await page.waitForURL(/\/payments\/[0-9a-f-]{36}$/);
    paymentPath = new URL(page.url()).pathname;
    await expect(page.locator('[data-payment-status="pending"]')).toBeVisible();
    await expect(page.getByText("Thanh toán bằng chuyển khoản (VietQR)")).toBeVisible();
    const qr = page.locator("img[data-vietqr]");
    await expect(qr).toBeVisible();
    reference = (await page.getByTestId("transfer-reference").textContent())!.trim();
    expect(reference).toMatch(/^SA[0-9A-Z]{8}$/);
    expect(await qr.getAttribute("data-vietqr")).toContain(reference);
    nett = (await page.getByTestId("nett-amount").textContent())!.trim();
    await expect(page.getByText("Hỗ trợ", { exact: true })).toBeVisible();
    await expectAccessible(page);
    await page.goto("/payments");
    await expect(page.getByText(reference)).toBeVisible();
    await expectAccessible(page);
    await signOut(page);
  });

  test("staff import the bank statement; the place is confirmed and the receipt shows fee, subsidy and nett", async ({
    page,
  }) => {
    const amount = nett.replace(/[^\d]/g, "");
    await signIn(page, "staff@demo.vn");
    await page.goto("/manage/payments");
    await expectAccessible(page);
    const csv = [
      "Ngày giao dịch;Số tiền ghi có;Nội dung giao dịch",
      `28/11/2026;${Number(amount).toLocaleString("vi-VN")};MBVCB.55123.DO QUANG HUY chuyen tien ${reference}`,
    ].join("\r\n");
    await page
      .getByLabel("Tệp sao kê (CSV hoặc Excel)")
      .setInputFiles({ name: "sao-ke.csv", mimeType: "text/csv", buffer: Buffer.from(csv, "utf8") });
    await page.getByRole("button", { name: "Xem trước", exact: true }).click();
    // Nothing is saved before staff confirm what the preview shows.
    await expect(page.getByTestId("statement-preview").locator('[data-preview-outcome="matched"]')).toHaveCount(1);
    await expect(
      page.locator(`tr[data-payment-reference="${reference}"] [data-payment-status="pending"]`),
    ).toBeVisible();
    await expectAccessible(page);
    await page.getByRole("button", { name: "Xác nhận nhập", exact: true }).click();
    await expect(page.getByText(/Đã nhập 1 dòng: 1 khớp/)).toBeVisible();
    await expect(page.locator(`tr[data-payment-reference="${reference}"] [data-payment-status="paid"]`)).toBeVisible();
    await expectAccessible(page);
    await signOut(page);

    await signIn(page, "founder@demo.vn");
    await page.goto(paymentPath);
    await expect(page.locator('[data-payment-status="paid"]')).toBeVisible();
    await expectAccessible(page);
    const receiptLink = page.getByRole("link", { name: /Tải biên lai/ });
    const href = await receiptLink.getAttribute("href");
    const response = await page.request.get(href!);
    expect(response.headers()["content-type"]).toContain("application/pdf");
    const text = await pdfText(await response.body());
    expect(text).toContain("Học phí đầy đủ");
    expect(text).toContain("Hỗ trợ:");
    expect(text).toContain("Nguồn kinh phí");
    expect(text).toContain("Số tiền thực nộp");
    expect(text).toContain(`${Number(amount).toLocaleString("vi-VN")} ₫`);
    await page.goto("/cohorts");
    await page.locator("li", { hasText: COHORT }).getByRole("link").first().click();
    await expect(page.locator('[data-enrollment-status="confirmed"]')).toBeVisible();
  });
});
