import { desc, eq } from "drizzle-orm";
import { certificates } from "#db/schema";
import { db } from "~/lib/db.server";
import { notFound } from "~/lib/errors";
import { credentialUrls } from "./issuer.server";
import { OB3_CONTEXT } from "./open-badges.server";

/** The Achievement behind an achievement id, as the latest certificate of it describes it. */
export async function achievementDefinition(key: string) {
  // A NUL byte cannot reach PostgreSQL in a text parameter: such a key names no achievement.
  if (key.includes("\u0000")) throw notFound();
  const [latest] = await db
    .select()
    .from(certificates)
    .where(eq(certificates.achievementKey, key))
    .orderBy(desc(certificates.issuedAt))
    .limit(1);
  if (!latest) throw notFound();
  return {
    "@context": [...OB3_CONTEXT],
    id: credentialUrls.achievement(key),
    type: ["Achievement"],
    achievementType: latest.kind === "trainer_certification" ? "Certification" : "CertificateOfCompletion",
    name: latest.achievementVi,
    description: `${latest.descriptionVi}\n\n${latest.descriptionEn}`,
    criteria: { narrative: `${latest.criteriaVi}\n\n${latest.criteriaEn}` },
    ...(latest.hours !== null ? { creditsAvailable: latest.hours } : {}),
    creator: { id: credentialUrls.issuer(), type: ["Profile"], name: latest.issuerName },
    inLanguage: "vi",
    tag: [latest.achievementEn],
  };
}
