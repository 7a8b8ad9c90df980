import enAccount from "~/locales/en/account.json";
import enAdmin from "~/locales/en/admin.json";
import enAudit from "~/locales/en/audit.json";
import enAuth from "~/locales/en/auth.json";
import enCertification from "~/locales/en/certification.json";
import enCohorts from "~/locales/en/cohorts.json";
import enCommon from "~/locales/en/common.json";
import enCourses from "~/locales/en/courses.json";
import enFiles from "~/locales/en/files.json";
import enOnboarding from "~/locales/en/onboarding.json";
import enOrganisations from "~/locales/en/organisations.json";
import enPayments from "~/locales/en/payments.json";
import enReports from "~/locales/en/reports.json";
import enSubsidies from "~/locales/en/subsidies.json";
import viAccount from "~/locales/vi/account.json";
import viAdmin from "~/locales/vi/admin.json";
import viAudit from "~/locales/vi/audit.json";
import viAuth from "~/locales/vi/auth.json";
import viCertification from "~/locales/vi/certification.json";
import viCohorts from "~/locales/vi/cohorts.json";
import viCommon from "~/locales/vi/common.json";
import viCourses from "~/locales/vi/courses.json";
import viFiles from "~/locales/vi/files.json";
import viOnboarding from "~/locales/vi/onboarding.json";
import viOrganisations from "~/locales/vi/organisations.json";
import viPayments from "~/locales/vi/payments.json";
import viReports from "~/locales/vi/reports.json";
import viSubsidies from "~/locales/vi/subsidies.json";

export const supportedLanguages = ["vi", "en"] as const;
export type Language = (typeof supportedLanguages)[number];
export const fallbackLanguage: Language = "vi";

/**
 * Translations are bundled (no HTTP backend). Each domain keeps its own file, mounted under its
 * name in the one namespace: `t("auth.signIn.title")`.
 */
export const resources = {
  vi: {
    translation: {
      ...viCommon,
      payments: viPayments,
      reports: viReports,
      subsidies: viSubsidies,
      files: viFiles,
      certification: viCertification,
      courses: viCourses,
      cohorts: viCohorts,
      auth: viAuth,
      audit: viAudit,
      account: viAccount,
      admin: viAdmin,
      onboarding: viOnboarding,
      organisations: viOrganisations,
    },
  },
  en: {
    translation: {
      ...enCommon,
      payments: enPayments,
      reports: enReports,
      subsidies: enSubsidies,
      files: enFiles,
      certification: enCertification,
      courses: enCourses,
      cohorts: enCohorts,
      auth: enAuth,
      audit: enAudit,
      account: enAccount,
      admin: enAdmin,
      onboarding: enOnboarding,
      organisations: enOrganisations,
    },
  },
};

export const i18nConfig = {
  supportedLngs: [...supportedLanguages],
  fallbackLng: fallbackLanguage,
  defaultNS: "translation",
  resources,
  interpolation: { escapeValue: false },
  // i18next 25 otherwise prints an advertisement to the server log and the browser console.
  showSupportNotice: false,
};

export function isLanguage(value: unknown): value is Language {
  return typeof value === "string" && (supportedLanguages as readonly string[]).includes(value);
}

/** The Vietnamese or English text of a bilingual content field, for the reader's language. */
export function pickText(language: string, text: { vi: string; en: string }): string {
  return language === "en" ? text.en : text.vi;
}
