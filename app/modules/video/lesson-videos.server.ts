import { and, desc, eq, isNull } from "drizzle-orm";
import { lessons, lessonVideos } from "#db/schema";
import { db, type Queryable } from "~/lib/db.server";
import { AppError, notFound } from "~/lib/errors";
import { logFailure } from "~/lib/logger.server";
import { muxClient, muxConfigured, signedPlaybackConfigured } from "./mux.server";

/**
 * Lesson videos hosted by Mux. Staff upload from the browser straight to Mux (a direct upload URL made
 * here); Mux's webhooks, or a status check, attach the playback id when the asset is ready.
 */

export type LessonVideo = typeof lessonVideos.$inferSelect;

function muxUnavailable(error: unknown): never {
  logFailure("mux", "the Mux API failed", error);
  throw new AppError(502, "courses.video.muxUnavailable");
}

export async function createLessonVideoUpload(args: { actorId: string; lessonId: string; corsOrigin: string }) {
  if (!muxConfigured()) throw new AppError(409, "courses.video.muxNotConfigured");
  const [lesson] = await db
    .select({ id: lessons.id })
    .from(lessons)
    .where(and(eq(lessons.id, args.lessonId), isNull(lessons.archivedAt)));
  if (!lesson) throw notFound("courses.errors.lessonNotFound");
  const policy = signedPlaybackConfigured() ? "signed" : "public";
  const upload = await (
    await muxClient()
  ).video.uploads
    .create({
      cors_origin: args.corsOrigin,
      timeout: 3600,
      new_asset_settings: { playback_policies: [policy], passthrough: `lesson:${lesson.id}` },
    })
    .catch(muxUnavailable);
  if (!upload.url) muxUnavailable(new Error(`direct upload ${upload.id} has no URL`));
  const [video] = await db
    .insert(lessonVideos)
    .values({
      lessonId: lesson.id,
      muxUploadId: upload.id,
      playbackPolicy: policy,
      status: "waiting_upload",
      uploadedBy: args.actorId,
    })
    .returning();
  return { video, uploadUrl: upload.url };
}

type MuxAssetLike = {
  id: string;
  status?: string;
  duration?: number | null;
  playback_ids?: { id: string; policy: string }[] | null;
  errors?: { type?: string; messages?: string[] } | null;
};

/** Applies what Mux says about an asset to the video row (ready: playback id; errored: the reason). */
export async function applyAssetState(
  q: Queryable,
  videoId: string,
  asset: MuxAssetLike,
  policy: string,
): Promise<void> {
  if (asset.status === "ready") {
    const playback = asset.playback_ids?.find((p) => p.policy === policy) ?? asset.playback_ids?.[0];
    if (!playback) {
      await q
        .update(lessonVideos)
        .set({ muxAssetId: asset.id, status: "errored", errorMessage: "asset has no playback id" })
        .where(eq(lessonVideos.id, videoId));
      return;
    }
    await q
      .update(lessonVideos)
      .set({
        muxAssetId: asset.id,
        playbackId: playback.id,
        playbackPolicy: playback.policy,
        durationSeconds: asset.duration ?? null,
        status: "ready",
        errorMessage: null,
        readyAt: new Date(),
      })
      .where(eq(lessonVideos.id, videoId));
  } else if (asset.status === "errored") {
    const message =
      [asset.errors?.type, ...(asset.errors?.messages ?? [])].filter(Boolean).join(": ") ||
      "Mux could not process the video";
    await q
      .update(lessonVideos)
      .set({ muxAssetId: asset.id, status: "errored", errorMessage: message.slice(0, 1000) })
      .where(eq(lessonVideos.id, videoId));
  } else {
    await q
      .update(lessonVideos)
      .set({ muxAssetId: asset.id, status: "processing" })
      .where(and(eq(lessonVideos.id, videoId), eq(lessonVideos.status, "waiting_upload")));
  }
}

/** Asks Mux for the state of an upload and its asset (when a webhook was missed). */
export async function refreshLessonVideo(args: { videoId: string }): Promise<LessonVideo> {
  const [video] = await db.select().from(lessonVideos).where(eq(lessonVideos.id, args.videoId));
  if (!video) throw notFound();
  if (!muxConfigured()) throw new AppError(409, "courses.video.muxNotConfigured");
  if (video.status === "ready" || video.status === "errored" || video.status === "cancelled") return video;
  const mux = await muxClient();
  const upload = await mux.video.uploads.retrieve(video.muxUploadId).catch(muxUnavailable);
  if (upload.status === "errored" || upload.status === "timed_out") {
    await db
      .update(lessonVideos)
      .set({ status: "errored", errorMessage: upload.error?.message ?? upload.status })
      .where(eq(lessonVideos.id, video.id));
  } else if (upload.status === "cancelled") {
    await db.update(lessonVideos).set({ status: "cancelled" }).where(eq(lessonVideos.id, video.id));
  } else if (upload.asset_id) {
    const asset = await mux.video.assets.retrieve(upload.asset_id).catch(muxUnavailable);
    await applyAssetState(db, video.id, asset, video.playbackPolicy);
  }
  const [fresh] = await db.select().from(lessonVideos).where(eq(lessonVideos.id, video.id));
  return fresh;
}

/** The newest video of a lesson (any state; staff see its progress) and the newest ready one (players use it). */
export async function lessonVideoState(lessonId: string) {
  const rows = await db
    .select()
    .from(lessonVideos)
    .where(eq(lessonVideos.lessonId, lessonId))
    .orderBy(desc(lessonVideos.createdAt))
    .limit(20);
  return { latest: rows[0] ?? null, ready: rows.find((r) => r.status === "ready" && r.playbackId) ?? null };
}
