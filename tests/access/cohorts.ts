import { getFeedToken } from "~/modules/calendar/feed.server";
import { enrol } from "~/modules/enrollment/enrollment.server";
import { actorOf, addCohortTrainer, createPerson, createTestCohort, DAY } from "../fixtures/cohorts";
import { createUser } from "../fixtures/factories";
import { everyone, onlyRoles, signedIn, type Actor, type Outcome, type RouteAccess } from "./types";

/** Cohort management pages: staff, administrators and auditors (read-only); organisation admins are tested in the services. */
const readers = onlyRoles(["admin", "staff", "auditor"]);
const managers = onlyRoles(["admin", "staff"]);
/** The teaching area is for trainers; a trainer not assigned to the cohort gets 403 on its pages. */
const teachers = onlyRoles(["admin", "staff"]);

const aCohort = async () => ({ cohortId: (await createTestCohort()).cohort.id });
const aDraftCohort = async () => ({
  cohortId: (await createTestCohort({ status: "draft", sessionStarts: [3 * DAY] })).cohort.id,
});
const aSession = async () => {
  const { cohort, sessions } = await createTestCohort();
  return { cohortId: cohort.id, sessionId: sessions[0].id };
};

/** A session happening now, with one learner holding a place (the one staff and admins mark present). */
const aRunningSession = async () => {
  const now = new Date();
  const { cohort, sessions } = await createTestCohort({
    now,
    sessionStarts: [-10 * 60_000],
    enrollmentOpensAt: new Date(now.getTime() - 2 * DAY),
  });
  const learner = await createUser({ roles: ["learner"] });
  const { enrollmentId } = await enrol({
    actor: actorOf(learner),
    cohortId: cohort.id,
    now: new Date(now.getTime() - DAY),
  });
  const trainer = await createPerson(["trainer"]);
  await addCohortTrainer(cohort.id, trainer.user.id);
  return { sessionId: sessions[0].id, enrollmentId };
};

let markForm: Record<string, string> = {};
const aSessionToMark = async () => {
  const { sessionId, enrollmentId } = await aRunningSession();
  markForm = { intent: "mark", enrollmentId, status: "present" };
  return { sessionId };
};

const aFeedToken = async () => ({ token: await getFeedToken((await createUser()).id) });

const enrolOutcome: Record<Actor, Outcome> = {
  visitor: "login",
  learner: "redirect",
  lecturer: "redirect",
  trainer: "redirect",
  // Staff and auditors do not take places (enrol:cohort:own); administrators hold every permission.
  staff: "forbidden",
  auditor: "forbidden",
  admin: "redirect",
};

