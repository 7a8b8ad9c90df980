import { useTranslation } from "react-i18next";
import { data, redirect, Form, Link, useActionData, useLoaderData, useNavigation } from "react-router";
import { SessionWhen } from "~/components/cohorts/session-list";
import { courseTitle } from "~/components/cohorts/text";
import { Alert } from "~/components/ui/alert";
import { Button } from "~/components/ui/button";
import { Card, PageTitle } from "~/components/ui/card";
import { FormErrors } from "~/components/ui/form-errors";
import { appLoader } from "~/lib/errors.server";
import { formatTime } from "~/lib/format";
import { invalidForm, parseForm, submitForm } from "~/lib/forms.server";
import { checkIn, checkInPreview, isProofValid, ticketForCode } from "~/modules/attendance/check-in.server";
import { loadSessionWithCohort } from "~/modules/attendance/roll-call.server";
import { getUser, requireUser } from "~/modules/auth/guards.server";
import { CheckInSchema } from "~/modules/cohorts/schema";
import type { Route } from "./+types/check-in.$sessionId";

export const handle = { titleKey: "cohorts.checkIn.title" };

/**
 * The address in the QR code: /check-in/<session>?code=XXXX. A visitor with a valid code is sent to sign in
 * carrying a short-lived ticket instead of the code (which changes every 30 seconds), and lands back here.
 */
export const loader = appLoader(async ({ request, params }: Route.LoaderArgs) => {
  const sessionId = params.sessionId;
  await loadSessionWithCohort(sessionId);
  const url = new URL(request.url);
  const code = url.searchParams.get("code")?.slice(0, 40) ?? null;
  const given = url.searchParams.get("ticket")?.slice(0, 200) ?? null;
  const done = url.searchParams.get("done");
  const now = new Date();
  const ticket =
    given && (await isProofValid(sessionId, { ticket: given }, now))
      ? given
      : code
        ? await ticketForCode(sessionId, code, now)
        : null;
  const user = await getUser(request);
  if (!user) {
    if (ticket) throw redirect(`/login?redirectTo=${encodeURIComponent(`/check-in/${sessionId}?ticket=${ticket}`)}`);
    if (!code && !given) await requireUser(request);
  }
  // Opened without a code (a bookmark, a link): nothing is wrong, the person is asked to scan.
  const problem =
    done || (!code && !given)
      ? null
      : !ticket
        ? given
          ? "cohorts.checkIn.ticketExpired"
          : "cohorts.checkIn.codeExpired"
        : null;
  const preview = user ? await checkInPreview({ userId: user.id, sessionId, now }) : null;
  const state = {
    preview,
    ticket,
    problem,
    scanPrompt: !done && !code && !given,
    done: done === "present" || done === "late" ? done : null,
  };
  return problem ? data(state, { status: 400 }) : state;
});

export async function action({ request, params, context }: Route.ActionArgs) {
  const user = await requireUser(request);
  const sessionId = params.sessionId;
  const submission = await parseForm(request, CheckInSchema);
  if (submission.status !== "success") return invalidForm(submission);
  return submitForm(submission, async () => {
    const result = await checkIn({ userId: user.id, sessionId, proof: submission.value, ipAddress: context.clientIp });
    return redirect(`/check-in/${sessionId}?done=${result.status}`);
  });
}

export default function CheckInPage() {
  const { t, i18n } = useTranslation();
  const { preview, ticket, problem, scanPrompt, done } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const navigation = useNavigation();
  const language = i18n.language;
  const errors = actionData && "result" in actionData ? (actionData.result.error?.[""] ?? null) : null;
  return (
    <div className="mx-auto max-w-md space-y-4">
      <PageTitle>{t("cohorts.checkIn.title")}</PageTitle>
      {preview ? (
        <Card>
          <p className="font-semibold">
            {courseTitle(preview.course, language)} · {preview.cohort.code}
          </p>
          <p className="text-slate-800">
            <SessionWhen session={preview.session} />
          </p>
          {preview.session.topic ? <p className="text-sm text-slate-700">{preview.session.topic}</p> : null}
        </Card>
      ) : null}
      {done ? (
        <Alert tone="success">
          <span data-testid="check-in-done">{t(`cohorts.checkIn.done.${done}`)}</span>
        </Alert>
      ) : problem ? (
        <Alert tone="error">{t(problem)}</Alert>
      ) : scanPrompt ? (
        <Alert tone="info">{t("cohorts.checkIn.scanPrompt")}</Alert>
      ) : preview && !preview.enrolled ? (
        <Alert tone="error">{t("cohorts.checkIn.notEnrolled")}</Alert>
      ) : preview?.recorded ? (
        <Alert tone="info">
          {t("cohorts.checkIn.alreadyRecordedAs", { status: t(`cohorts.attendanceStatuses.${preview.recorded}`) })}
        </Alert>
      ) : preview && !preview.inWindow ? (
        <Alert tone="error">
          {preview.tooEarly
            ? t("cohorts.checkIn.tooEarlyAt", { time: formatTime(preview.window.opensAt, language) })
            : t("cohorts.checkIn.closed")}
        </Alert>
      ) : null}
      <FormErrors errors={errors} />
      {!done && ticket && preview?.enrolled && !preview.recorded && preview.inWindow ? (
        <Form method="post" className="space-y-2">
          <input type="hidden" name="ticket" value={ticket} />
          <p className="text-sm text-slate-700">{t("cohorts.checkIn.confirmText")}</p>
          <Button className="w-full py-3 text-base" disabled={navigation.state === "submitting"}>
            {t("cohorts.checkIn.confirm")}
          </Button>
        </Form>
      ) : null}
      {preview ? (
        <Link to={`/cohorts/${preview.cohort.id}`} className="inline-block text-sm text-brand-700 underline">
          {t("cohorts.checkIn.backToCohort")}
        </Link>
      ) : null}
    </div>
  );
}
