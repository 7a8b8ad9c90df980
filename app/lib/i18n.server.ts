import { createInstance, type i18n as I18n, type TFunction } from "i18next";
import { initReactI18next } from "react-i18next";
import { createCookie } from "react-router";
import { LanguageDetector } from "remix-i18next/server";
import { fallbackLanguage, i18nConfig, isLanguage, supportedLanguages, type Language } from "./i18n";
import { requestMemo } from "./request-scope.server";

/** The chosen interface language, remembered for a year. */
export const languageCookie = createCookie("lng", { path: "/", sameSite: "lax", httpOnly: true, maxAge: 31_536_000 });

const detection = { supportedLanguages: [...supportedLanguages], fallbackLanguage, cookie: languageCookie };

// remix-i18next's detection in its two halves, so that the header's half can be remembered across requests. The
// cookie's half answers "" when the cookie names no supported language.
const fromCookie = new LanguageDetector({ ...detection, order: ["cookie"], fallbackLanguage: "" });
const fromHeader = new LanguageDetector({ ...detection, order: ["header"] });

/** Accept-Language headers seen and the language each asks for; a browser sends the same one on every request. */
const headerLanguages = new Map<string, Language>();
/** How many distinct Accept-Language headers are remembered before the memory starts over. */
const REMEMBERED_HEADERS = 1_000;
/** Longer headers are worked out each time, not remembered: a browser's is tens of bytes, a hostile one up to 16 KB. */
const REMEMBERED_HEADER_LENGTH = 200;

/**
 * The language of a request: the `lng` cookie, else the best of Accept-Language, else Vietnamese. The root loader,
 * the document's render and the render cache each ask; parsing the cookie and the header once per HTTP request is
 * enough (the answer depends on those two headers alone, which every Request of one HTTP request carries alike).
 * The language an Accept-Language header asks for is also kept across requests: parsing it, checking each tag with
 * `Intl.Locale` and negotiating against the supported languages cost about 1 % of a signed-in page.
 */
export function getLanguage(request: Request): Promise<Language> {
  const headers = request.headers;
  const acceptLanguage = headers.get("accept-language") ?? "";
  return requestMemo(`language:${headers.get("cookie") ?? ""}\n${acceptLanguage}`, async () => {
    const chosen = await fromCookie.detect(request);
    if (isLanguage(chosen)) return chosen;
    let language = headerLanguages.get(acceptLanguage);
    if (language === undefined) {
      const lng = await fromHeader.detect(request);
      language = isLanguage(lng) ? lng : fallbackLanguage;
      if (acceptLanguage.length <= REMEMBERED_HEADER_LENGTH) {
        if (headerLanguages.size >= REMEMBERED_HEADERS) headerLanguages.clear();
        headerLanguages.set(acceptLanguage, language);
      }
    }
    return language;
  });
}

const instances = new Map<Language, Promise<I18n>>();

/**
 * The i18next instance of a language, made once per process: the translations are bundled and never change
 * while the server runs, and rendering only reads them, so every request in that language shares it (making
 * one per request cost more than rendering a small page).
 */
export function i18nFor(language: Language): Promise<I18n> {
  let instance = instances.get(language);
  if (!instance) {
    const made = createInstance();
    instance = made
      .use(initReactI18next)
      .init({ ...i18nConfig, lng: language })
      .then(() => rememberPlainTranslations(made));
    instances.set(language, instance);
  }
  return instance;
}

/** How many translations one language's instance remembers before it starts over. */
export const REMEMBERED_TRANSLATIONS = 10_000;

/** Interpolated values longer than this are not remembered (a name or a title rarely repeats; a count does). */
const REMEMBERED_VALUE_LENGTH = 32;

/**
 * The options of a `t` call as part of a memory key, when its answer can be remembered: a plain object of at most
 * six numbers, booleans and short strings (the counts and formatted numbers of plurals and interpolation). Any other
 * options (objects, dates, functions, long text) give undefined: the call goes to i18next.
 */
