import { eq, sql } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import { enrollments } from "#db/schema";
import { db } from "~/lib/db.server";
import { foldSql } from "~/lib/fold";
import { updateProfile } from "~/modules/account/profile.server";
import { getRollCall } from "~/modules/attendance/roll-call.server";
import { actorOf, createTestCohort, DAY } from "../../../tests/fixtures/cohorts";
import { createUser, uniqueEmail } from "../../../tests/fixtures/factories";
import { listParticipantsPage, participantsForExport } from "./participants.server";

/**
 * The lists' name order comes from enrollments.name_sort_key, kept by the database from users.name: the name with
 * Vietnamese accents and case folded, then the name itself byte by byte. Worked out by hand:
 *   An → "an"; Anh → "anh"; Ánh → "anh" (after Anh: "A" is byte 0x41, "Á" starts with 0xC3); Bùi → "bui";
 *   Đặng → "dang"; Dương → "duong"; Zung → "zung".
 * So: An, Anh, Ánh, Bùi, Đặng, Dương, Zung. (Byte order of the names alone, as before, put Ánh and Đặng after
 * Zung.)
 */
const NAMES = ["Zung", "Đặng", "Ánh", "Bùi", "Anh", "Dương", "An"];
const ORDER = ["An", "Anh", "Ánh", "Bùi", "Đặng", "Dương", "Zung"];

let cohortId: string;
let sessionId: string;
let staff: ReturnType<typeof actorOf>;
const userIds: Record<string, string> = {};

async function enrol(name: string, cohort = cohortId, email = uniqueEmail("order")) {
  const user = await createUser({ name, email });
  await db.insert(enrollments).values({ cohortId: cohort, userId: user.id, status: "confirmed", feeVnd: 0 });
  return user.id;
}

const namesOnPage = async () =>
  (await listParticipantsPage({ cohortId, filter: {}, page: 1 })).people.map((p) => p.name);

beforeAll(async () => {
  const made = await createTestCohort({ capacity: 200, sessionStarts: [-2 * DAY, 7 * DAY] });
  cohortId = made.cohort.id;
  sessionId = made.sessions[0]!.id;
  staff = actorOf(await createUser({ roles: ["staff"] }), ["staff"]);
  for (const name of NAMES) userIds[name] = await enrol(name);
});

describe("name order of the participant list and the roll call", () => {
  it("folds the name exactly as the search does (fold.ts), letter by letter", async () => {
    const letters =
      "aàáãảạăằắẵẳặâầấẫẩậeèéẽẻẹêềếễểệiìíĩỉịoòóõỏọôồốỗổộơờớỡởợuùúũủụưừứữửựyỳýỹỷỵđ AÀÁÃẢẠĂẰẮẴẲẶÂẦẤẪẨẬEÈÉẼẺẸÊỀẾỄỂỆIÌÍĨỈỊOÒÓÕỎỌÔỒỐỖỔỘƠỜỚỠỞỢUÙÚŨỦỤƯỪỨỮỬỰYỲÝỸỶỴĐ";
    const rows = await db.execute<{ letter: string; key: string; folded: string }>(
      sql`select l as letter, person_sort_key(l) as key, ${foldSql(sql`l`)} as folded
          from unnest(string_to_array(${letters}, null)) as l`,
    );
    expect(rows.rows.length).toBe([...letters].length);
    for (const row of rows.rows) expect(row.key).toBe(`${row.folded}\u0001${row.letter}`);
  });

  it("sorts Vietnamese names with accents folded, the same on the list, the export and the roll call", async () => {
    expect(await namesOnPage()).toEqual(ORDER);
    const exported: string[] = [];
    for await (const batch of participantsForExport({ cohortId, filter: {}, batch: 3 })) {
      exported.push(...batch.map((r) => r.name));
    }
    expect(exported).toEqual(ORDER);
    const rollCall = await getRollCall({ actor: staff, sessionId });
    expect(rollCall.people.map((p) => p.name)).toEqual(ORDER);
    expect(rollCall.total).toBe(7);
    expect(rollCall.unmarked).toBe(7);
  });

  it("places a new enrolment by its name, and follows a rename made through the profile", async () => {
    // "Bảo" folds to "bao": after Ánh ("anh"), before Bùi ("bui").
    userIds["Bảo"] = await enrol("Bảo");
    expect(await namesOnPage()).toEqual(["An", "Anh", "Ánh", "Bảo", "Bùi", "Đặng", "Dương", "Zung"]);
    // Zung becomes "Ân": folds to "an" like An; "A" (0x41) before "Â" (0xC3 0x82), so An, Ân.
    await updateProfile({ userId: userIds["Zung"]!, name: "Ân", locale: "vi" });
    expect(await namesOnPage()).toEqual(["An", "Ân", "Anh", "Ánh", "Bảo", "Bùi", "Đặng", "Dương"]);
    const [row] = await db
      .select({ key: enrollments.nameSortKey })
      .from(enrollments)
      .where(eq(enrollments.userId, userIds["Zung"]!));
    expect(row?.key).toBe("an\u0001Ân");
    // Renamed back, the key follows again.
    await updateProfile({ userId: userIds["Zung"]!, name: "Zung", locale: "vi" });
    expect((await namesOnPage()).at(-1)).toBe("Zung");
  });

  it("replaces a key written by anyone but the database with the person's own", async () => {
    await db.update(enrollments).set({ nameSortKey: "000 first" }).where(eq(enrollments.userId, userIds["Zung"]!));
    const [row] = await db
      .select({ key: enrollments.nameSortKey })
      .from(enrollments)
      .where(eq(enrollments.userId, userIds["Zung"]!));
    expect(row?.key).toBe("zung\u0001Zung");
  });
});

