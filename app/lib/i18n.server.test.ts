import { createInstance, type i18n as I18n } from "i18next";
import { describe, expect, it } from "vitest";
import { i18nConfig, resources, supportedLanguages, type Language } from "./i18n";
import { getLanguage, languageCookie, rememberPlainTranslations } from "./i18n.server";
import { runInRequestScope } from "./request-scope.server";

async function instance(language: Language, remember: boolean, limit?: number): Promise<I18n> {
  const made = createInstance();
  await made.init({ ...i18nConfig, lng: language });
  return remember ? rememberPlainTranslations(made, limit) : made;
}

/** Every leaf key of the bundled translations (plural forms by their base key, as `t` is called). */
function leafKeys(value: unknown, prefix = ""): string[] {
  if (value && typeof value === "object" && !Array.isArray(value))
    return Object.entries(value).flatMap(([k, v]) => leafKeys(v, prefix ? `${prefix}.${k}` : k));
  return [prefix.replace(/_(zero|one|two|few|many|other)$/, "")];
}

describe("remembered plain translations", () => {
  it("give i18next's own answer for every key of both languages, the first time and from memory", async () => {
    for (const language of supportedLanguages) {
      const plain = (await instance(language, false)).getFixedT(language);
      const remembering = (await instance(language, true)).getFixedT(language);
      const keys = [...new Set(leafKeys(resources[language].translation))];
      expect(keys.length).toBeGreaterThan(1_000);
      for (const key of keys) {
        expect(remembering(key)).toBe(plain(key));
        expect(remembering(key)).toBe(plain(key));
      }
    }
  });

  it("keeps translations with options live: interpolation and plurals follow the values", async () => {
    const t = (await instance("en", true)).getFixedT("en");
    expect(t("errors.status", { status: 404 })).toBe("Error 404");
    expect(t("errors.status", { status: 500 })).toBe("Error 500");
    const vi = (await instance("vi", true)).getFixedT("vi");
    expect(vi("errors.status", { status: 403 })).toBe("Mã lỗi 403");
    expect(vi("common.total", { count: 7 })).toBe("Tổng số: 7");
    expect(vi("common.total", { count: 1_000 })).toBe("Tổng số: 1000");
  });

  it("answers per language and per key prefix", async () => {
    const vi = await instance("vi", true);
    const en = await instance("en", true);
    expect(vi.getFixedT("vi")("errors.status")).toBe("Mã lỗi {{status}}");
    expect(en.getFixedT("en")("errors.status")).toBe("Error {{status}}");
    expect(vi.getFixedT("vi", null, "errors")("status")).toBe("Mã lỗi {{status}}");
    expect(vi.getFixedT("vi", null, "common")("status")).not.toBe("Mã lỗi {{status}}");
  });

  it("does not remember a missing key (a key built from input cannot grow the memory)", async () => {
    const i18n = await instance("vi", true);
    const t = i18n.getFixedT("vi");
    expect(t("no.such.key")).toBe("no.such.key");
    i18n.addResource("vi", "translation", "no.such.key", "Có rồi");
    expect(t("no.such.key")).toBe("Có rồi");
  });

  it("starts over when full and still answers correctly", async () => {
    const plain = (await instance("en", false)).getFixedT("en");
    const t = (await instance("en", true, 3)).getFixedT("en");
    const keys = [...new Set(leafKeys(resources.en.translation))].slice(0, 20);
    for (let round = 0; round < 2; round++) for (const key of keys) expect(t(key)).toBe(plain(key));
  });
});

describe("the language of a request", () => {
  const ask = (headers: Record<string, string>) => new Request("http://localhost/courses", { headers });

  it("follows the lng cookie, then Accept-Language, then Vietnamese; once per request and per set of headers", async () => {
    const english = await languageCookie.serialize("en");
    await runInRequestScope({ method: "GET" }, async () => {
      expect(await getLanguage(ask({ "accept-language": "vi-VN,vi;q=0.9" }))).toBe("vi");
      // Another Request of the same HTTP request with other headers is not given the first one's answer.
      expect(await getLanguage(ask({ "accept-language": "en-US,en;q=0.9" }))).toBe("en");
      expect(await getLanguage(ask({ cookie: english.split(";")[0], "accept-language": "vi-VN" }))).toBe("en");
      expect(await getLanguage(ask({ "accept-language": "fr-FR" }))).toBe("vi");
      expect(await getLanguage(ask({ "accept-language": "vi-VN,vi;q=0.9" }))).toBe("vi");
    });
    expect(await getLanguage(ask({ "accept-language": "en" }))).toBe("en");
  });
});
