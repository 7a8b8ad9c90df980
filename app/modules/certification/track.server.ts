import { inArray } from "drizzle-orm";
import { certificationRubrics } from "#db/schema";
import { db } from "~/lib/db.server";
import { practicumHistory } from "./practicum.server";
import { awardsOf, checkRequirements, listCertifications, renewalEvidence } from "./requirements.server";

/** Everything the lecturer's /certification page shows, per certification. */
export async function myCertificationTrack(userId: string, now = new Date()) {
  const [all, awards] = await Promise.all([listCertifications(), awardsOf(userId)]);
  const tracks = [];
  for (const certification of all) {
    const [check, history] = await Promise.all([
      checkRequirements({ userId, certificationId: certification.id }),
      practicumHistory({ userId, certificationId: certification.id }),
    ]);
    const rubricIds = [...new Set(history.map((h) => h.rubricId))];
    const rubrics = rubricIds.length
      ? await db.select().from(certificationRubrics).where(inArray(certificationRubrics.id, rubricIds))
      : [];
    const current = awards.find((a) => a.certification.id === certification.id && a.award.status !== "renewed");
    const award = current
      ? {
          id: current.award.id,
          validUntil: current.award.validUntil,
          state:
            current.award.status === "revoked"
              ? "revoked"
              : current.award.validUntil.getTime() <= now.getTime()
                ? "expired"
                : "valid",
        }
      : null;
    const renewal =
      current && award?.state !== "revoked"
        ? await renewalEvidence({ userId, certification, since: current.award.validFrom, at: now })
        : null;
    const latest = history[0];
    const courseMet = check.requirements.find((r) => r.kind === "trainer_course")?.met ?? true;
    tracks.push({
      certification: {
        id: certification.id,
        slug: certification.slug,
        nameVi: certification.nameVi,
        nameEn: certification.nameEn,
        descriptionVi: certification.descriptionVi,
        descriptionEn: certification.descriptionEn,
        validityMonths: certification.validityMonths,
      },
      requirements: check.requirements,
      allMet: check.allMet,
      award,
      renewal: renewal ? { kind: renewal.kind } : null,
      canSubmit: courseMet && !award && (!latest || latest.status === "resubmit"),
      history: history.map((h) => {
        const rubric = rubrics.find((r) => r.id === h.rubricId);
        return {
          id: h.id,
          attempt: h.attempt,
          status: h.status,
          topic: h.topic,
          submittedAt: h.submittedAt,
          evaluation: h.evaluation
            ? {
                weightedScore: h.evaluation.weightedScore,
                scores: h.evaluation.scores,
                improvements: h.evaluation.improvements,
                result: h.evaluation.result,
              }
            : null,
          criteriaTitles: Object.fromEntries((rubric?.criteria ?? []).map((c) => [c.key, c.title])),
        };
      }),
    });
  }
  return tracks;
}
