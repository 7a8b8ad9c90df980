import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { attendance, cohorts, enrollments } from "#db/schema";
import { db } from "~/lib/db.server";
import { enrol } from "~/modules/enrollment/enrollment.server";
import { loader as rootLoader } from "~/root";
import { action as checkInAction, loader as checkInLoader } from "~/routes/check-in.$sessionId";
import { action as manageAction } from "~/routes/manage.cohorts.$cohortId._index";
import {
  action as participantsAction,
  loader as participantsLoader,
} from "~/routes/manage.cohorts.$cohortId.participants";
import { loader as manageListLoader } from "~/routes/manage.cohorts._index";
import { loader as newCohortLoader } from "~/routes/manage.cohorts.new";
import { action as rollCallAction } from "~/routes/teach.sessions.$sessionId._index";
import { loader as codeLoader } from "~/routes/teach.sessions.$sessionId.code";
import { addCohortTrainer, createPerson, createTestCohort, DAY } from "../fixtures/cohorts";
import { addMember, createOrganisation, createUser, signedInRequest } from "../fixtures/factories";
import { routeArgs } from "../fixtures/route-args";

/** What an action or loader answered: its status (a thrown Response counts too) and its body. */
async function call(fn: () => Promise<unknown>): Promise<{ status: number; body: unknown; location?: string | null }> {
  let value: unknown;
  try {
    value = await fn();
  } catch (thrown) {
    if (thrown instanceof Error) throw thrown;
    value = thrown;
  }
  if (value instanceof Response) {
    const json = value.headers.get("Content-Type")?.includes("application/json");
    return { status: value.status, body: json ? await value.json() : null, location: value.headers.get("Location") };
  }
  const shaped = value as { type?: string; init?: { status?: number }; data?: unknown };
  if (shaped?.type === "DataWithResponseInit") return { status: shaped.init?.status ?? 200, body: shaped.data };
  return { status: 200, body: value };
}