function optionsKey(options: unknown): string | undefined {
  if (!options || typeof options !== "object" || Object.getPrototypeOf(options) !== Object.prototype) return undefined;
  let key = "";
  let count = 0;
  for (const [name, value] of Object.entries(options)) {
    if (++count > 6) return undefined;
    if (typeof value === "number" || typeof value === "boolean") key += `\u0001${name}\u0002${typeof value}${value}`;
    else if (typeof value === "string" && value.length <= REMEMBERED_VALUE_LENGTH)
      key += `\u0001${name}\u0002s${value}`;
    else return undefined;
  }
  return key;
}

/**
 * Makes the instance remember what `t` gives for a key, per language, namespace and key prefix: for a key alone
 * (no options), and for a key with simple options — a count, a formatted number, a default (see `optionsKey`).
 * A page calls `t` hundreds of times (a label per row, per card, per column, "12 bài học" per card), and i18next
 * does the same work for each call: it copies its whole options object, splits the key, walks the resources,
 * picks the plural form and runs the interpolation and nesting scans over the text. The translations are bundled
 * and never change while the server runs, so the answer for a key and the same option values never changes either.
 * Only keys that exist are remembered (a missing key answers the key itself, or its default), so a key built from
 * request input cannot grow the memory; it is also emptied when full.
 */
export function rememberPlainTranslations(instance: I18n, limit = REMEMBERED_TRANSLATIONS): I18n {
  // i18next's own types for these are generic over every key of every namespace; at this level they are plain.
  type FixedT = ((key: unknown, ...rest: unknown[]) => unknown) & { lng?: unknown; ns?: unknown; keyPrefix?: unknown };
  type GetFixedT = (lng?: unknown, ns?: unknown, keyPrefix?: unknown) => FixedT;
  const getFixedT = (instance.getFixedT as unknown as GetFixedT).bind(instance);
  const remembered = new Map<string, string>();
  const remember = (id: string, answer: string) => {
    if (remembered.size >= limit) remembered.clear();
    remembered.set(id, answer);
  };
  const rememberingGetFixedT: GetFixedT = (lng, ns, keyPrefix) => {
    const fixed = getFixedT(lng, ns, keyPrefix);
    const scope = `${String(lng ?? "")}\u0000${String(ns ?? "")}\u0000${String(keyPrefix ?? "")}\u0000`;
    const missing = (answer: unknown, key: string) =>
      typeof answer !== "string" || answer === key || answer.endsWith(`.${key}`);
    /** The translation of a key alone, or undefined when the key is missing. */
    const plainTranslation = (key: string): string | undefined => {
      const id = `${scope}${instance.language}\u0000${key}`;
      const known = remembered.get(id);
      if (known !== undefined) return known;
      const answer = fixed(key);
      if (missing(answer, key)) return undefined;
      remember(id, answer as string);
      return answer as string;
    };
    const translate = (key: unknown, ...rest: unknown[]) => {
      if (typeof key !== "string") return fixed(key, ...rest);
      if (rest.length === 0) return plainTranslation(key) ?? fixed(key);
      const options = rest.length === 1 ? optionsKey(rest[0]) : undefined;
      if (options === undefined) return fixed(key, ...rest);
      const id = `${scope}${instance.language}\u0000${key}${options}`;
      const known = remembered.get(id);
      if (known !== undefined) return known;
      const answer = fixed(key, ...rest);
      // With a default, a missing key answers the default: remembered only when the key itself exists.
      const exists =
        "defaultValue" in (rest[0] as object) ? plainTranslation(key) !== undefined : !missing(answer, key);
      if (exists && typeof answer === "string") remember(id, answer);
      return answer;
    };
    return Object.assign(translate, { lng: fixed.lng, ns: fixed.ns, keyPrefix: fixed.keyPrefix });
  };
  instance.getFixedT = rememberingGetFixedT as unknown as I18n["getFixedT"];
  return instance;
}

/** A translate function for a language outside a request (mail, PDFs, jobs); await it. */
export async function translator(language: Language): Promise<TFunction> {
  return (await i18nFor(language)).getFixedT(language);
}
