import { useEffect, useRef, useState } from "react";
import { useTranslation } from "react-i18next";
import { useFetcher } from "react-router";
import { Alert } from "~/components/ui/alert";
import { Button } from "~/components/ui/button";
import { FormErrors } from "~/components/ui/form-errors";
import { formatDateTime } from "~/lib/format";

type VideoRow = { id: string; status: string; errorMessage: string | null; createdAt: string | Date };
/** The lesson action's answer: the upload address, or (as every form's refusal) conform's result with its messages. */
type UploadReply = { uploadUrl?: string; result?: { error?: Record<string, string[] | null> } };
const messagesOf = (reply: UploadReply | undefined) => Object.values(reply?.result?.error ?? {}).flatMap((m) => m ?? []);

/**
 * Staff upload a lesson video straight from the browser to Mux: the server makes a direct-upload URL,
 * the file is PUT to it, and Mux's webhook attaches the video once it is processed.
 */
export function VideoUploader({ latest, muxConfigured }: { latest: VideoRow | null; muxConfigured: boolean }) {
  const { t, i18n } = useTranslation();
  const create = useFetcher<UploadReply>();
  const refresh = useFetcher<UploadReply>();
  const fileRef = useRef<HTMLInputElement>(null);
  const pending = useRef<File | null>(null);
  const [state, setState] = useState<{ phase: "idle" | "uploading" | "done" | "failed"; percent: number }>({ phase: "idle", percent: 0 });

  useEffect(() => {
    const url = create.data?.uploadUrl;
    const file = pending.current;
    if (!url || !file) return;
    pending.current = null;
    const xhr = new XMLHttpRequest();
    xhr.open("PUT", url);
    xhr.upload.onprogress = (e) => e.lengthComputable && setState({ phase: "uploading", percent: Math.round((e.loaded * 100) / e.total) });
    xhr.onload = () => setState({ phase: xhr.status < 300 ? "done" : "failed", percent: 100 });
    xhr.onerror = () => setState({ phase: "failed", percent: 0 });
    setState({ phase: "uploading", percent: 0 });
    xhr.send(file);
  }, [create.data]);

  const errors = [...messagesOf(create.data), ...messagesOf(refresh.data)];
  return (
    <section aria-labelledby="video-admin-title" className="rounded-lg border border-amber-300 bg-amber-50 p-4">
      <h2 id="video-admin-title" className="font-semibold text-slate-900">
        {t("courses.video.adminTitle")}
      </h2>
      {latest ? (
        <p className="mt-1 text-sm text-slate-800">
          {t(`courses.video.status.${latest.status}`)} · {formatDateTime(latest.createdAt, i18n.language)}
          {latest.errorMessage ? ` · ${latest.errorMessage}` : ""}
        </p>
      ) : (
        <p className="mt-1 text-sm text-slate-800">{t("courses.video.none")}</p>
      )}
      {!muxConfigured ? (
        <p className="mt-2 text-sm text-slate-800">{t("courses.video.muxNotConfigured")}</p>
      ) : (
        <form
          className="mt-3 flex flex-wrap items-end gap-3"
          onSubmit={(e) => {
            e.preventDefault();
            const file = fileRef.current?.files?.[0];
            if (!file) return;
            pending.current = file;
            create.submit({ intent: "create-upload" }, { method: "post" });
          }}
        >
          <div>
            <label htmlFor="video-file" className="block text-sm font-medium text-slate-800">
              {t("courses.video.file")}
            </label>
            <input id="video-file" ref={fileRef} type="file" accept="video/*" required className="mt-1 block text-sm" />
          </div>
          <Button disabled={create.state !== "idle" || state.phase === "uploading"}>{t("courses.video.upload")}</Button>
          {latest && (latest.status === "waiting_upload" || latest.status === "processing") ? (
            <Button
              type="button"
              variant="secondary"
              onClick={() => refresh.submit({ intent: "refresh-video", videoId: latest.id }, { method: "post" })}
            >
              {t("courses.video.refresh")}
            </Button>
          ) : null}
        </form>
      )}
      <div aria-live="polite" className="mt-2 text-sm">
        {state.phase === "uploading" ? <p>{t("courses.video.uploading", { percent: state.percent })}</p> : null}
        {state.phase === "done" ? <p>{t("courses.video.uploaded")}</p> : null}
        {state.phase === "failed" ? <Alert tone="error">{t("courses.video.uploadFailed")}</Alert> : null}
        <FormErrors errors={errors} />
      </div>
    </section>
  );
}
