import { eq, inArray } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import { attendance, completionRecords, enrollmentEvents, enrollments } from "#db/schema";
import { db } from "~/lib/db.server";
import { AppError } from "~/lib/errors";
import { translator } from "~/lib/i18n.server";
import { actorOf, createCourse, createTestCohort, DAY } from "../../../tests/fixtures/cohorts";
import { addMember, createOrganisation, createUser, uniqueEmail } from "../../../tests/fixtures/factories";
import { withdrawMany } from "./enrollment.server";
import { participantsCsvStream } from "./participants-export.server";
import { findParticipant, listParticipantsPage, participantsForExport } from "./participants.server";

async function refusal(promise: Promise<unknown>): Promise<AppError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof AppError) return error;
    throw error;
  }
  throw new Error("expected a refusal");
}

/**
 * Five sessions (two held, three ahead), minimum attendance 80 % → 4 sessions needed. Worked out by hand:
 * - Ánh: present at both held → attended 2, open 3, slack 2 + 3 − 4 = 1 → on_track;
 * - Bình: absent at both → attended 0, open 3, slack −1 → cannot_complete;
 * - Cường: present once, absent once → attended 1, open 3, slack 0 → at_risk;
 * - Dũng: withdrew before the start → no standing;
 * - 55 others, nothing recorded → attended 0, open 5, slack 1 → on_track.
 * 59 people in the list (no applicants), 50 on page 1 and 9 on page 2.
 */
let cohortId: string;
let staff: ReturnType<typeof actorOf>;
const ids: Record<string, string> = {};
const fillers: string[] = [];

beforeAll(async () => {
  const now = new Date();
  const course = await createCourse({ minAttendanceShare: 0.8 });
  const made = await createTestCohort({
    courseId: course.id,
    now,
    capacity: 100,
    sessionStarts: [-14 * DAY, -7 * DAY, 7 * DAY, 14 * DAY, 21 * DAY],
  });
  cohortId = made.cohort.id;
  const [held1, held2] = made.sessions;
  staff = actorOf(await createUser({ roles: ["staff"] }), ["staff"]);
  const org = await createOrganisation({ name: "Vườn ươm Đông Á", shortName: "VƯĐA" });
  const person = async (key: string, name: string, status: "confirmed" | "withdrawn" = "confirmed") => {
    const user = await createUser({ name, email: uniqueEmail(key) });
    const [row] = await db.insert(enrollments).values({ cohortId, userId: user.id, status, feeVnd: 0 }).returning();
    ids[key] = row.id;
    return user;
  };
  const anh = await person("anh", "Nguyễn Thị Ánh");
  await addMember(anh.id, org.id);
  await person("binh", "Trần Đức Bình");
  await person("cuong", "Lê Văn Cường");
  await person("dung", "Phạm Dũng", "withdrawn");
  for (let i = 1; i <= 55; i++) {
    await person(`f${i}`, `Zz Học viên ${String(i).padStart(2, "0")}`);
    fillers.push(ids[`f${i}`]);
  }
  const mark = (session: { id: string }, key: string, status: "present" | "absent") => ({
    sessionId: session.id,
    enrollmentId: ids[key],
    status,
    method: "roll_call" as const,
  });
  await db
    .insert(attendance)
    .values([
      mark(held1, "anh", "present"),
      mark(held2, "anh", "present"),
      mark(held1, "binh", "absent"),
      mark(held2, "binh", "absent"),
      mark(held1, "cuong", "present"),
      mark(held2, "cuong", "absent"),
    ]);
});

