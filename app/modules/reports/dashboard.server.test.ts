import { beforeAll, describe, expect, it } from "vitest";
import { attendance, enrollments, subsidyCohortLinks } from "#db/schema";
import { db } from "~/lib/db.server";
import { createCourse, createTestCohort } from "../../../tests/fixtures/cohorts";
import { createUser } from "../../../tests/fixtures/factories";
import { createSubsidySetup } from "../../../tests/fixtures/subsidies";
import { programmeDashboard } from "./dashboard.server";

let setup: Awaited<ReturnType<typeof createSubsidySetup>>;
const year = new Date().getUTCFullYear();

/** A cohort of the programme with one session held an hour ago and one person present at it. */
async function trainSomeone() {
  const c = await createTestCohort({
    courseId: (await createCourse()).id,
    now: new Date(Date.now() - 3 * 3_600_000),
    sessionStarts: [0],
  });
  await db.insert(subsidyCohortLinks).values({ cohortId: c.cohort.id, subsidyProgrammeId: setup.programme.id });
  const person = await createUser();
  const [place] = await db
    .insert(enrollments)
    .values({ cohortId: c.cohort.id, userId: person.id, status: "confirmed", feeVnd: 0 })
    .returning();
  await db
    .insert(attendance)
    .values({ sessionId: c.sessions[0].id, enrollmentId: place.id, status: "present", method: "roll_call" });
}

beforeAll(async () => {
  setup = await createSubsidySetup();
  await trainSomeone();
});

describe("the reports dashboard when several ask at once", () => {
  it("answers requests for the same period that arrive together from one computation", async () => {
    const ask = () => programmeDashboard({ programmeId: setup.parent.id, periodKind: "year", year });
    const answers = await Promise.all([ask(), ask(), ask(), ask()]);
    for (const answer of answers.slice(1)) expect(answer.figures).toBe(answers[0].figures);
    expect(answers[0].figures!.summary.learners.total).toBe(1);
  });

  it("keeps nothing afterwards: the next request sees a person trained since", async () => {
    const before = await programmeDashboard({ programmeId: setup.parent.id, periodKind: "year", year });
    await trainSomeone();
    const after = await programmeDashboard({ programmeId: setup.parent.id, periodKind: "year", year });
    expect(after.figures).not.toBe(before.figures);
    expect(after.figures!.summary.learners.total).toBe(before.figures!.summary.learners.total + 1);
  });

  it("does not share between periods", async () => {
    const [whole, half] = await Promise.all([
      programmeDashboard({ programmeId: setup.parent.id, periodKind: "year", year }),
      programmeDashboard({ programmeId: setup.parent.id, periodKind: "half_year", year, periodIndex: 1 }),
    ]);
    expect(half.period).not.toEqual(whole.period);
    expect(half.figures).not.toBe(whole.figures);
  });
});
