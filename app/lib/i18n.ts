import enAccount from "~/locales/en/account.json";
import enAdmin from "~/locales/en/admin.json";
import enAudit from "~/locales/en/audit.json";
import enAuth from "~/locales/en/auth.json";
import enCommon from "~/locales/en/common.json";
import viAccount from "~/locales/vi/account.json";
import viAdmin from "~/locales/vi/admin.json";
import viAudit from "~/locales/vi/audit.json";
import viAuth from "~/locales/vi/auth.json";
import viCommon from "~/locales/vi/common.json";

export const supportedLanguages = ["vi", "en"] as const;
export type Language = (typeof supportedLanguages)[number];
export const fallbackLanguage: Language = "vi";

/**
 * Translations are bundled (no HTTP backend). Each domain keeps its own file, mounted under its
 * name in the one namespace: `t("auth.signIn.title")`.
 */
export const resources = {
  vi: { translation: { ...viCommon, auth: viAuth, audit: viAudit, account: viAccount, admin: viAdmin } },
  en: { translation: { ...enCommon, auth: enAuth, audit: enAudit, account: enAccount, admin: enAdmin } },
};

export const i18nConfig = {
  supportedLngs: [...supportedLanguages],
  fallbackLng: fallbackLanguage,
  defaultNS: "translation",
  resources,
  interpolation: { escapeValue: false },
};

export function isLanguage(value: unknown): value is Language {
  return typeof value === "string" && (supportedLanguages as readonly string[]).includes(value);
}
