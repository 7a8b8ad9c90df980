import { useEffect, useRef, useState } from "react";
import { useTranslation } from "react-i18next";
import { Link, useLoaderData } from "react-router";
import { SessionWhen } from "~/components/cohorts/session-list";
import { courseTitle } from "~/components/cohorts/text";
import { Alert } from "~/components/ui/alert";
import { publicBaseUrl } from "~/lib/base-url.server";
import { appLoader } from "~/lib/errors.server";
import { formatTime } from "~/lib/format";
import { currentCheckInCode } from "~/modules/attendance/check-in.server";
import { loadSessionWithCohort } from "~/modules/attendance/roll-call.server";
import { requireTeacher } from "~/modules/cohorts/guards.server";
import type { Route } from "./+types/teach.sessions.$sessionId.qr";

export const handle = { titleKey: "cohorts.qr.title" };

export const loader = appLoader(async ({ request, params }: Route.LoaderArgs) => {
  const user = await requireTeacher(request);
  const code = await currentCheckInCode({ actor: user, sessionId: params.sessionId, baseUrl: publicBaseUrl(request) });
  const { session, cohort, course } = await loadSessionWithCohort(params.sessionId);
  return {
    session: { id: session.id, startsAt: session.startsAt, endsAt: session.endsAt, topic: session.topic },
    cohort: { id: cohort.id, code: cohort.code },
    course,
    code,
  };
});

type Code = ReturnType<typeof useLoaderData<typeof loader>>["code"];

/**
 * The check-in screen: shows the code the server computes now and asks again when it changes. Only the
 * server's clock counts: the countdown is kept relative to the server time of the last answer.
 */
function useRotatingCode(sessionId: string, initial: Code) {
  const [code, setCode] = useState(initial);
  const [offset, setOffset] = useState(() => new Date(initial.serverTime).getTime() - Date.now());
  const [failed, setFailed] = useState(false);
  const [, tick] = useState(0);
  const timer = useRef<ReturnType<typeof setTimeout>>();
  useEffect(() => {
    let stopped = false;
    async function refresh() {
      try {
        const response = await fetch(`/teach/sessions/${sessionId}/code`, {
          headers: { Accept: "application/json" },
          cache: "no-store",
        });
        if (!response.ok) throw new Error(String(response.status));
        const next = (await response.json()) as Code;
        if (stopped) return;
        setCode(next);
        setOffset(new Date(next.serverTime).getTime() - Date.now());
        setFailed(false);
        schedule(new Date(next.rotatesAt).getTime() - new Date(next.serverTime).getTime());
      } catch {
        if (stopped) return;
        setFailed(true);
        schedule(3_000);
      }
    }
    function schedule(ms: number) {
      clearTimeout(timer.current);
      timer.current = setTimeout(refresh, Math.max(500, Math.min(ms + 250, 30_000)));
    }
    schedule(new Date(initial.rotatesAt).getTime() - new Date(initial.serverTime).getTime());
    const second = setInterval(() => tick((n) => n + 1), 1_000);
    return () => {
      stopped = true;
      clearTimeout(timer.current);
      clearInterval(second);
    };
  }, [sessionId, initial]);
  const secondsLeft = Math.max(0, Math.ceil((new Date(code.rotatesAt).getTime() - (Date.now() + offset)) / 1000));
  return { code, secondsLeft, failed };
}

export default function QrScreenPage() {
  const { t, i18n } = useTranslation();
  const { session, cohort, course, code: initial } = useLoaderData<typeof loader>();
  const { code, secondsLeft, failed } = useRotatingCode(session.id, initial);
  const language = i18n.language;
  return (
    <div className="mx-auto max-w-3xl space-y-4 text-center">
      <Link to={`/teach/sessions/${session.id}`} className="text-sm text-brand-700 underline">
        ← {t("cohorts.rollCall.title")}
      </Link>
      <h1 className="text-2xl font-bold">
        {courseTitle(course, language)} · {cohort.code}
      </h1>
      <p className="text-slate-800">
        <SessionWhen session={session} />
        {session.topic ? ` · ${session.topic}` : ""}
      </p>
      {!code.windowOpen ? (
        <Alert tone="warning">
          {t("cohorts.qr.windowClosed", {
            from: formatTime(code.opensAt, language),
            to: formatTime(code.closesAt, language),
          })}
        </Alert>
      ) : null}
      {failed ? <Alert tone="error">{t("cohorts.qr.offline")}</Alert> : null}
      <div className="mx-auto w-full max-w-md rounded-lg border border-slate-200 bg-white p-4">
        <div
          role="img"
          aria-label={t("cohorts.qr.imageLabel")}
          className="mx-auto w-full [&>svg]:h-auto [&>svg]:w-full"
          // The SVG is made on the server by the qrcode library from our own address.
          dangerouslySetInnerHTML={{ __html: code.svg }}
        />
        <p className="mt-3 text-sm text-slate-700">{t("cohorts.qr.orType")}</p>
        <p
          className="font-mono text-4xl font-bold tracking-[0.3em]"
          data-check-in-url={code.url}
          data-code={code.code}
          aria-live="polite"
        >
          {code.code}
        </p>
        <p className="mt-2 text-sm text-slate-700" aria-live="off">
          {t("cohorts.qr.changesIn", { count: secondsLeft })}
        </p>
      </div>
      <p className="text-lg font-semibold" aria-live="polite">
        {t("cohorts.qr.checkedIn", { count: code.checkedIn })}
      </p>
      <p className="text-sm text-slate-700">{t("cohorts.qr.howTo")}</p>
    </div>
  );
}