describe("the participant list of a big cohort", () => {
  it("pages by 50 with the total, and the standing shown agrees with the standing filtered on", async () => {
    const first = await listParticipantsPage({ cohortId, filter: {}, page: 1 });
    expect(first.total).toBe(59);
    expect(first.people).toHaveLength(50);
    expect(first.pageCount).toBe(2);
    expect(first.people.slice(0, 3).map((p) => p.name)).toEqual(["Lê Văn Cường", "Nguyễn Thị Ánh", "Phạm Dũng"]);
    const second = await listParticipantsPage({ cohortId, filter: {}, page: 2 });
    expect(second.people).toHaveLength(9);
    expect(second.total).toBe(59);
    const past = await listParticipantsPage({ cohortId, filter: {}, page: 9 });
    expect(past).toMatchObject({ total: 59, people: [] });
    for (const p of [...first.people, ...second.people]) expect(p.progress?.standing ?? null).toBe(p.standing);
    const anh = first.people.find((p) => p.id === ids.anh)!;
    expect(anh.progress).toMatchObject({
      attended: 2,
      heldSessions: 2,
      needed: 4,
      open: 3,
      slack: 1,
      standing: "on_track",
      share: 1,
    });
    expect(anh.organisation).toBe("VƯĐA");
  });

  it("filters by attendance standing and status", async () => {
    const names = async (filter: Parameters<typeof listParticipantsPage>[0]["filter"]) =>
      (await listParticipantsPage({ cohortId, filter, page: 1 })).people.map((p) => p.name);
    expect(await names({ standing: "at_risk" })).toEqual(["Lê Văn Cường"]);
    expect(await names({ standing: "cannot_complete" })).toEqual(["Trần Đức Bình"]);
    expect((await listParticipantsPage({ cohortId, filter: { standing: "on_track" }, page: 1 })).total).toBe(56);
    expect(await names({ status: "withdrawn" })).toEqual(["Phạm Dũng"]);
  });

  it("shows on the default page (counts of the 50 read after paging) the standing the filter finds in SQL", async () => {
    const shown = new Map<string, string | null>();
    for (const page of [1, 2])
      for (const p of (await listParticipantsPage({ cohortId, filter: {}, page })).people)
        shown.set(p.id, p.progress?.standing ?? null);
    expect(shown.size).toBe(59);
    let filtered = 0;
    for (const standing of ["no_sessions", "reached", "on_track", "at_risk", "cannot_complete"] as const) {
      for (const page of [1, 2]) {
        const list = await listParticipantsPage({ cohortId, filter: { standing }, page });
        for (const p of list.people) {
          expect(p.progress?.standing).toBe(standing);
          expect(shown.get(p.id)).toBe(standing);
          filtered++;
        }
      }
    }
    // Everyone but Dũng (withdrawn before the start: no standing) is found under exactly one standing.
    expect(filtered).toBe(58);
    expect(shown.get(ids.dung)).toBeNull();
    // Sorting by attendance also reads the counts in SQL: the same figures as the default page.
    const byAttendance = await listParticipantsPage({ cohortId, filter: { sort: "attendance" }, page: 1 });
    for (const p of byAttendance.people) expect(p.progress?.standing ?? null).toBe(shown.get(p.id));
    expect(byAttendance.people.find((p) => p.id === ids.cuong)).toMatchObject({ attended: 1, recorded: 2 });
  });

  it("shows each person's current completion decision, only for the people of the page", async () => {
    const users = await db
      .select({ id: enrollments.id, userId: enrollments.userId })
      .from(enrollments)
      .where(inArray(enrollments.id, [ids.anh, ids.binh, ids.f55]));
    const userOf = new Map(users.map((u) => [u.id, u.userId]));
    const decision = (key: string, current: boolean, completed: boolean, attended: number) => ({
      enrollmentId: ids[key],
      cohortId,
      userId: userOf.get(ids[key])!,
      completed,
      current,
      sessionsTotal: 5,
      sessionsAttended: attended,
      attendanceShare: attended / 5,
      minAttendanceShare: 0.8,
      quizzesRequired: ["final"],
      quizzesPassed: completed ? ["final"] : [],
      reasons: completed ? [] : ["attendance_below_minimum"],
    });
    // Ánh: an earlier decision replaced by the current one; Bình: only a replaced one; f55 is on page 2.
    await db
      .insert(completionRecords)
      .values([
        decision("anh", false, false, 3),
        decision("anh", true, true, 4),
        decision("binh", false, false, 1),
        decision("f55", true, false, 2),
      ]);
    try {
      const first = await listParticipantsPage({ cohortId, filter: {}, page: 1 });
      const shown = first.people.filter((p) => p.completion).map((p) => p.id);
      expect(shown).toEqual([ids.anh]);
      expect(first.people.find((p) => p.id === ids.anh)!.completion).toMatchObject({
        completed: true,
        sessionsAttended: 4,
        sessionsTotal: 5,
        attendanceShare: 0.8,
        minAttendanceShare: 0.8,
        quizzesPassed: ["final"],
      });
      const second = await listParticipantsPage({ cohortId, filter: {}, page: 2 });
      expect(second.people.filter((p) => p.completion).map((p) => [p.id, p.completion?.sessionsAttended])).toEqual([
        [ids.f55, 2],
      ]);
      // A search (built per request, the decisions read apart from the rows) shows the same decision as the default
      // view (one prepared statement).
      const searched = await listParticipantsPage({ cohortId, filter: { q: "Ánh" }, page: 1 });
      expect(searched.people.map((p) => p.id)).toEqual([ids.anh]);
      expect(searched.people[0]!.completion).toMatchObject(first.people.find((p) => p.id === ids.anh)!.completion!);
      const byAttendance = await listParticipantsPage({ cohortId, filter: { sort: "attendance" }, page: 1 });
      expect(byAttendance.people.filter((p) => p.completion).map((p) => p.id)).toEqual([ids.anh]);
    } finally {
      await db.delete(completionRecords).where(eq(completionRecords.cohortId, cohortId));
    }
  });

  it("searches name, e-mail and organisation with accents and case ignored", async () => {
    const names = async (q: string) =>
      (await listParticipantsPage({ cohortId, filter: { q }, page: 1 })).people.map((p) => p.name);
    expect(await names("nguyen thi anh")).toEqual(["Nguyễn Thị Ánh"]);
    expect(await names("ĐỨC")).toEqual(["Trần Đức Bình"]);
    expect(await names("dong a")).toEqual(["Nguyễn Thị Ánh"]);
    expect(await names("vuda")).toEqual(["Nguyễn Thị Ánh"]);
    expect(await names("cuong-")).toEqual(["Lê Văn Cường"]); // the e-mail: cuong-xxxx@test.example
    expect(await names("50%")).toEqual([]);
    // Every word must match one of the fields: "07" may also be in an e-mail's random part.
    expect(await names("hoc vien 07")).toContain("Zz Học viên 07");
    expect((await listParticipantsPage({ cohortId, filter: { q: "HỌC VIÊN" }, page: 1 })).total).toBe(55);
  });

  it("sorts by sessions attended, most first", async () => {
    const { people } = await listParticipantsPage({ cohortId, filter: { sort: "attendance" }, page: 1 });
    expect(people.slice(0, 2).map((p) => p.name)).toEqual(["Nguyễn Thị Ánh", "Lê Văn Cường"]);
  });

  it("exports the whole filtered list in batches, each person once, in name order", async () => {
    const rows = [];
    for await (const batch of participantsForExport({ cohortId, filter: {}, batch: 20 })) rows.push(...batch);
    expect(rows).toHaveLength(59);
    expect(new Set(rows.map((r) => r.email)).size).toBe(59);
    expect(rows[0]).toMatchObject({ name: "Lê Văn Cường", attended: 1, totalSessions: 5, standing: "at_risk" });
    const t = await translator("vi");
    const bytes = new Uint8Array(
      await new Response(participantsCsvStream({ cohortId, filter: { standing: "cannot_complete" }, t })).arrayBuffer(),
    );
    expect([...bytes.slice(0, 3)]).toEqual([0xef, 0xbb, 0xbf]); // the byte-order mark Excel needs for Vietnamese
    const lines = new TextDecoder().decode(bytes).split("\r\n").filter(Boolean);
    expect(lines[0]).toBe(
      "Họ tên,E-mail,Tổ chức,Trạng thái,Mức chuyên cần,Số buổi có mặt,Số buổi của lớp,Ngày ghi danh",
    );
    expect(lines).toHaveLength(2);
    expect(lines[1]).toMatch(/^Trần Đức Bình,binh-[0-9a-f]{8}@test\.example,,/);
    expect(lines[1]).toContain(",Không thể hoàn thành,0,5,");
  });
});

