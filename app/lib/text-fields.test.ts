import { describe, expect, it } from "vitest";
import { optionalText, requiredText, visibleText } from "./text-fields";

describe("free-text fields", () => {
  it("treat text made only of invisible characters as empty", () => {
    expect(visibleText("\u200b \ufeff\u2060")).toBe("");
    expect(requiredText(100).safeParse("\u200b").success).toBe(false);
    expect(requiredText(100).safeParse(" \u00ad ").error?.issues[0].message).toBe("validation.required");
  });

  it("keep what a person typed, without the invisible characters around it", () => {
    expect(requiredText(100).parse("  Lớp\u200b bị hủy  ")).toBe("Lớp bị hủy");
    expect(optionalText(10).parse("\u200b")).toBe("");
  });

  it("refuse control characters and over-long text", () => {
    expect(requiredText(100).safeParse("a\u0007b").error?.issues[0].message).toBe("validation.invalidCharacters");
    expect(requiredText(3).safeParse("abcd").error?.issues[0].message).toBe("validation.textTooLong");
    expect(requiredText(100).parse("dòng 1\ndòng 2")).toBe("dòng 1\ndòng 2");
  });
});
