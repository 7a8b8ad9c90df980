import { asc, desc, eq } from "drizzle-orm";
import { programmes, programmeTargets } from "#db/schema";
import { db } from "~/lib/db.server";

/** The programme shown by default (Hai Phong in the demo data; any province can be the default). */
export async function getDefaultProgramme() {
  const [programme] = await db
    .select()
    .from(programmes)
    .orderBy(desc(programmes.isDefault), asc(programmes.createdAt))
    .limit(1);
  if (!programme) return null;
  const targets = await db
    .select()
    .from(programmeTargets)
    .where(eq(programmeTargets.programmeId, programme.id))
    .orderBy(asc(programmeTargets.key));
  return { ...programme, targets };
}
