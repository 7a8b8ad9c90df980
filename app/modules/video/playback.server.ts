import { and, eq, isNull } from "drizzle-orm";
import { courses, lessons } from "#db/schema";
import { db } from "~/lib/db.server";
import { logger } from "~/lib/logger.server";
import { lessonAccess } from "~/modules/courses/access.server";
import { lessonVideoState } from "./lesson-videos.server";
import { muxClient, signedPlaybackConfigured } from "./mux.server";

/** How long a signed playback token lasts: a lesson's length plus a good margin. */
const TOKEN_LIFETIME = "6h";

export type MuxTokens = { playback?: string; thumbnail?: string; storyboard?: string };
export type LessonPlayback =
  | { kind: "mux"; playbackId: string; tokens: MuxTokens | null; durationSeconds: number | null }
  | { kind: "local"; src: string; contentType: string }
  | null;

export function localVideoContentType(path: string): string {
  return path.toLowerCase().endsWith(".webm") ? "video/webm" : "video/mp4";
}

/**
 * What the player needs for a lesson's video — only for people allowed to open the lesson: a Mux playback
 * id with signed tokens, or the address of the local file. Anyone else gets nothing (null).
 */
export async function lessonPlayback(args: { userId: string | null; lessonId: string }): Promise<LessonPlayback> {
  const access = await lessonAccess(args);
  if (!access.allowed) return null;
  const [lesson] = await db
    .select({ slug: lessons.slug, videoPath: lessons.videoPath, courseSlug: courses.slug })
    .from(lessons)
    .innerJoin(courses, eq(courses.id, lessons.courseId))
    .where(and(eq(lessons.id, args.lessonId), isNull(lessons.archivedAt)));
  if (!lesson) return null;

  const { ready } = await lessonVideoState(args.lessonId);
  if (ready?.playbackId) {
    if (ready.playbackPolicy !== "signed") {
      return { kind: "mux", playbackId: ready.playbackId, tokens: null, durationSeconds: ready.durationSeconds };
    }
    if (signedPlaybackConfigured()) {
      const signed = (await (
        await muxClient()
      ).jwt.signPlaybackId(ready.playbackId, {
        type: ["video", "thumbnail", "storyboard"],
        expiration: TOKEN_LIFETIME,
      })) as Record<string, string | undefined>;
      return {
        kind: "mux",
        playbackId: ready.playbackId,
        tokens: {
          playback: signed["playback-token"],
          thumbnail: signed["thumbnail-token"],
          storyboard: signed["storyboard-token"],
        },
        durationSeconds: ready.durationSeconds,
      };
    }
    logger.warn({ scope: "mux" }, "a signed video is ready but MUX_SIGNING_KEY_ID/MUX_SIGNING_KEY_PRIVATE are not set");
  }
  if (lesson.videoPath) {
    return {
      kind: "local",
      src: `/learn/${lesson.courseSlug}/${lesson.slug}/video`,
      contentType: localVideoContentType(lesson.videoPath),
    };
  }
  return null;
}