describe("cohort routes check permissions at the action", () => {
  it("an organisation admin publishes their own organisation's cohort, not another's", async () => {
    const mine = await createTestCohort({ status: "draft" });
    const theirs = await createTestCohort({ status: "draft" });
    const admin = await createUser({ roles: ["learner"] });
    await addMember(admin.id, mine.organisationId, "admin");
    const post = async (cohortId: string) =>
      call(async () =>
        manageAction(
          routeArgs(await signedInRequest(admin.id, `/manage/cohorts/${cohortId}`, { form: { intent: "publish" } }), {
            cohortId,
          }),
        ),
      );
    expect(await post(mine.cohort.id)).toMatchObject({ status: 302 });
    expect(await post(theirs.cohort.id)).toMatchObject({ status: 403 });
    const statuses = await db
      .select({ id: cohorts.id, status: cohorts.status })
      .from(cohorts)
      .where(eq(cohorts.organisationId, theirs.organisationId));
    expect(statuses[0].status).toBe("draft");
  });

  it("running cohorts is for training providers: a startup's admin neither sees nor opens cohort management", async () => {
    const { cohort } = await createTestCohort({ status: "draft" });
    const startup = await createOrganisation({ kind: "startup" });
    // A founder who administers a startup, and (to be sure the rule is the kind, not the person) an admin of a
    // startup that somehow owns a cohort.
    const founder = await createUser({ roles: ["learner"] });
    await addMember(founder.id, startup.id, "admin");
    const startupCohort = await createTestCohort({ status: "draft", organisationId: startup.id });
    const incubatorAdmin = await createUser({ roles: ["learner"] });
    await addMember(incubatorAdmin.id, (await createOrganisation({ kind: "incubator" })).id, "admin");
    const universityAdmin = await createUser({ roles: ["learner"] });
    await addMember(universityAdmin.id, (await createOrganisation({ kind: "university" })).id, "admin");

    const page = (userId: string, loader: typeof manageListLoader | typeof newCohortLoader, url: string) =>
      call(async () => loader(routeArgs(await signedInRequest(userId, url))));
    expect(await page(founder.id, manageListLoader, "/manage/cohorts")).toMatchObject({ status: 403 });
    expect(await page(founder.id, newCohortLoader, "/manage/cohorts/new")).toMatchObject({ status: 403 });
    const publish = await call(async () =>
      manageAction(
        routeArgs(
          await signedInRequest(founder.id, `/manage/cohorts/${startupCohort.cohort.id}`, {
            form: { intent: "publish" },
          }),
          { cohortId: startupCohort.cohort.id },
        ),
      ),
    );
    expect(publish.status).toBe(403);
    expect(
      (await db.select({ status: cohorts.status }).from(cohorts).where(eq(cohorts.id, startupCohort.cohort.id)))[0]
        .status,
    ).toBe("draft");

    for (const provider of [incubatorAdmin, universityAdmin]) {
      expect(await page(provider.id, manageListLoader, "/manage/cohorts")).toMatchObject({
        status: 200,
        body: { canCreate: true },
      });
      expect((await page(provider.id, newCohortLoader, "/manage/cohorts/new")).status).toBe(200);
    }
    expect(cohort.id).toBeDefined();

    // The menu: "Quản lý lớp" is not offered to the founder, and is to the incubator's admin.
    const menu = async (userId: string) => {
      const answer = await call(async () => rootLoader(routeArgs(await signedInRequest(userId, "/"))));
      return (answer.body as { user: { runsCohorts: boolean; isOrganisationAdmin: boolean } }).user;
    };
    expect(await menu(founder.id)).toMatchObject({ runsCohorts: false, isOrganisationAdmin: true });
    expect(await menu(incubatorAdmin.id)).toMatchObject({ runsCohorts: true });
  });

  it("the cohort's own trainer takes the roll call and gets the QR code; a learner gets neither", async () => {
    const now = new Date();
    const { cohort, sessions } = await createTestCohort({
      now,
      sessionStarts: [-5 * 60_000],
      enrollmentOpensAt: new Date(now.getTime() - 2 * DAY),
    });
    const trainer = await createPerson(["trainer"]);
    await addCohortTrainer(cohort.id, trainer.user.id);
    const learner = await createPerson();
    const { enrollmentId } = await enrol({
      actor: learner.actor,
      cohortId: cohort.id,
      now: new Date(now.getTime() - DAY),
    });
    const sessionId = sessions[0].id;
    const mark = async (userId: string) =>
      call(async () =>
        rollCallAction(
          routeArgs(
            await signedInRequest(userId, `/teach/sessions/${sessionId}`, {
              form: { intent: "mark", enrollmentId, status: "late" },
            }),
            { sessionId },
          ),
        ),
      );
    expect(await mark(learner.user.id)).toMatchObject({ status: 403 });
    expect(await db.select().from(attendance).where(eq(attendance.sessionId, sessionId))).toHaveLength(0);
    expect(await mark(trainer.user.id)).toMatchObject({ status: 302 });
    expect((await db.select().from(attendance).where(eq(attendance.sessionId, sessionId)))[0].status).toBe("late");

    const code = async (userId: string) =>
      call(async () =>
        codeLoader(routeArgs(await signedInRequest(userId, `/teach/sessions/${sessionId}/code`), { sessionId })),
      );
    expect(await code(learner.user.id)).toMatchObject({ status: 403 });
    const answer = await code(trainer.user.id);
    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({
      code: expect.stringMatching(/^[A-Z2-9]{8}$/),
      url: expect.stringContaining(`/check-in/${sessionId}?code=`),
    });
  });

  it("check-in: a visitor with a valid code is sent to sign in with a ticket and comes back to check in; an expired code is refused", async () => {
    const now = new Date();
    const { cohort, sessions } = await createTestCohort({
      now,
      sessionStarts: [10 * 60_000],
      enrollmentOpensAt: new Date(now.getTime() - 2 * DAY),
    });
    const trainer = await createPerson(["trainer"]);
    await addCohortTrainer(cohort.id, trainer.user.id);
    const learner = await createPerson();
    await enrol({ actor: learner.actor, cohortId: cohort.id, now: new Date(now.getTime() - DAY) });
    const sessionId = sessions[0].id;
    const shown = await call(async () =>
      codeLoader(routeArgs(await signedInRequest(trainer.user.id, `/teach/sessions/${sessionId}/code`), { sessionId })),
    );
    const { code } = shown.body as { code: string };

    const visit = await call(async () =>
      checkInLoader(routeArgs(await signedInRequest(null, `/check-in/${sessionId}?code=${code}`), { sessionId })),
    );
    expect(visit.status).toBe(302);
    const login = new URL(visit.location!, "http://localhost");
    expect(login.pathname).toBe("/login");
    const back = login.searchParams.get("redirectTo")!;
    expect(back).toMatch(new RegExp(`^/check-in/${sessionId}\\?ticket=`));
    const ticket = new URL(back, "http://localhost").searchParams.get("ticket")!;

    // Signed in and back: the page offers the check-in; posting it records the learner present.
    const page = await call(async () =>
      checkInLoader(routeArgs(await signedInRequest(learner.user.id, back), { sessionId })),
    );
    expect(page).toMatchObject({
      status: 200,
      body: { ticket, problem: null, preview: { enrolled: true, inWindow: true } },
    });
    const done = await call(async () =>
      checkInAction(routeArgs(await signedInRequest(learner.user.id, back, { form: { ticket } }), { sessionId })),
    );
    expect(done).toMatchObject({ status: 302, location: `/check-in/${sessionId}?done=present` });

    // A made-up code is refused with its message, and nothing is written.
    const other = await createPerson();
    const refused = await call(async () =>
      checkInAction(
        routeArgs(await signedInRequest(other.user.id, `/check-in/${sessionId}`, { form: { code: "ABCDEFGH" } }), {
          sessionId,
        }),
      ),
    );
    expect(refused.status).toBe(400);
    expect(JSON.stringify(refused.body)).toContain("cohorts.checkIn.codeExpired");
    expect(await db.select().from(attendance).where(eq(attendance.sessionId, sessionId))).toHaveLength(1);
  });
});

