import { Suspense } from "react";
import { describe, expect, it } from "vitest";
import { renderDocument } from "./render-document.server";

const never = new Promise<never>(() => {});
function Hangs(): never {
  // A component whose data never arrives: React suspends on the thrown promise until the render is aborted.
  throw never;
}

function pendingTimers() {
  return process.getActiveResourcesInfo().filter((kind) => kind === "Timeout").length;
}

describe("renderDocument", () => {
  it("hands over the whole document and leaves no deadline behind", async () => {
    const before = pendingTimers();
    const errors: unknown[] = [];
    const html = await renderDocument(
      <html lang="en">
        <body>
          <p>Xin chào</p>
        </body>
      </html>,
      { nonce: "n0nce", waitForAll: false, timeoutMs: 60_000, onError: (e) => errors.push(e) },
    );
    expect(html.toString("utf8")).toBe('<!DOCTYPE html><html lang="en"><body><p>Xin chào</p></body></html>');
    expect(errors).toEqual([]);
    expect(pendingTimers()).toBe(before);
  });

  it("leaves no NUL bytes where a Vietnamese letter did not fit at the end of React's 2 KB piece", async () => {
    // React 18 encodes text into 2,048-byte views; when a letter of two or three bytes (ấ, ơ) does not fit in what
    // is left of one, it flushes the whole view, the unwritten bytes at its end (zeros) included (fixed in React
    // 19: facebook/react#24985). Each padding puts a different byte of the names at the views' ends.
    for (let padding = 0; padding < 6; padding++) {
      const names = Array.from({ length: 300 }, (_, i) => `Trần Văn Tuấn ${i}`);
      const html = await renderDocument(
        <html lang="vi">
          <body>
            <p>{"x".repeat(padding)}</p>
            <ul>
              {names.map((name) => (
                <li key={name} aria-label={name}>
                  {name}
                </li>
              ))}
            </ul>
          </body>
        </html>,
        { nonce: "n0nce", waitForAll: false, timeoutMs: 60_000, onError: () => {} },
      );
      expect(html.includes(0), `padding ${padding}`).toBe(false);
      const text = html.toString("utf8");
      for (const name of names) expect(text).toContain(`<li aria-label="${name}">${name}</li>`);
    }
  });

  for (const waitForAll of [false, true]) {
    it(`aborts a render that hangs at the deadline (${waitForAll ? "waiting for all" : "after the shell"})`, async () => {
      const errors: { afterShell: boolean }[] = [];
      const started = Date.now();
      const html = await renderDocument(
        <html lang="vi">
          <body>
            <Suspense fallback={<p>Đang tải…</p>}>
              <Hangs />
            </Suspense>
          </body>
        </html>,
        { nonce: "n0nce", waitForAll, timeoutMs: 200, onError: (_e, afterShell) => errors.push({ afterShell }) },
      );
      const waited = Date.now() - started;
      expect(waited).toBeGreaterThanOrEqual(190);
      expect(waited).toBeLessThan(5_000);
      // The document is complete with the fallback; the aborted boundary is marked for the browser to render.
      const text = html.toString("utf8");
      expect(text).toContain("<p>Đang tải…</p>");
      expect(text).toContain("</body></html>");
      expect(text).toMatch(/<!--\$[?!]-->/);
      expect(errors).toEqual([{ afterShell: !waitForAll }]);
    });
  }

  it("rejects when the shell itself fails, and clears the deadline", async () => {
    const before = pendingTimers();
    function Broken(): never {
      throw new Error("shell broke");
    }
    await expect(
      renderDocument(<Broken />, { nonce: "n0nce", waitForAll: false, timeoutMs: 60_000, onError: () => {} }),
    ).rejects.toThrow("shell broke");
    expect(pendingTimers()).toBe(before);
  });
});
