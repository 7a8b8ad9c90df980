/** Picks the Vietnamese or English text of a bilingual content field for the interface language. */
export function pick(language: string, vi: string, en: string): string {
  return language === "en" ? en : vi;
}

export { pickText } from "~/lib/i18n";

/** A topic tag as a label: its translation when there is one, else the tag in words. */
export function topicLabel(t: (key: string, options?: Record<string, unknown>) => string, topic: string): string {
  return t(`courses.topics.${topic}`, { defaultValue: topic.replace(/-/g, " ") });
}
