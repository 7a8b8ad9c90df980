import { describe, expect, it } from "vitest";
import { isRelativeFileUrl, renderMarkdown } from "./markdown.server";

describe("course Markdown rendering", () => {
  it("renders headings, emphasis, lists and tables", () => {
    const html = renderMarkdown("## Khám phá\n\n**đậm** và *nghiêng*\n\n- một\n- hai\n\n| a | b |\n|---|---|\n| 1 | 2 |\n");
    expect(html).toContain("<h2>Khám phá</h2>");
    expect(html).toContain("<strong>đậm</strong>");
    expect(html).toContain("<li>một</li>");
    expect(html).toContain("<td>2</td>");
  });

  it("removes script, event handlers, javascript: and data: URLs, iframes and styles", () => {
    const html = renderMarkdown(
      [
        "<script>alert('x')</script>",
        '<img src="x.png" onerror="alert(1)">',
        '<a href="javascript:alert(1)">bấm</a> <a href="JaVaScRiPt:alert(2)">bấm 2</a>',
        "[liên kết](javascript:alert(3))",
        '<p onclick="alert(4)" style="color:red">đoạn</p>',
        '<iframe src="https://evil.example"></iframe>',
        '<img src="data:image/svg+xml;base64,PHN2Zz4=">',
        '<svg><script>alert(5)</script></svg>',
        '<form action="https://evil.example"><input name="p"></form>',
      ].join("\n\n"),
    );
    expect(html).not.toMatch(/<script/i);
    expect(html).not.toMatch(/\son[a-z]+=/i);
    expect(html).not.toMatch(/javascript:/i);
    expect(html).not.toMatch(/data:image/i);
    expect(html).not.toMatch(/<iframe|<form|<input|<svg|style=/i);
    expect(html).toContain("đoạn");
    expect(html).toContain("bấm");
  });

  it("demotes h1 to h2 (the page owns the title) and marks external links noopener", () => {
    const html = renderMarkdown("# Tiêu đề\n\n[Cục SHTT](https://ipvietnam.gov.vn)");
    expect(html).toContain("<h2>Tiêu đề</h2>");
    expect(html).toContain('<a href="https://ipvietnam.gov.vn" rel="noopener noreferrer">Cục SHTT</a>');
  });

  it("rewrites relative file URLs of images and links, and leaves web addresses alone", () => {
    const seen: string[] = [];
    const html = renderMarkdown("![Sơ đồ](../../assets/canvas.svg) [mẫu](../../assets/mau.pdf) [web](https://example.com) [mục](#muc)", {
      rewriteRelativeUrl: (href, kind) => {
        seen.push(`${kind}:${href}`);
        return `/courses/khoa/assets/${href.split("/").pop()}`;
      },
    });
    expect(seen).toEqual(["image:../../assets/canvas.svg", "link:../../assets/mau.pdf"]);
    expect(html).toContain('<img src="/courses/khoa/assets/canvas.svg" alt="Sơ đồ" loading="lazy" />');
    expect(html).toContain('href="/courses/khoa/assets/mau.pdf"');
    expect(html).toContain('href="https://example.com"');
    expect(html).toContain('href="#muc"');
  });

  it("tells file paths from addresses", () => {
    expect(isRelativeFileUrl("../../assets/x.svg")).toBe(true);
    expect(isRelativeFileUrl("assets/x.svg")).toBe(true);
    for (const href of ["https://x.vn", "mailto:a@b.vn", "/courses", "#a", "javascript:alert(1)", "data:text/html,x"]) {
      expect(isRelativeFileUrl(href), href).toBe(false);
    }
  });
});
