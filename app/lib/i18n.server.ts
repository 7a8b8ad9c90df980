import { createInstance, type i18n as I18n, type TFunction } from "i18next";
import { initReactI18next } from "react-i18next";
import { createCookie } from "react-router";
import { RemixI18Next } from "remix-i18next/server";
import { fallbackLanguage, i18nConfig, isLanguage, supportedLanguages, type Language } from "./i18n";
import { requestMemo } from "./request-scope.server";

/** The chosen interface language, remembered for a year. */
export const languageCookie = createCookie("lng", { path: "/", sameSite: "lax", httpOnly: true, maxAge: 31_536_000 });

export const i18nServer = new RemixI18Next({
  detection: {
    supportedLanguages: [...supportedLanguages],
    fallbackLanguage,
    cookie: languageCookie,
    order: ["cookie", "header"],
  },
  i18next: i18nConfig,
});

/**
 * The language of a request: the `lng` cookie, else the best of Accept-Language. The root loader, the document's
 * render and the render cache each ask; parsing the cookie and the header once per HTTP request is enough (the
 * answer depends on those two headers alone, which every Request of one HTTP request carries alike).
 */
export function getLanguage(request: Request): Promise<Language> {
  const headers = request.headers;
  return requestMemo(`language:${headers.get("cookie") ?? ""}\n${headers.get("accept-language") ?? ""}`, async () => {
    const lng = await i18nServer.getLocale(request);
    return isLanguage(lng) ? lng : fallbackLanguage;
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

/** How many plain translations one language's instance remembers before it starts over. */
export const REMEMBERED_TRANSLATIONS = 10_000;

/**
 * Makes the instance remember what `t(key)` gives for a key alone (no options: no interpolation, no plural,
 * no default), per language, namespace and key prefix. A page calls `t` hundreds of times (a label per row,
 * per card, per column), and i18next does the same work for each call: it copies its whole options object,
 * splits the key, walks the resources and runs the interpolation and nesting scans over the text. The
 * translations are bundled and never change while the server runs, so the answer for a key alone never changes
 * either. Only keys that exist are remembered (a missing key answers the key itself), so a key built from
 * request input cannot grow the memory; it is also emptied when full.
 */
export function rememberPlainTranslations(instance: I18n, limit = REMEMBERED_TRANSLATIONS): I18n {
  // i18next's own types for these are generic over every key of every namespace; at this level they are plain.
  type FixedT = ((key: unknown, ...rest: unknown[]) => unknown) & { lng?: unknown; ns?: unknown; keyPrefix?: unknown };
  type GetFixedT = (lng?: unknown, ns?: unknown, keyPrefix?: unknown) => FixedT;
  const getFixedT = (instance.getFixedT as unknown as GetFixedT).bind(instance);
  const remembered = new Map<string, string>();
  const rememberingGetFixedT: GetFixedT = (lng, ns, keyPrefix) => {
    const fixed = getFixedT(lng, ns, keyPrefix);
    const scope = `${String(lng ?? "")}\u0000${String(ns ?? "")}\u0000${String(keyPrefix ?? "")}\u0000`;
    const plain = (key: unknown, ...rest: unknown[]) => {
      if (rest.length > 0 || typeof key !== "string") return fixed(key, ...rest);
      const id = `${scope}${instance.language}\u0000${key}`;
      const known = remembered.get(id);
      if (known !== undefined) return known;
      const answer = fixed(key);
      // A missing key answers the key itself (with its prefix, if any): not remembered.
      if (typeof answer !== "string" || answer === key || answer.endsWith(`.${key}`)) return answer;
      if (remembered.size >= limit) remembered.clear();
      remembered.set(id, answer);
      return answer;
    };
    return Object.assign(plain, { lng: fixed.lng, ns: fixed.ns, keyPrefix: fixed.keyPrefix });
  };
  instance.getFixedT = rememberingGetFixedT as unknown as I18n["getFixedT"];
  return instance;
}

/** A translate function for a language outside a request (mail, PDFs, jobs); await it. */
export async function translator(language: Language): Promise<TFunction> {
  return (await i18nFor(language)).getFixedT(language);
}