describe("withdrawing the people selected", () => {
  it("withdraws everyone selected in one go, with the reason in each history", async () => {
    const [a, b] = [ids.f1, ids.f2];
    const result = await withdrawMany({
      actor: staff,
      cohortId,
      enrollmentIds: [a, b, a],
      reason: "Không đủ điều kiện",
    });
    expect(result.count).toBe(2);
    const rows = await db
      .select({ status: enrollments.status })
      .from(enrollments)
      .where(inArray(enrollments.id, [a, b]));
    expect(rows.map((r) => r.status)).toEqual(["withdrawn", "withdrawn"]);
    const events = await db
      .select()
      .from(enrollmentEvents)
      .where(inArray(enrollmentEvents.enrollmentId, [a, b]));
    expect(events.filter((e) => e.toStatus === "withdrawn" && e.reason === "Không đủ điều kiện")).toHaveLength(2);
  });

  it("refuses the whole batch when one person is no longer active: nobody is withdrawn", async () => {
    const error = await refusal(
      withdrawMany({ actor: staff, cohortId, enrollmentIds: [ids.f3, ids.dung], reason: "Lý do" }),
    );
    expect(error).toMatchObject({ status: 409, messageKey: "cohorts.participants.bulkNotActive" });
    expect((await findParticipant(cohortId, ids.f3))?.status).toBe("confirmed");
  });

  it("refuses people of another cohort, an empty reason and a learner", async () => {
    const other = await createTestCohort();
    expect(
      (await refusal(withdrawMany({ actor: staff, cohortId: other.cohort.id, enrollmentIds: [ids.f4], reason: "x" })))
        .status,
    ).toBe(404);
    expect(
      (await refusal(withdrawMany({ actor: staff, cohortId, enrollmentIds: [ids.f4], reason: "  " }))).status,
    ).toBe(400);
    const learner = actorOf(await createUser());
    expect(
      (await refusal(withdrawMany({ actor: learner, cohortId, enrollmentIds: [ids.f4], reason: "x" }))).status,
    ).toBe(403);
    const [row] = await db.select({ status: enrollments.status }).from(enrollments).where(eq(enrollments.id, ids.f4));
    expect(row.status).toBe("confirmed");
  });
});
