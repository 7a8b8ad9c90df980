import { and, eq, isNull, sql } from "drizzle-orm";
import { courseTrainers, userRoles, users } from "#db/schema";
import { db } from "~/lib/db.server";
import { AppError } from "~/lib/errors";

/** Makes a person with the trainer role a trainer of the course (they may then open all of it). */
export async function assignCourseTrainer(args: { actorId: string; courseId: string; email: string }) {
  const [person] = await db
    .select({ id: users.id })
    .from(users)
    .where(and(eq(sql`lower(${users.email})`, args.email.toLowerCase()), isNull(users.deletedAt)));
  if (!person) throw new AppError(404, "courses.trainers.noSuchUser", { field: "email" });
  const [role] = await db
    .select({ role: userRoles.role })
    .from(userRoles)
    .where(and(eq(userRoles.userId, person.id), eq(userRoles.role, "trainer")));
  if (!role) throw new AppError(409, "courses.trainers.notTrainer", { field: "email" });
  await db.insert(courseTrainers).values({ courseId: args.courseId, userId: person.id, addedBy: args.actorId }).onConflictDoNothing();
  return person;
}

export async function removeCourseTrainer(args: { courseId: string; userId: string }) {
  const removed = await db
    .delete(courseTrainers)
    .where(and(eq(courseTrainers.courseId, args.courseId), eq(courseTrainers.userId, args.userId)))
    .returning({ userId: courseTrainers.userId });
  if (removed.length === 0) throw new AppError(404, "courses.trainers.notAssigned", { field: "userId" });
}
