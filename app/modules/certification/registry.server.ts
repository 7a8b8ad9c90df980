import { and, asc, eq, gt, gte, inArray, lte, ne, sql } from "drizzle-orm";
import {
  certificationAwards,
  certifications,
  cohorts,
  cohortTrainers,
  courses,
  trainerRegistryEntries,
  users,
} from "#db/schema";
import { db } from "~/lib/db.server";

/**
 * The public registry of certified trainers (/trainers). Opt-in: a person appears only after choosing to
 * be listed, and only while they hold a valid certification. Only the name, the headline they wrote, their
 * certifications and the published cohorts they teach are shown; never an email address.
 */
export async function registryEntryOf(userId: string) {
  const [entry] = await db.select().from(trainerRegistryEntries).where(eq(trainerRegistryEntries.userId, userId));
  return entry ?? { userId, listed: false, headlineVi: null, headlineEn: null };
}

export async function setRegistryListing(args: {
  userId: string;
  listed: boolean;
  headlineVi?: string;
  headlineEn?: string;
}) {
  const values = {
    userId: args.userId,
    listed: args.listed,
    headlineVi: args.headlineVi ?? null,
    headlineEn: args.headlineEn ?? null,
  };
  await db
    .insert(trainerRegistryEntries)
    .values(values)
    .onConflictDoUpdate({ target: trainerRegistryEntries.userId, set: values });
}

export async function listPublicTrainers(now = new Date()) {
  const today = new Intl.DateTimeFormat("en-CA", { timeZone: "Asia/Ho_Chi_Minh" }).format(now);
  const listed = await db
    .select({
      userId: users.id,
      name: users.name,
      headlineVi: trainerRegistryEntries.headlineVi,
      headlineEn: trainerRegistryEntries.headlineEn,
      certificationVi: certifications.nameVi,
      certificationEn: certifications.nameEn,
      validUntil: certificationAwards.validUntil,
    })
    .from(trainerRegistryEntries)
    .innerJoin(users, eq(users.id, trainerRegistryEntries.userId))
    .innerJoin(certificationAwards, eq(certificationAwards.userId, trainerRegistryEntries.userId))
    .innerJoin(certifications, eq(certifications.id, certificationAwards.certificationId))
    .where(
      and(
        eq(trainerRegistryEntries.listed, true),
        sql`${users.deletedAt} is null`,
        ne(certificationAwards.status, "revoked"),
        lte(certificationAwards.validFrom, now),
        gt(certificationAwards.validUntil, now),
      ),
    )
    .orderBy(asc(users.name));
  const ids = [...new Set(listed.map((l) => l.userId))];
  const taught = ids.length
    ? await db
        .select({
          userId: cohortTrainers.userId,
          cohortCode: cohorts.code,
          startsOn: cohorts.startsOn,
          endsOn: cohorts.endsOn,
          courseSlug: courses.slug,
          courseVi: courses.titleVi,
          courseEn: courses.titleEn,
        })
        .from(cohortTrainers)
        .innerJoin(cohorts, eq(cohorts.id, cohortTrainers.cohortId))
        .innerJoin(courses, eq(courses.id, cohorts.courseId))
        .where(and(inArray(cohortTrainers.userId, ids), eq(cohorts.status, "published"), gte(cohorts.endsOn, today)))
        .orderBy(asc(cohorts.startsOn))
    : [];
  const trainers = new Map<
    string,
    {
      userId: string;
      name: string;
      headlineVi: string | null;
      headlineEn: string | null;
      certifications: { nameVi: string; nameEn: string; validUntil: Date }[];
      cohorts: typeof taught;
    }
  >();
  for (const row of listed) {
    const trainer = trainers.get(row.userId) ?? {
      userId: row.userId,
      name: row.name,
      headlineVi: row.headlineVi,
      headlineEn: row.headlineEn,
      certifications: [],
      cohorts: taught.filter((t) => t.userId === row.userId),
    };
    trainer.certifications.push({
      nameVi: row.certificationVi,
      nameEn: row.certificationEn,
      validUntil: row.validUntil,
    });
    trainers.set(row.userId, trainer);
  }
  return [...trainers.values()];
}
