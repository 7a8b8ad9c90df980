import ICAL from "ical.js";
import { describe, expect, it } from "vitest";
import { enrol, withdraw } from "~/modules/enrollment/enrollment.server";
import { addCohortTrainer, createPerson, createTestCohort, DAY } from "../../../tests/fixtures/cohorts";
import { cohortCalendar, feedPath, getFeedToken, personalCalendar, regenerateFeedToken } from "./feed.server";
import { buildCalendar, foldLine } from "./ics";

const BASE = "https://hoc.example.vn";

function parse(text: string) {
  const component = new ICAL.Component(ICAL.parse(text));
  return component.getAllSubcomponents("vevent").map((v) => new ICAL.Event(v));
}

describe("iCalendar writing", () => {
  it("escapes text and folds long lines so a calendar parser reads them back exactly", () => {
    const summary = "Khởi nghiệp đổi mới sáng tạo: từ ý tưởng đến doanh nghiệp; buổi 1, phần A \\ B — rất dài "
      .repeat(3)
      .trim();
    const text = buildCalendar({
      name: "Lịch, thử; nghiệm",
      events: [
        {
          uid: "session-1@startup-academy",
          sequence: 2,
          start: new Date("2026-03-02T11:00:00Z"),
          end: new Date("2026-03-02T13:00:00Z"),
          stamp: new Date("2026-02-20T08:00:00Z"),
          summary,
          description: "Dòng một\nDòng hai, có dấu phẩy; và chấm phẩy",
          location: "Phòng 301, Số 1 Trần Phú, Hải Phòng",
        },
      ],
    });
    expect(text.endsWith("\r\n")).toBe(true);
    for (const line of text.split("\r\n")) expect(new TextEncoder().encode(line).length).toBeLessThanOrEqual(75);
    const [event] = parse(text);
    expect(event.uid).toBe("session-1@startup-academy");
    expect(event.summary).toBe(summary);
    expect(event.description).toBe("Dòng một\nDòng hai, có dấu phẩy; và chấm phẩy");
    expect(event.location).toBe("Phòng 301, Số 1 Trần Phú, Hải Phòng");
    expect(event.sequence).toBe(2);
    expect(event.startDate.toJSDate().toISOString()).toBe("2026-03-02T11:00:00.000Z");
    expect(event.endDate.toJSDate().toISOString()).toBe("2026-03-02T13:00:00.000Z");
    expect(event.component.getFirstPropertyValue("dtstamp")?.toString()).toBe("2026-02-20T08:00:00Z");
  });

  it("never splits a multi-byte character when folding", () => {
    const folded = foldLine(`SUMMARY:${"ễ".repeat(60)}`);
    expect(folded.split("\r\n ").join("")).toBe(`SUMMARY:${"ễ".repeat(60)}`);
  });
});

describe("calendar feeds", () => {
  it("a person's feed at a secret address carries the sessions of their places and of the cohorts they teach", async () => {
    const now = new Date();
    const a = await createTestCohort({ now, sessionStarts: [3 * DAY, 10 * DAY] });
    const b = await createTestCohort({ now, sessionStarts: [5 * DAY] });
    const c = await createTestCohort({ now, sessionStarts: [6 * DAY] });
    const learner = await createPerson(["trainer"], { name: "Trần Văn Học" });
    await enrol({ actor: learner.actor, cohortId: a.cohort.id, now });
    const place = await enrol({ actor: learner.actor, cohortId: c.cohort.id, now });
    await withdraw({ actor: learner.actor, enrollmentId: place.enrollmentId, now });
    await addCohortTrainer(b.cohort.id, learner.user.id);

    const token = await getFeedToken(learner.user.id);
    expect(await getFeedToken(learner.user.id)).toBe(token);
    expect(feedPath(token)).toBe(`/calendar/${token}/sessions.ics`);
    const text = await personalCalendar(token, BASE, now);
    expect(text).toBeTruthy();
    const events = parse(text!);
    expect(events.map((e) => e.uid).sort()).toEqual(
      [...a.sessions, ...b.sessions].map((s) => `session-${s.id}@startup-academy`).sort(),
    );
    expect(events[0].description).toContain(`${BASE}/cohorts/`);

    // A new address cuts off the old one.
    const fresh = await regenerateFeedToken(learner.user.id);
    expect(fresh).not.toBe(token);
    expect(await personalCalendar(token, BASE, now)).toBeNull();
    expect(await personalCalendar(fresh, BASE, now)).toContain("BEGIN:VCALENDAR");
    expect(await personalCalendar("not-a-token", BASE, now)).toBeNull();
  });

  it("a published cohort's .ics opens in a parser; a draft has none", async () => {
    const published = await createTestCohort({ sessionStarts: [2 * DAY, 9 * DAY, 16 * DAY] });
    const draft = await createTestCohort({ status: "draft" });
    const events = parse((await cohortCalendar(published.cohort.id, "en", BASE))!);
    expect(events).toHaveLength(3);
    expect(events[0].summary).toContain(published.cohort.code);
    expect(events[0].location).toContain("Phòng 301");
    expect(await cohortCalendar(draft.cohort.id, "vi", BASE)).toBeNull();
  });
});
