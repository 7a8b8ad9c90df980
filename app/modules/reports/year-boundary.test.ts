import { beforeAll, describe, expect, it } from "vitest";
import { attendance, enrollments, subsidyCohortLinks } from "#db/schema";
import { db } from "~/lib/db.server";
import { createCourse, createTestCohort } from "../../../tests/fixtures/cohorts";
import { addMember, createOrganisation, createUser } from "../../../tests/fixtures/factories";
import { vn } from "../../../tests/fixtures/reports";
import { createSubsidySetup } from "../../../tests/fixtures/subsidies";
import { computeReportFigures } from "./figures.server";
import { periodOf } from "./period";

/**
 * A cohort across a year boundary and a person who attends two cohorts: "people trained in the period" counts a
 * distinct person who attended a session held in the period, so the person is counted once in each year she
 * attended, and a cohort is run in both years it overlaps — while its sessions and hours fall in one year each.
 * A session not yet held at the generation time counts in neither, even with attendance recorded ahead.
 */
let programmeId: string;

beforeAll(async () => {
  const setup = await createSubsidySetup();
  programmeId = setup.parent.id;
  const course = await createCourse();
  // Cohort X: 10 December 2025 – 10 January 2026, sessions on 10 December (2 h) and 10 January (2 h).
  const x = await createTestCohort({
    courseId: course.id,
    now: vn("2025-12-10"),
    sessionStarts: [0, 31 * 24 * 3_600_000],
    startsOn: "2025-12-10",
    endsOn: "2026-01-10",
  });
  // Cohort Y: 1–30 March 2026, sessions on 1 March and 20 March; the report is made on 15 March, so the second
  // is not yet held.
  const y = await createTestCohort({
    courseId: (await createCourse()).id,
    now: vn("2026-03-01"),
    sessionStarts: [0, 19 * 24 * 3_600_000],
    startsOn: "2026-03-01",
    endsOn: "2026-03-30",
  });
  for (const c of [x, y])
    await db.insert(subsidyCohortLinks).values({ cohortId: c.cohort.id, subsidyProgrammeId: setup.programme.id });
  const future = y.sessions[1];

  // Lan, a founder, attends both of X's sessions and Y's first; Minh, a founder, attends only X's December one.
  const startup = await createOrganisation({ kind: "startup" });
  const lan = await createUser({ name: "Lan hai năm" });
  const minh = await createUser({ name: "Minh tháng Mười hai" });
  for (const person of [lan, minh]) await addMember(person.id, startup.id);
  const place = async (cohortId: string, userId: string) =>
    (await db.insert(enrollments).values({ cohortId, userId, status: "confirmed", feeVnd: 0 }).returning())[0];
  const mark = (sessionId: string, enrollmentId: string) =>
    db.insert(attendance).values({ sessionId, enrollmentId, status: "present", method: "roll_call" });
  const lanX = await place(x.cohort.id, lan.id);
  const lanY = await place(y.cohort.id, lan.id);
  const minhX = await place(x.cohort.id, minh.id);
  await mark(x.sessions[0].id, lanX.id);
  await mark(x.sessions[1].id, lanX.id);
  await mark(y.sessions[0].id, lanY.id);
  await mark(x.sessions[0].id, minhX.id);
  // Recorded ahead by mistake for the session of 20 March: not held on 15 March, so not counted.
  await mark(future.id, lanY.id);
}, 120_000);

async function yearFigures(year: number) {
  const period = periodOf("year", year, 1);
  return computeReportFigures({
    programmeId,
    start: period.start,
    end: period.end,
    asOf: vn("2026-03-15").toISOString(),
  });
}

describe("a cohort across the year boundary", () => {
  it("counts 2025: X run, its December session held (2 h), Lan and Minh trained once each", async () => {
    const { summary } = await yearFigures(2025);
    expect(summary.cohortsRun).toBe(1);
    expect(summary.sessionsHeld).toBe(1);
    expect(summary.trainingHours).toBeCloseTo(2, 6);
    expect(summary.learners).toEqual({ total: 2, founders: 2, lecturers: 0, other: 0 });
    // Two marks on that session (Lan's and Minh's), both present.
    expect(summary.attendance).toMatchObject({ records: 2, attended: 2 });
  });

  it("counts 2026: X and Y run, X's January and Y's March sessions held, Lan once though she attended both", async () => {
    const { summary } = await yearFigures(2026);
    expect(summary.cohortsRun).toBe(2);
    // Y's session of 20 March is not held by the report's time, 15 March 2026 (a provisional report).
    expect(summary.sessionsHeld).toBe(2);
    expect(summary.trainingHours).toBeCloseTo(4, 6);
    expect(summary.learners).toEqual({ total: 1, founders: 1, lecturers: 0, other: 0 });
    // Minh had a place in X, which held a session in 2026 he did not attend.
    expect(summary.enrolledNeverAttended).toBe(1);
    expect(summary.attendance).toMatchObject({ records: 2, attended: 2 });
  });
});
