import { eq } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import { attendance, enrollments, keptDashboardFigures, subsidyCohortLinks } from "#db/schema";
import { db } from "~/lib/db.server";
import { createCourse, createTestCohort } from "../../../tests/fixtures/cohorts";
import { createUser } from "../../../tests/fixtures/factories";
import { createSubsidySetup } from "../../../tests/fixtures/subsidies";
import {
  KEPT_FIGURES_VERSION,
  programmeDashboard,
  recomputeDashboard,
  settleDashboardComputations,
  type KeepPolicy,
  withLeadingOrganisations,
} from "./dashboard.server";

let setup: Awaited<ReturnType<typeof createSubsidySetup>>;
const year = new Date().getUTCFullYear();

/** A cohort of the programme with one session held an hour ago and one person present at it. */
async function trainSomeone(programme = setup.programme) {
  const c = await createTestCohort({
    courseId: (await createCourse()).id,
    now: new Date(Date.now() - 3 * 3_600_000),
    sessionStarts: [0],
  });
  await db.insert(subsidyCohortLinks).values({ cohortId: c.cohort.id, subsidyProgrammeId: programme.id });
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

describe("figures kept when they were slow to compute (ADR 0025)", () => {
  // Every computation counts as slow (0 ms); kept figures are shown for an hour and not refreshed on view.
  const keepAll: KeepPolicy = { slowerThanMs: 0, refreshAfterMs: 3_600_000, maxAgeMs: 3_600_000 };
  let own: Awaited<ReturnType<typeof createSubsidySetup>>;
  const ask = (policy: KeepPolicy) =>
    programmeDashboard({ programmeId: own.parent.id, periodKind: "year", year }, policy);
  const keptRows = () =>
    db.select().from(keptDashboardFigures).where(eq(keptDashboardFigures.programmeId, own.parent.id));

  beforeAll(async () => {
    own = await createSubsidySetup();
    await trainSomeone(own.programme);
  });

  it("shows the kept figures, saying when they were taken, until someone asks for new ones", async () => {
    const first = await ask(keepAll);
    expect(first.freshness).toMatchObject({ kept: false, refreshing: false, asOf: first.figures!.asOf });
    expect(first.figures!.summary.learners.total).toBe(1);
    expect(await keptRows()).toHaveLength(1);

    await trainSomeone(own.programme);
    const kept = await ask(keepAll);
    // The second person is not in the kept figures, and the page says they were taken at the first computation.
    expect(kept.freshness).toMatchObject({ kept: true, refreshing: false, asOf: first.figures!.asOf });
    expect(kept.figures!.summary.learners.total).toBe(1);
    expect(kept.figures).toEqual(first.figures);

    await recomputeDashboard({ programmeId: own.parent.id, periodKind: "year", year }, keepAll);
    const recomputed = await ask(keepAll);
    expect(recomputed.freshness!.kept).toBe(true);
    expect(recomputed.figures!.summary.learners.total).toBe(2);
    expect(Date.parse(recomputed.freshness!.asOf)).toBeGreaterThan(Date.parse(first.figures!.asOf));
  });

  it("starts newer figures when the kept ones are old enough, once, and shows them when they are ready", async () => {
    await recomputeDashboard({ programmeId: own.parent.id, periodKind: "year", year }, keepAll);
    const before = (await ask(keepAll)).figures!.summary.learners.total;
    await trainSomeone(own.programme);
    const refreshNow: KeepPolicy = { ...keepAll, refreshAfterMs: 0 };
    const [a, b] = await Promise.all([ask(refreshNow), ask(refreshNow)]);
    for (const view of [a, b]) {
      expect(view.freshness).toMatchObject({ kept: true, refreshing: true });
      expect(view.figures!.summary.learners.total).toBe(before);
    }
    await settleDashboardComputations();
    const [row] = await keptRows();
    expect(row.refreshingSince).toBeNull();
    const after = await ask(keepAll);
    expect(after.figures!.summary.learners.total).toBe(before + 1);
  });

  it("leaves the refresh to the process that claimed it", async () => {
    await recomputeDashboard({ programmeId: own.parent.id, periodKind: "year", year }, keepAll);
    const claimedAt = new Date();
    await db
      .update(keptDashboardFigures)
      .set({ refreshingSince: claimedAt })
      .where(eq(keptDashboardFigures.programmeId, own.parent.id));
    const [before] = await keptRows();
    const view = await ask({ ...keepAll, refreshAfterMs: 0 });
    expect(view.freshness).toMatchObject({ kept: true, refreshing: true });
    await settleDashboardComputations();
    const [after] = await keptRows();
    // Nothing was computed here: the kept figures and the other process's claim are as they were.
    expect(after.asOf).toEqual(before.asOf);
    expect(after.refreshingSince).toEqual(claimedAt);
    await db
      .update(keptDashboardFigures)
      .set({ refreshingSince: null })
      .where(eq(keptDashboardFigures.programmeId, own.parent.id));
  });

  it("does not show figures kept by another version of the app", async () => {
    await recomputeDashboard({ programmeId: own.parent.id, periodKind: "year", year }, keepAll);
    expect((await ask(keepAll)).freshness!.kept).toBe(true);
    await db
      .update(keptDashboardFigures)
      .set({ version: KEPT_FIGURES_VERSION - 1 })
      .where(eq(keptDashboardFigures.programmeId, own.parent.id));
    const view = await ask(keepAll);
    expect(view.freshness!.kept).toBe(false);
    const [row] = await keptRows();
    expect(row.version).toBe(KEPT_FIGURES_VERSION);
  });

  it("waits for new figures when the kept ones are too old, and forgets figures that became quick", async () => {
    await recomputeDashboard({ programmeId: own.parent.id, periodKind: "year", year }, keepAll);
    await trainSomeone(own.programme);
    const tooOld = await ask({ ...keepAll, maxAgeMs: 1 });
    expect(tooOld.freshness!.kept).toBe(false);
    const total = tooOld.figures!.summary.learners.total;
    expect((await ask(keepAll)).figures!.summary.learners.total).toBe(total);

    // Under the default policy (kept only when slower than seconds), this small computation is fresh every time
    // and removes the kept row, so a later view under any policy computes again.
    await trainSomeone(own.programme);
    const quick = await ask({ slowerThanMs: 3_600_000, refreshAfterMs: 60_000, maxAgeMs: 3_600_000 });
    expect(quick.freshness!.kept).toBe(false);
    expect(quick.figures!.summary.learners.total).toBe(total + 1);
    expect(await keptRows()).toHaveLength(0);
  });
});

describe("the organisations the dashboard lists", () => {
  it("lists those committed the most (then paid, then by name) and says how many there are", () => {
    const row = (key: string, label: string, committedVnd: number, paidVnd: number) => ({
      key,
      label,
      committedVnd,
      paidVnd,
    });
    const figures = {
      subsidyByOrganisation: [
        row("a", "Bình Minh", 5_000_000, 1_000_000),
        row("b", "Cát Bà", 9_000_000, 0),
        row("c", "Đồ Sơn", 5_000_000, 3_000_000),
        row("", "", 2_000_000, 2_000_000),
        row("d", "An Phát", 5_000_000, 1_000_000),
      ],
    } as unknown as Parameters<typeof withLeadingOrganisations>[0];
    const shown = withLeadingOrganisations(figures, 3);
    // 9 M first; of the three at 5 M, the one paid 3 M; of the two paid 1 M, "An Phát" before "Bình Minh".
    expect(shown.subsidyByOrganisation.map((r) => r.key)).toEqual(["b", "c", "d"]);
    expect(shown.subsidyOrganisationsTotal).toBe(5);
    expect(figures.subsidyByOrganisation).toHaveLength(5);
    expect(withLeadingOrganisations(figures).subsidyByOrganisation).toHaveLength(5);
  });
});