export const routes: RouteAccess[] = [
  { file: "cohorts._index.tsx", url: "/cohorts", expect: everyone("ok") },
  { file: "cohorts.$cohortId.tsx", url: "/cohorts/:id", params: aCohort, expect: everyone("ok") },
  {
    file: "cohorts.$cohortId.tsx",
    url: "/cohorts/:id",
    params: aDraftCohort,
    expect: { ...everyone("notFound"), staff: "ok", auditor: "ok", admin: "ok" },
  },
  {
    file: "cohorts.$cohortId.tsx",
    method: "POST",
    url: "/cohorts/:id",
    params: aCohort,
    form: { intent: "enrol" },
    expect: enrolOutcome,
  },
  {
    file: "cohorts.$cohortId.calendar[.ics].ts",
    url: "/cohorts/:id/calendar.ics",
    params: aCohort,
    expect: everyone("ok"),
  },
  { file: "calendar._index.tsx", url: "/calendar", expect: signedIn("ok") },
  {
    file: "calendar._index.tsx",
    method: "POST",
    url: "/calendar",
    expect: { ...everyone("redirect"), visitor: "login" },
  },
  {
    file: "calendar.$token.sessions[.ics].ts",
    url: "/calendar/:token/sessions.ics",
    params: aFeedToken,
    expect: everyone("ok"),
  },
  {
    file: "calendar.$token.sessions[.ics].ts",
    url: "/calendar/x/sessions.ics",
    params: { token: "x".repeat(43) },
    expect: everyone("notFound"),
  },

  {
    file: "manage.cohorts._index.tsx",
    url: "/manage/cohorts?q=HP&status=published&when=upcoming&page=2",
    expect: readers,
  },
  { file: "manage.cohorts.new.tsx", url: "/manage/cohorts/new", expect: managers },
  // An incomplete form: whoever may create gets 400 (nothing saved), everyone else 403.
  {
    file: "manage.cohorts.new.tsx",
    method: "POST",
    url: "/manage/cohorts/new",
    form: { code: "X" },
    expect: onlyRoles(["admin", "staff"], "badRequest"),
  },
  { file: "manage.cohorts.$cohortId._index.tsx", url: "/manage/cohorts/:id", params: aCohort, expect: readers },
  {
    file: "manage.cohorts.$cohortId._index.tsx",
    url: "/manage/cohorts/not-an-id",
    params: { cohortId: "not-an-id" },
    expect: { ...readers, staff: "notFound", auditor: "notFound", admin: "notFound" },
  },
  {
    file: "manage.cohorts.$cohortId._index.tsx",
    method: "POST",
    url: "/manage/cohorts/:id",
    params: aDraftCohort,
    form: { intent: "publish" },
    expect: { ...readers, staff: "redirect", admin: "redirect", auditor: "forbidden" },
  },
  // Cancelling without a reason: whoever manages the cohort gets 400 (nothing changes), everyone else 403.
  {
    file: "manage.cohorts.$cohortId._index.tsx",
    method: "POST",
    url: "/manage/cohorts/:id",
    params: aCohort,
    form: { intent: "cancel", reason: "", confirm: "on" },
    expect: onlyRoles(["admin", "staff"], "badRequest"),
  },
  { file: "manage.cohorts.$cohortId.edit.tsx", url: "/manage/cohorts/:id/edit", params: aCohort, expect: managers },
  {
    file: "manage.cohorts.$cohortId.discount.tsx",
    url: "/manage/cohorts/:id/discount",
    params: aCohort,
    expect: managers,
  },
  {
    file: "manage.cohorts.$cohortId.discount.tsx",
    method: "POST",
    url: "/manage/cohorts/:id/discount",
    params: aCohort,
    form: { intent: "set", kind: "share", sharePercent: "150", reason: "x" },
    expect: onlyRoles(["admin", "staff"], "badRequest"),
  },
  {
    file: "manage.cohorts.$cohortId.sessions.new.tsx",
    url: "/manage/cohorts/:id/sessions/new",
    params: aCohort,
    expect: managers,
  },
  {
    file: "manage.cohorts.$cohortId.sessions.new.tsx",
    method: "POST",
    url: "/manage/cohorts/:id/sessions/new",
    params: aCohort,
    form: { intent: "series", startDate: "2026-02-30" },
    expect: onlyRoles(["admin", "staff"], "badRequest"),
  },
  {
    file: "manage.cohorts.$cohortId.sessions.$sessionId.tsx",
    url: "/manage/cohorts/:id/sessions/:sessionId",
    params: aSession,
    expect: managers,
  },
  {
    file: "manage.cohorts.$cohortId.participants.tsx",
    url: "/manage/cohorts/:id/participants",
    params: aCohort,
    expect: readers,
  },
  {
    file: "manage.cohorts.$cohortId.participants_.export.tsx",
    url: "/manage/cohorts/:id/participants/export?format=csv",
    params: aCohort,
    expect: readers,
  },
  {
    file: "manage.cohorts.$cohortId.participants_.export.tsx",
    url: "/manage/cohorts/:id/participants/export?format=xlsx",
    params: aCohort,
    expect: readers,
  },

  { file: "teach._index.tsx", url: "/teach", expect: onlyRoles(["admin", "staff", "trainer"]) },
  { file: "teach.cohorts.$cohortId.tsx", url: "/teach/cohorts/:id", params: aCohort, expect: teachers },
  { file: "teach.sessions.$sessionId._index.tsx", url: "/teach/sessions/:id", params: aSession, expect: readers },
  {
    file: "teach.sessions.$sessionId._index.tsx",
    method: "POST",
    url: "/teach/sessions/:id",
    params: aSessionToMark,
    get form() {
      return markForm;
    },
    // A trainer of another cohort passes the teaching gate and is refused by the cohort check.
    expect: { ...onlyRoles(["trainer"], "forbidden"), staff: "redirect", admin: "redirect" },
  },
  { file: "teach.sessions.$sessionId.qr.tsx", url: "/teach/sessions/:id/qr", params: aSession, expect: teachers },
  { file: "teach.sessions.$sessionId.code.ts", url: "/teach/sessions/:id/code", params: aSession, expect: teachers },
  { file: "check-in.$sessionId.tsx", url: "/check-in/:id", params: aSession, expect: signedIn("ok") },
  {
    file: "check-in.$sessionId.tsx",
    url: "/check-in/:id?code=ZZZZZZZZ",
    params: aSession,
    // An expired code is refused with a message, signed in or not (nothing to sign in for).
    expect: everyone("badRequest"),
  },
];
