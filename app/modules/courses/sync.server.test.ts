import { readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { and, eq, inArray, sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { courseModules, courses, lessonProgress, lessons, quizzes } from "#db/schema";
import { db } from "~/lib/db.server";
import { tempCoursesRoot, uniqueCourseSlug, writeCourseFolder } from "../../../tests/fixtures/courses";
import { createUser } from "../../../tests/fixtures/factories";
import { lessonAccess } from "./access.server";
import { listCourseFolders } from "./content-reader.server";
import { completeLesson, enrolSelfPaced } from "./learning.server";
import { formatSyncReport, syncCourses } from "./sync.server";

/** Row counts and the newest updated_at of everything a set of courses owns. */
async function snapshot(slugs: string[]) {
  const ids = (await db.select({ id: courses.id }).from(courses).where(inArray(courses.slug, slugs))).map((c) => c.id);
  if (ids.length === 0) return { courses: 0 };
  const stats = async (table: typeof courseModules | typeof lessons | typeof quizzes) => {
    const [row] = await db
      .select({ n: sql<number>`count(*)::int`, latest: sql<string>`max(${table.updatedAt})::text`, archived: sql<number>`count(${table.archivedAt})::int` })
      .from(table)
      .where(inArray(table.courseId, ids));
    return row;
  };
  const [courseRow] = await db
    .select({ n: sql<number>`count(*)::int`, latest: sql<string>`max(${courses.updatedAt})::text` })
    .from(courses)
    .where(inArray(courses.id, ids));
  return { courses: courseRow, modules: await stats(courseModules), lessons: await stats(lessons), quizzes: await stats(quizzes) };
}

function edit(path: string, change: (text: string) => string) {
  writeFileSync(path, change(readFileSync(path, "utf8")));
}

describe("courses:sync on the shipped folder", () => {
  it("imports every course in courses/, and a second run changes nothing", async () => {
    const folders = listCourseFolders(join(process.cwd(), "courses"));
    expect(folders.length).toBeGreaterThanOrEqual(4);

    const first = await syncCourses();
    expect(first.courses.filter((c) => c.status === "failed").map((c) => formatSyncReport({ ...first, courses: [c] }))).toEqual([]);
    const slugs = first.courses.map((c) => c.slug!);
    expect(slugs).toEqual(expect.arrayContaining(["khoi-nghiep-doi-moi-sang-tao", "dao-tao-giang-vien-khoi-nghiep"]));
    const before = await snapshot(slugs);
    expect(before.courses).toMatchObject({ n: folders.length });

    const second = await syncCourses();
    expect(second.courses.map((c) => c.status)).toEqual(folders.map(() => "unchanged"));
    for (const c of second.courses) expect(c.lessons).toMatchObject({ created: 0, updated: 0, archived: 0 });
    expect(await snapshot(slugs)).toEqual(before);
  });

  it("stores the teaching-practicum brief and rubric on the train-the-trainer course", async () => {
    await syncCourses();
    const [course] = await db.select().from(courses).where(eq(courses.slug, "dao-tao-giang-vien-khoi-nghiep"));
    expect(course.kind).toBe("trainer_course");
    expect(course.practicum?.rubric.length).toBeGreaterThan(0);
    expect(course.practicum?.rubric[0].levels.map((l) => l.score)).toContain(4);
    expect(course.practicum?.briefHtml).toContain("<h2>");
    expect(course.practicum?.passScore).toBeGreaterThan(0);
  });

  it("rewrites a lesson's image to the course's asset address", async () => {
    await syncCourses();
    const [lesson] = await db.select().from(lessons).where(eq(lessons.slug, "chin-khoi-canvas"));
    expect(lesson.bodyHtml).toContain('src="/courses/khoi-nghiep-doi-moi-sang-tao/assets/business-model-canvas.svg"');
  });
});

describe("courses:sync on a folder being edited", () => {
  it("reports a broken file with its file and field, writes nothing for that course, and still imports the others", async () => {
    const root = tempCoursesRoot();
    const slug = uniqueCourseSlug();
    const dir = writeCourseFolder(root, slug);
    expect((await syncCourses({ root })).courses[0].status).toBe("created");
    const before = await snapshot([slug]);

    // Two edits in one course: a valid lesson change and a quiz answer that is not an option.
    edit(join(dir, "modules/01-co-ban/01-bai-mot.md"), (t) => t.replace('vi: "Bài một"', 'vi: "Bài một (sửa)"'));
    edit(join(dir, "modules/01-co-ban/quiz.yml"), (t) => t.replace("answer: b", "answer: z"));
    // A new, healthy course beside it, and a new course whose hours are not in half-hour steps.
    const healthy = uniqueCourseSlug("khoa-tot");
    writeCourseFolder(root, healthy);
    const brokenNew = uniqueCourseSlug("khoa-hong");
    edit(join(writeCourseFolder(root, brokenNew), "course.md"), (t) => t.replace("hours: 1.5", "hours: 1.25"));

    const summary = await syncCourses({ root });
    const byDir = Object.fromEntries(summary.courses.map((c) => [c.dir, c]));
    expect(summary.failed).toBe(2);
    expect(byDir[slug].status).toBe("failed");
    expect(byDir[slug].issues).toEqual([
      expect.objectContaining({ file: expect.stringMatching(new RegExp(`${slug}/modules/01-co-ban/quiz\\.yml$`)), field: "questions[0].answer" }),
    ]);
    expect(formatSyncReport(summary)).toContain(`quiz.yml › questions[0].answer: "z" is not one of the option ids (a, b)`);
    expect(byDir[brokenNew].issues).toEqual([expect.objectContaining({ file: expect.stringMatching(/course\.md$/), field: "hours" })]);
    expect(byDir[healthy].status).toBe("created");

    // Nothing of the broken courses was written.
    expect(await snapshot([slug])).toEqual(before);
    const [lesson] = await db
      .select({ titleVi: lessons.titleVi })
      .from(lessons)
      .innerJoin(courses, eq(courses.id, lessons.courseId))
      .where(and(eq(courses.slug, slug), eq(lessons.slug, "bai-mot")));
    expect(lesson.titleVi).toBe("Bài một");
    expect(await db.select().from(courses).where(eq(courses.slug, brokenNew))).toEqual([]);
  });

  it("updates a changed lesson in place and keeps the learners' progress", async () => {
    const root = tempCoursesRoot();
    const slug = uniqueCourseSlug();
    const dir = writeCourseFolder(root, slug);
    await syncCourses({ root });
    const [course] = await db.select().from(courses).where(eq(courses.slug, slug));
    const [lesson] = await db.select().from(lessons).where(sql`${lessons.courseId} = ${course.id} and ${lessons.slug} = 'bai-hai'`);
    const learner = await createUser();
    await enrolSelfPaced({ userId: learner.id, courseId: course.id });
    await completeLesson({ userId: learner.id, lessonId: lesson.id });

    edit(join(dir, "modules/01-co-ban/02-bai-hai.md"), (t) =>
      t.replace('vi: "Bài hai"', 'vi: "Bài hai: phỏng vấn"').replace("Phỏng vấn khách hàng.", "Phỏng vấn **mười** khách hàng."),
    );
    const summary = await syncCourses({ root });
    expect(summary.courses[0]).toMatchObject({ status: "updated", lessons: { created: 0, updated: 1, archived: 0, unchanged: 1 } });

    const [after] = await db.select().from(lessons).where(eq(lessons.id, lesson.id));
    expect(after.titleVi).toBe("Bài hai: phỏng vấn");
    expect(after.bodyHtml).toContain("<strong>mười</strong>");
    expect(after.updatedAt.getTime()).toBeGreaterThan(lesson.updatedAt.getTime());
    const progress = await db.select().from(lessonProgress).where(eq(lessonProgress.lessonId, lesson.id));
    expect(progress).toEqual([expect.objectContaining({ userId: learner.id, completedAt: expect.any(Date) })]);
  });

  it("archives a removed lesson instead of deleting it, and brings it back when the file returns", async () => {
    const root = tempCoursesRoot();
    const slug = uniqueCourseSlug();
    const dir = writeCourseFolder(root, slug);
    await syncCourses({ root });
    const [course] = await db.select().from(courses).where(eq(courses.slug, slug));
    const [lesson] = await db.select().from(lessons).where(sql`${lessons.courseId} = ${course.id} and ${lessons.slug} = 'bai-mot'`);
    const learner = await createUser();
    await enrolSelfPaced({ userId: learner.id, courseId: course.id });
    await completeLesson({ userId: learner.id, lessonId: lesson.id });

    const file = join(dir, "modules/01-co-ban/01-bai-mot.md");
    const saved = readFileSync(file, "utf8");
    rmSync(file);
    // The other lesson links to nothing any more; the course page's link to it is the only change needed.
    const summary = await syncCourses({ root });
    expect(summary.courses[0]).toMatchObject({ status: "updated", lessons: { archived: 1 } });
    const [archived] = await db.select().from(lessons).where(eq(lessons.id, lesson.id));
    expect(archived.archivedAt).toBeInstanceOf(Date);
    expect(await lessonAccess({ userId: learner.id, lessonId: lesson.id })).toMatchObject({ allowed: false, reason: "not_found" });
    expect(await db.select().from(lessonProgress).where(eq(lessonProgress.lessonId, lesson.id))).toHaveLength(1);

    writeFileSync(file, saved);
    expect((await syncCourses({ root })).courses[0].lessons).toMatchObject({ updated: 1, created: 0 });
    const [back] = await db.select().from(lessons).where(eq(lessons.id, lesson.id));
    expect(back.archivedAt).toBeNull();
  });

  it("refuses paths out of the course folder, missing images, duplicate slugs and unknown quizzes", async () => {
    const root = tempCoursesRoot();
    const slug = uniqueCourseSlug();
    const dir = writeCourseFolder(root, slug);
    edit(join(dir, "modules/01-co-ban/02-bai-hai.md"), (t) => t.replace("video: ../../assets/clip.mp4", "video: ../../../../etc/passwd"));
    edit(join(dir, "modules/01-co-ban/01-bai-mot.md"), (t) => t.replace("../../assets/diagram.svg", "../../assets/khong-co.svg").replace("slug: bai-mot", "slug: bai-hai"));
    edit(join(dir, "course.md"), (t) => t.replace(`quizzes_to_pass: [${slug}-quiz]`, "quizzes_to_pass: [khong-co-quiz]"));

    const [result] = (await syncCourses({ root })).courses;
    expect(result.status).toBe("failed");
    const found = result.issues.map((i) => `${i.file.split(`${slug}/`)[1]} ${i.field}`);
    expect(found).toEqual(
      expect.arrayContaining([
        "modules/01-co-ban/02-bai-hai.md video",
        "modules/01-co-ban/02-bai-hai.md slug",
        "modules/01-co-ban/01-bai-mot.md body",
        "course.md completion.quizzes_to_pass[0]",
      ]),
    );
    expect(await db.select().from(courses).where(eq(courses.slug, slug))).toEqual([]);
  });
});
