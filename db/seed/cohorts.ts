import { eq, inArray } from "drizzle-orm";
import { db } from "~/lib/db.server";
import { addDays, todayInVietnam, vietnamInstant, weekdayOf } from "~/lib/time";
import {
  attendance,
  attendanceEvents,
  cohorts,
  cohortSessions,
  cohortTrainers,
  courses,
  enrollmentEvents,
  enrollments,
  organisations,
  users,
} from "../schema";
import { seedDemoTrainingStory } from "./story";

/**
 * Two demo cohorts, dated around today so the demo always has a running and an upcoming one:
 * - the founders' course at HP Startup Hub, started three weeks ago, eight weekly sessions (three held, with
 *   attendance), taught by trainer@demo.vn, with founder@demo.vn enrolled;
 * - the one-day finance workshop in two weeks, open for enrolment.
 * Needs the courses in the database (imported by the course sync); does nothing without them or when the
 * demo cohorts are already there. Then the finished, subsidised training story of db/seed/story.ts (idempotent).
 */
const RUNNING_CODE = "KNDMST-HP-K1";
const UPCOMING_CODE = "TCKT-HP-K1";

export async function seedDemoCohorts(options: { log?: (line: string) => void; now?: Date } = {}): Promise<void> {
  const log = options.log ?? (() => {});
  const now = options.now ?? new Date();
  const existing = await db
    .select({ id: cohorts.id })
    .from(cohorts)
    .where(inArray(cohorts.code, [RUNNING_CODE, UPCOMING_CODE]));
  if (existing.length) return seedStory(options);
  const courseRows = await db
    .select({ id: courses.id, slug: courses.slug, listPriceVnd: courses.listPriceVnd })
    .from(courses)
    .where(inArray(courses.slug, ["khoi-nghiep-doi-moi-sang-tao", "workshop-tai-chinh-ke-toan"]));
  const founders = courseRows.find((c) => c.slug === "khoi-nghiep-doi-moi-sang-tao");
  const finance = courseRows.find((c) => c.slug === "workshop-tai-chinh-ke-toan");
  const [hub] = await db
    .select({ id: organisations.id })
    .from(organisations)
    .where(eq(organisations.shortName, "HP Startup Hub"));
  const people = await db
    .select({ id: users.id, email: users.email })
    .from(users)
    .where(inArray(users.email, ["trainer@demo.vn", "founder@demo.vn", "lecturer@demo.vn"]));
  const byEmail = Object.fromEntries(people.map((p) => [p.email, p.id]));
  if (!founders || !finance || !hub || !byEmail["trainer@demo.vn"] || !byEmail["founder@demo.vn"]) {
    log("demo cohorts skipped: courses or demo accounts not in the database yet");
    return;
  }

  const today = todayInVietnam(now);
  // The running cohort meets weekly on today's weekday at 18:00–20:30, from three weeks ago.
  const firstDay = addDays(today, -21);
  const sessionDays = Array.from({ length: 8 }, (_, i) => addDays(firstDay, 7 * i));
  const workshopDay = addDays(today, 14);

  await db.transaction(async (tx) => {
    const [running] = await tx
      .insert(cohorts)
      .values({
        courseId: founders.id,
        organisationId: hub.id,
        code: RUNNING_CODE,
        status: "published",
        admission: "open",
        startsOn: firstDay,
        endsOn: sessionDays.at(-1)!,
        enrollmentOpensAt: vietnamInstant(addDays(firstDay, -30), "00:00"),
        enrollmentClosesAt: vietnamInstant(addDays(firstDay, 7), "00:00"),
        capacity: 25,
        language: "vi",
        format: "blended",
        venueAddress: "Tầng 3, số 1 Trần Phú, quận Ngô Quyền, Hải Phòng",
        venueRoom: "Phòng Đổi mới 301",
        onlineUrl: "https://meet.example.vn/hp-startup-hub-k1",
        feeVnd: founders.listPriceVnd,
        description:
          "Lớp buổi tối cho nhà sáng lập: mỗi tuần một buổi, học trực tiếp tại HP Startup Hub, có lớp trực tuyến cho buổi vắng.",
      })
      .returning();
    const sessions = await tx
      .insert(cohortSessions)
      .values(
        sessionDays.map((day, i) => ({
          cohortId: running.id,
          startsAt: vietnamInstant(day, "18:00"),
          endsAt: vietnamInstant(day, "20:30"),
          topic: [
            "Khám phá khách hàng",
            "Phỏng vấn vấn đề",
            "Mô hình kinh doanh canvas",
            "Sản phẩm khả dụng tối thiểu",
            "Chỉ số và thử nghiệm",
            "Thuyết trình gọi vốn",
            "Thành lập doanh nghiệp",
            "Doanh nghiệp khoa học và công nghệ",
          ][i],
        })),
      )
      .returning();
    await tx.insert(cohortTrainers).values({ cohortId: running.id, userId: byEmail["trainer@demo.vn"] });
    const [place] = await tx
      .insert(enrollments)
      .values({
        cohortId: running.id,
        userId: byEmail["founder@demo.vn"],
        status: "confirmed",
        confirmedAt: vietnamInstant(addDays(firstDay, -10), "09:00"),
        feeVnd: founders.listPriceVnd,
      })
      .returning();
    await tx.insert(enrollmentEvents).values({
      enrollmentId: place.id,
      cohortId: running.id,
      actorId: byEmail["founder@demo.vn"],
      fromStatus: null,
      toStatus: "confirmed",
      reason: "enrolled",
    });
    // The three sessions already held: present, present, late (marked by the trainer).
    const held = sessions.sort((a, b) => a.startsAt.getTime() - b.startsAt.getTime()).slice(0, 3);
    const values = ["present", "present", "late"] as const;
    for (const [i, session] of held.entries()) {
      const [record] = await tx
        .insert(attendance)
        .values({
          sessionId: session.id,
          enrollmentId: place.id,
          status: values[i],
          method: "roll_call",
          recordedBy: byEmail["trainer@demo.vn"],
        })
        .returning();
      await tx.insert(attendanceEvents).values({
        attendanceId: record.id,
        sessionId: session.id,
        enrollmentId: place.id,
        actorId: byEmail["trainer@demo.vn"],
        oldStatus: null,
        newStatus: values[i],
        method: "roll_call",
      });
    }

    const [upcoming] = await tx
      .insert(cohorts)
      .values({
        courseId: finance.id,
        organisationId: hub.id,
        code: UPCOMING_CODE,
        status: "published",
        admission: "open",
        startsOn: workshopDay,
        endsOn: workshopDay,
        enrollmentOpensAt: vietnamInstant(addDays(today, -7), "00:00"),
        enrollmentClosesAt: vietnamInstant(workshopDay, "00:00"),
        capacity: 30,
        language: "vi",
        format: "in_person",
        venueAddress: "Tầng 3, số 1 Trần Phú, quận Ngô Quyền, Hải Phòng",
        venueRoom: "Hội trường tầng 3",
        feeVnd: finance.listPriceVnd,
      })
      .returning();
    await tx.insert(cohortSessions).values([
      {
        cohortId: upcoming.id,
        startsAt: vietnamInstant(workshopDay, "08:00"),
        endsAt: vietnamInstant(workshopDay, "11:30"),
        topic: "Kinh tế đơn vị và dòng tiền",
      },
      {
        cohortId: upcoming.id,
        startsAt: vietnamInstant(workshopDay, "13:30"),
        endsAt: vietnamInstant(workshopDay, "17:00"),
        topic: "Mô hình tài chính, kế toán và thuế",
      },
    ]);
    await tx.insert(cohortTrainers).values({ cohortId: upcoming.id, userId: byEmail["trainer@demo.vn"] });
  });
  log(
    `2 demo cohorts (${RUNNING_CODE} running since ${firstDay} on ${["CN", "T2", "T3", "T4", "T5", "T6", "T7"][weekdayOf(firstDay)]}, ${UPCOMING_CODE} on ${workshopDay})`,
  );
  // A past, finished and subsidised cohort with its claims (db/seed/story.ts).
  await seedStory(options);
}

/** The story never stops the app from starting: a failure is logged (and the next start resumes it). */
function seedStory(options: { log?: (line: string) => void; now?: Date }) {
  return seedDemoTrainingStory(options).catch((error: Error) =>
    (options.log ?? console.error)(`demo training story failed: ${error.message}`),
  );
}
