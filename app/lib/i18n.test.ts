import { describe, expect, it } from "vitest";
import { resources } from "./i18n";

function keys(value: unknown, prefix = ""): string[] {
  if (Array.isArray(value)) return [`${prefix}[]`];
  if (value && typeof value === "object") {
    return Object.entries(value).flatMap(([k, v]) => keys(v, prefix ? `${prefix}.${k}` : k));
  }
  // Plural forms differ by language (English has _one, Vietnamese only _other): compare the base key.
  return [prefix.replace(/_(zero|one|two|few|many|other)$/, "")];
}

describe("translations", () => {
  it("Vietnamese and English have exactly the same keys", () => {
    const vi = new Set(keys(resources.vi.translation));
    const en = new Set(keys(resources.en.translation));
    expect(
      [...vi].filter((k) => !en.has(k)),
      "missing in English",
    ).toEqual([]);
    expect(
      [...en].filter((k) => !vi.has(k)),
      "missing in Vietnamese",
    ).toEqual([]);
  });

  it("has no empty strings", () => {
    for (const lang of ["vi", "en"] as const) {
      const empty: string[] = [];
      const walk = (v: unknown, p: string) => {
        if (typeof v === "string" && v.trim() === "") empty.push(p);
        else if (v && typeof v === "object") for (const [k, x] of Object.entries(v)) walk(x, `${p}.${k}`);
      };
      walk(resources[lang].translation, lang);
      expect(empty).toEqual([]);
    }
  });
});
