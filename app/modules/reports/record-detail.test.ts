import { createInstance } from "i18next";
import { describe, expect, it } from "vitest";
import { resources } from "~/lib/i18n";
import { recordDetailText } from "./record-detail";

async function fixedT(language: "vi" | "en") {
  const i18n = createInstance();
  await i18n.init({ lng: language, resources, interpolation: { escapeValue: false } });
  return { t: (k: string) => i18n.t(k), exists: (k: string) => i18n.exists(k) };
}

describe("records page detail", () => {
  it("shows codes in Vietnamese and keeps numbers as they are", async () => {
    const { t, exists } = await fixedT("vi");
    expect(recordDetailText("learners", "founders · completed", t, exists)).toBe("Nhà sáng lập · Hoàn thành");
    expect(recordDetailText("attendance", "present", t, exists)).toBe(t("cohorts.attendanceStatuses.present"));
    expect(recordDetailText("completion", "not_completed · 3/4", t, exists)).toBe(
      `${t("cohorts.enrollmentStatuses.not_completed")} · 3/4`,
    );
    expect(recordDetailText("ledger", "commitment · central_programme · startup", t, exists)).not.toMatch(
      /commitment|central_programme|startup/,
    );
  });
});