describe("the participant list of a cohort", () => {
  it("answers 50 people with the total, withdraws the one person ticked, and refuses an empty selection next to the list", async () => {
    const { cohort } = await createTestCohort({ capacity: 80 });
    const staff = await createUser({ roles: ["staff"] });
    for (let i = 0; i < 52; i++) {
      const learner = await createPerson();
      await enrol({ actor: learner.actor, cohortId: cohort.id });
    }
    const path = `/manage/cohorts/${cohort.id}/participants`;
    const view = await call(async () =>
      participantsLoader(
        routeArgs(await signedInRequest(staff.id, `${path}?sort=name&page=1`), { cohortId: cohort.id }),
      ),
    );
    const body = view.body as { total: number; people: { id: string }[] };
    expect(body.total).toBe(52);
    expect(body.people).toHaveLength(50);
    const chosen = body.people[0].id;
    const post = async (form: Record<string, string>) =>
      call(async () =>
        participantsAction(
          routeArgs(await signedInRequest(staff.id, `${path}?q=&page=1`, { form }), { cohortId: cohort.id }),
        ),
      );
    const none = await post({ intent: "bulkWithdraw", reason: "Không đủ điều kiện" });
    expect(none.status).toBe(400);
    expect(JSON.stringify(none.body)).toContain("cohorts.participants.noneSelected");
    const one = await post({ intent: "bulkWithdraw", enrollmentId: chosen, reason: "Không đủ điều kiện" });
    expect(one).toMatchObject({ status: 302 });
    expect(one.location).toContain("saved=bulkWithdrawn");
    expect(one.location).toContain("count=1");
    const [row] = await db.select({ status: enrollments.status }).from(enrollments).where(eq(enrollments.id, chosen));
    expect(row.status).toBe("withdrawn");
  });
});
