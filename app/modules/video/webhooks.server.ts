import { and, eq, or } from "drizzle-orm";
import { lessonVideos, muxWebhookEvents } from "#db/schema";
import { db } from "~/lib/db.server";
import { env } from "~/lib/env.server";
import { AppError } from "~/lib/errors";
import { applyAssetState } from "./lesson-videos.server";
import { muxClient } from "./mux.server";

type MuxEvent = { id: string; type: string; data: Record<string, unknown> };

/**
 * A webhook from Mux. The signature (`mux-signature: t=…,v1=HMAC-SHA256(t.body)`, at most five minutes
 * old) is checked first; a forged one changes nothing. The event id is stored in the same transaction as
 * its effect, so a replayed event changes nothing either.
 */
export async function handleMuxWebhook(args: {
  body: string;
  headers: Headers;
}): Promise<{ outcome: "processed" | "duplicate" | "ignored" }> {
  const secret = env().MUX_WEBHOOK_SECRET;
  // Without a secret nothing can be checked, so nothing is accepted (Stripe's route answers the same way).
  if (!secret) throw new AppError(404, "courses.video.webhookNotConfigured");
  if (!args.headers.get("mux-signature")) throw new AppError(401, "courses.video.badSignature");
  let event: MuxEvent;
  try {
    event = (await (await muxClient()).webhooks.unwrap(args.body, args.headers, secret)) as unknown as MuxEvent;
  } catch {
    throw new AppError(400, "courses.video.badSignature");
  }
  if (!event?.id || !event.type || typeof event.data !== "object" || !event.data)
    throw new AppError(400, "courses.video.badSignature");

  return db.transaction(async (tx) => {
    const objectId = typeof event.data.id === "string" ? event.data.id : null;
    const inserted = await tx
      .insert(muxWebhookEvents)
      .values({ id: event.id, type: event.type, objectId })
      .onConflictDoNothing()
      .returning({ id: muxWebhookEvents.id });
    if (inserted.length === 0) return { outcome: "duplicate" as const };

    const data = event.data;
    // data.id is the asset for video.asset.* events and the upload for video.upload.* events.
    const assetId = typeof data.id === "string" ? data.id : "";
    const uploadId = typeof data.upload_id === "string" ? data.upload_id : "";
    switch (event.type) {
      case "video.asset.created":
      case "video.asset.ready":
      case "video.asset.errored": {
        const [video] = await tx
          .select()
          .from(lessonVideos)
          .where(
            uploadId
              ? or(eq(lessonVideos.muxUploadId, uploadId), eq(lessonVideos.muxAssetId, assetId))
              : eq(lessonVideos.muxAssetId, assetId),
          )
          .for("update");
        if (!video) return { outcome: "ignored" as const };
        const status =
          event.type === "video.asset.ready" ? "ready" : event.type === "video.asset.errored" ? "errored" : "preparing";
        await applyAssetState(
          tx,
          video.id,
          { ...(data as object), id: assetId, status } as Parameters<typeof applyAssetState>[2],
          video.playbackPolicy,
        );
        return { outcome: "processed" as const };
      }
      case "video.upload.asset_created": {
        // data is the upload; its asset is being prepared.
        const newAssetId = typeof data.asset_id === "string" ? data.asset_id : null;
        const updated = await tx
          .update(lessonVideos)
          .set({ muxAssetId: newAssetId, status: "processing" })
          .where(and(eq(lessonVideos.muxUploadId, assetId), eq(lessonVideos.status, "waiting_upload")))
          .returning({ id: lessonVideos.id });
        return { outcome: updated.length ? ("processed" as const) : ("ignored" as const) };
      }
      case "video.upload.errored":
      case "video.upload.cancelled":
      case "video.upload.timed_out": {
        const updated = await tx
          .update(lessonVideos)
          .set(
            event.type === "video.upload.cancelled"
              ? { status: "cancelled" }
              : { status: "errored", errorMessage: event.type },
          )
          .where(eq(lessonVideos.muxUploadId, assetId))
          .returning({ id: lessonVideos.id });
        return { outcome: updated.length ? ("processed" as const) : ("ignored" as const) };
      }
      default:
        return { outcome: "ignored" as const };
    }
  });
}
