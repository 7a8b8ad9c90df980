import type { ReactNode } from "react";
import { useTranslation } from "react-i18next";
import { formatDate, formatTime, formatWeekday } from "~/lib/format";

export type SessionRow = {
  id: string;
  startsAt: string | Date;
  endsAt: string | Date;
  topic: string | null;
  venueAddress?: string | null;
  venueRoom?: string | null;
  onlineUrl?: string | null;
};

type Place = { venueAddress: string | null; venueRoom: string | null; onlineUrl: string | null };

/** "Thứ Hai, 2 thg 3, 2026 · 18:00–20:00" */
export function SessionWhen({ session }: { session: { startsAt: string | Date; endsAt: string | Date } }) {
  const { i18n } = useTranslation();
  const weekday = formatWeekday(session.startsAt, i18n.language);
  return (
    <span>
      {weekday}, {formatDate(new Date(session.startsAt), i18n.language)} · {formatTime(session.startsAt, i18n.language)}
      –{formatTime(session.endsAt, i18n.language)}
    </span>
  );
}

/** The cohort's sessions in order, numbered, with place and topic; `actions` adds controls per session. */
export function SessionList({
  sessions,
  place,
  actions,
  now,
}: {
  sessions: SessionRow[];
  place?: Place;
  actions?: (session: SessionRow, index: number) => ReactNode;
  now?: string;
}) {
  const { t } = useTranslation();
  if (sessions.length === 0) return <p className="text-slate-700">{t("cohorts.sessions.none")}</p>;
  const current = now ? new Date(now) : null;
  return (
    <ol className="divide-y divide-slate-200">
      {sessions.map((session, index) => {
        const room = session.venueRoom ?? place?.venueRoom;
        const address = session.venueAddress ?? place?.venueAddress;
        const link = session.onlineUrl ?? place?.onlineUrl;
        const past = current ? new Date(session.endsAt) <= current : false;
        return (
          <li key={session.id} className="flex flex-wrap items-start justify-between gap-2 py-3">
            <div>
              <p className="font-medium">
                {t("cohorts.sessions.number", { number: index + 1 })} · <SessionWhen session={session} />
                {past ? (
                  <span className="ml-2 text-sm font-normal text-slate-600">({t("cohorts.sessions.past")})</span>
                ) : null}
              </p>
              {session.topic ? <p className="text-sm text-slate-800">{session.topic}</p> : null}
              {room || address ? (
                <p className="text-sm text-slate-700">{[room, address].filter(Boolean).join(", ")}</p>
              ) : null}
              {link ? (
                <p className="text-sm">
                  <a href={link} className="text-brand-700 underline" rel="noreferrer noopener" target="_blank">
                    {t("cohorts.sessions.joinOnline")}
                  </a>
                </p>
              ) : null}
            </div>
            {actions ? <div className="flex flex-wrap gap-2">{actions(session, index)}</div> : null}
          </li>
        );
      })}
    </ol>
  );
}
