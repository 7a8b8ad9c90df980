import MuxPlayer from "@mux/mux-player-react/lazy";
import { useCallback, useRef } from "react";
import { useTranslation } from "react-i18next";
import { useRevalidator } from "react-router";

type Playback =
  | { kind: "mux"; playbackId: string; tokens: { playback?: string; thumbnail?: string; storyboard?: string } | null; durationSeconds: number | null }
  | { kind: "local"; src: string; contentType: string };

/** Sends the playing position to the server every 10 s, and at play, pause and end. */
function useWatchReporter(progressUrl: string | null, completed: boolean) {
  const last = useRef(0);
  const done = useRef(completed);
  const revalidator = useRevalidator();
  return useCallback(
    (media: { currentTime: number; duration: number } | null, force = false) => {
      if (!progressUrl || !media || !Number.isFinite(media.duration) || media.duration <= 0) return;
      const now = Date.now();
      if (!force && now - last.current < 10_000) return;
      last.current = now;
      const body = new URLSearchParams({ position: String(Math.floor(media.currentTime)), duration: String(Math.ceil(media.duration)) });
      fetch(progressUrl, { method: "POST", body, credentials: "same-origin", keepalive: true })
        .then((r) => (r.ok ? (r.json() as Promise<{ completed?: boolean }>) : null))
        .then((result) => {
          if (result?.completed && !done.current) {
            done.current = true;
            revalidator.revalidate();
          }
        })
        .catch(() => {
          // A lost report only delays the credit; the next one carries the position.
        });
    },
    [progressUrl, revalidator],
  );
}

export function LessonVideo({
  playback,
  title,
  progressUrl,
  startAt,
  completed,
}: {
  playback: Playback;
  title: string;
  /** Where watch reports go; null when progress is not recorded (previews). */
  progressUrl: string | null;
  startAt: number;
  completed: boolean;
}) {
  const { t } = useTranslation();
  const report = useWatchReporter(progressUrl, completed);
  const fromEvent = (event: Event) => event.target as unknown as { currentTime: number; duration: number };

  if (playback.kind === "mux") {
    return (
      <MuxPlayer
        className="aspect-video w-full overflow-hidden rounded-lg bg-black"
        streamType="on-demand"
        playbackId={playback.playbackId}
        tokens={playback.tokens ?? undefined}
        title={title}
        metadata={{ video_title: title }}
        startTime={startAt > 0 ? startAt : undefined}
        accentColor="#1e40af"
        onPlay={(e) => report(fromEvent(e), true)}
        onTimeUpdate={(e) => report(fromEvent(e))}
        onPause={(e) => report(fromEvent(e), true)}
        onEnded={(e) => report(fromEvent(e), true)}
      />
    );
  }
  return (
    <video
      className="aspect-video w-full rounded-lg bg-black"
      controls
      preload="metadata"
      aria-label={t("courses.lesson.videoLabel", { title })}
      onLoadedMetadata={(e) => {
        if (startAt > 0 && startAt < e.currentTarget.duration - 5) e.currentTarget.currentTime = startAt;
      }}
      onPlay={(e) => report(e.currentTarget, true)}
      onTimeUpdate={(e) => report(e.currentTarget)}
      onPause={(e) => report(e.currentTarget, true)}
      onEnded={(e) => report(e.currentTarget, true)}
    >
      <source src={playback.src} type={playback.contentType} />
      {t("courses.lesson.videoUnsupported")}
    </video>
  );
}
