import { createInstance, type i18n as I18n, type TFunction } from "i18next";
import { initReactI18next } from "react-i18next";
import { createCookie } from "react-router";
import { RemixI18Next } from "remix-i18next/server";
import { fallbackLanguage, i18nConfig, isLanguage, supportedLanguages, type Language } from "./i18n";

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

export async function getLanguage(request: Request): Promise<Language> {
  const lng = await i18nServer.getLocale(request);
  return isLanguage(lng) ? lng : fallbackLanguage;
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
      .then(() => made);
    instances.set(language, instance);
  }
  return instance;
}

/** A translate function for a language outside a request (mail, PDFs, jobs); await it. */
export async function translator(language: Language): Promise<TFunction> {
  return (await i18nFor(language)).getFixedT(language);
}
