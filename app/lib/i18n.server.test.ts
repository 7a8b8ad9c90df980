import { createInstance, type i18n as I18n } from "i18next";
import { RemixI18Next } from "remix-i18next/server";
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

/** The keys whose answer depends on options: plurals (by their base key) and texts with {{placeholders}}. */
function optionKeys(value: unknown, prefix = ""): string[] {
  if (value && typeof value === "object" && !Array.isArray(value))
    return Object.entries(value).flatMap(([k, v]) => optionKeys(v, prefix ? `${prefix}.${k}` : k));
  const plural = /_(zero|one|two|few|many|other)$/.test(prefix);
  return plural || (typeof value === "string" && value.includes("{{"))
    ? [prefix.replace(/_(zero|one|two|few|many|other)$/, "")]
    : [];
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

  it("give i18next's own answer with counts and values, for every plural and placeholder key, first time and from memory", async () => {
    for (const language of supportedLanguages) {
      const plain = (await instance(language, false)).getFixedT(language);
      const remembering = (await instance(language, true)).getFixedT(language);
      const keys = [...new Set(optionKeys(resources[language].translation))];
      expect(keys.length).toBeGreaterThan(100);
      const options = [0, 1, 21].flatMap((count) => [
        { count },
        { count, hours: String(count), total: count * 2 },
        { count, defaultValue: "mặc định {{count}}" },
      ]);
      for (const key of keys)
        for (const o of options) {
          expect(remembering(key, o)).toBe(plain(key, o));
          expect(remembering(key, o)).toBe(plain(key, o));
        }
    }
  });

  it("remember a key with a default only when the key exists; other options go to i18next each time", async () => {
    const i18n = await instance("vi", true);
    const t = i18n.getFixedT("vi");
    expect(t("courses.topics.no-such-topic", { defaultValue: "no such topic" })).toBe("no such topic");
    i18n.addResource("vi", "translation", "courses.topics.no-such-topic", "Chủ đề mới");
    expect(t("courses.topics.no-such-topic", { defaultValue: "no such topic" })).toBe("Chủ đề mới");
    // A long interpolated value (a person's name, a title) and non-primitive values are not kept, and still answer.
    const long = "Nguyễn Thị Minh Khai của Công ty Khởi nghiệp Hải Phòng";
    expect(t("errors.status", { status: long })).toBe(`Mã lỗi ${long}`);
    expect(t("errors.status", { status: { toString: () => "x" } })).toBe(`Mã lỗi x`);
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

  it("gives remix-i18next's own answer (cookie, then Accept-Language), also when the header's answer is remembered", async () => {
    const remix = new RemixI18Next({
      detection: {
        supportedLanguages: [...supportedLanguages],
        fallbackLanguage: "vi",
        cookie: languageCookie,
        order: ["cookie", "header"],
      },
    });
    const cookies = [
      "",
      (await languageCookie.serialize("en")).split(";")[0],
      (await languageCookie.serialize("vi")).split(";")[0],
    ];
    cookies.push((await languageCookie.serialize("fr")).split(";")[0], "lng=garbage", "session=abc");
    const headers = [
      "",
      "vi-VN,vi;q=0.9",
      "en-US,en;q=0.9",
      "fr-FR,en;q=0.5",
      "fr-FR",
      "*",
      "EN",
      "xx-invalid-@@",
      "en;q=0.1,vi;q=0.2",
      // A hostile header too long to be remembered (worked out each time) still gets the same answer.
      `${"xx-yy;q=0.1,".repeat(800)}en;q=0.9`,
    ];
    for (let round = 0; round < 2; round++)
      for (const cookie of cookies)
        for (const acceptLanguage of headers) {
          const request = ask({
            ...(cookie ? { cookie } : {}),
            ...(acceptLanguage ? { "accept-language": acceptLanguage } : {}),
          });
          expect(await getLanguage(request), `${cookie} | ${acceptLanguage}`).toBe(await remix.getLocale(request));
        }
  });
});