describe("paging in name order", () => {
  // 53 people: "Học viên 01" … "Học viên 53", entered in reverse, with every third accent-free ("Hoc vien 03").
  // Each folds to "hoc vien NN", so the order is by number: page 1 holds 01–50, page 2 holds 51–53.
  let bigCohortId: string;
  let bigSessionId: string;
  const expected = Array.from({ length: 53 }, (_, i) => {
    const n = String(i + 1).padStart(2, "0");
    return (i + 1) % 3 === 0 ? `Hoc vien ${n}` : `Học viên ${n}`;
  });

  beforeAll(async () => {
    const made = await createTestCohort({ capacity: 200, sessionStarts: [-2 * DAY, 7 * DAY] });
    bigCohortId = made.cohort.id;
    bigSessionId = made.sessions[0]!.id;
    // Their e-mails carry the same number and no other digit, so a search for a digit finds the same people.
    for (const name of [...expected].reverse()) {
      await enrol(name, bigCohortId, `hoc-vien-${name.slice(-2)}@paging.example`);
    }
  });

  it("pages 1 and 2 of the list are disjoint and together everyone in order, each with the whole total", async () => {
    const page = (n: number) => listParticipantsPage({ cohortId: bigCohortId, filter: {}, page: n });
    const [one, two, three] = await Promise.all([page(1), page(2), page(3)]);
    expect(one.people).toHaveLength(50);
    expect(two.people).toHaveLength(3);
    expect([one.total, two.total, three.total]).toEqual([53, 53, 53]);
    expect([one.pageCount, three.pageCount]).toEqual([2, 2]);
    expect(new Set([...one.people, ...two.people].map((p) => p.id)).size).toBe(53);
    expect([...one.people, ...two.people].map((p) => p.name)).toEqual(expected);
    expect(three.people).toEqual([]);
  });

  it("the total follows a search and a status filter, not the page", async () => {
    // Every word must match: "học 5" folds to "hoc" and "5", so the names with a 5 in them, in order:
    // 05, 15, 25, 35, 45, 50, 51, 52, 53.
    const search = await listParticipantsPage({ cohortId: bigCohortId, filter: { q: "học 5" }, page: 1 });
    expect(search.total).toBe(9);
    expect(search.people.map((p) => p.name.slice(-2))).toEqual(["05", "15", "25", "35", "45", "50", "51", "52", "53"]);
    const one = await listParticipantsPage({ cohortId: bigCohortId, filter: { q: "Hoc Vien 53" }, page: 1 });
    expect([one.total, one.people.map((p) => p.name)]).toEqual([1, ["Học viên 53"]]);
    const none = await listParticipantsPage({ cohortId: bigCohortId, filter: { status: "waitlisted" }, page: 1 });
    expect([none.total, none.people.length]).toEqual([0, 0]);
  });

  it("the roll call's pages of 25 hold everyone once, in order, with the whole session's counts", async () => {
    const view = (page: number) => getRollCall({ actor: staff, sessionId: bigSessionId, view: { page } });
    const pages = await Promise.all([view(1), view(2), view(3), view(4)]);
    expect(pages.map((p) => p.people.length)).toEqual([25, 25, 3, 0]);
    expect(pages.flatMap((p) => p.people.map((x) => x.name))).toEqual(expected);
    // Page 4 is past the end: its counts come from the counting statements alone.
    expect(pages.map((p) => [p.total, p.unmarked])).toEqual([
      [53, 53],
      [53, 53],
      [53, 53],
      [53, 53],
    ]);
  });
});
