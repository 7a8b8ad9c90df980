import { getFormProps, useForm } from "@conform-to/react";
import { parseWithZod } from "@conform-to/zod";
import { useTranslation } from "react-i18next";
import { data, redirect, Form, Link, useActionData, useLoaderData, useNavigation, useSearchParams } from "react-router";
import { z } from "zod";
import { AttendanceStanding } from "~/components/cohorts/attendance-standing";
import { AttendanceBadge, EnrollmentStatusBadge } from "~/components/cohorts/badges";
import { SessionList } from "~/components/cohorts/session-list";
import { courseTitle } from "~/components/cohorts/text";
import { CohortSubsidy } from "~/components/subsidy/cohort-subsidy";
import { Alert } from "~/components/ui/alert";
import { Button, buttonClass } from "~/components/ui/button";
import { Card, PageTitle } from "~/components/ui/card";
import { TextAreaField } from "~/components/ui/field";
import { FormErrors } from "~/components/ui/form-errors";
import { notFound, type ErrorPayload } from "~/lib/errors";
import { appLoader } from "~/lib/errors.server";
import { formatDate, formatDateTime, formatVnd } from "~/lib/format";
import { invalidForm, parseForm, submitForm } from "~/lib/forms.server";
import { resultFor } from "~/lib/intent";
import { readIntent } from "~/lib/intent.server";
import { attendanceOfEnrollment, enrollmentAttendanceProgress } from "~/modules/attendance/progress.server";
import { getUser, requireUser } from "~/modules/auth/guards.server";
import { can } from "~/modules/auth/permissions";
import { canReadCohortAdmin } from "~/modules/cohorts/access.server";
import { getCohortDetail } from "~/modules/cohorts/cohorts.server";
import { ApplicationSchema, WithdrawSchema } from "~/modules/cohorts/schema";
import { isActive } from "~/modules/cohorts/statuses";
import { getCohortDiscount, placeDiscountVnd } from "~/modules/discounts/discounts.server";
import {
  acceptOffer,
  apply,
  declineOffer,
  enrol,
  getMyEnrollment,
  withdraw,
} from "~/modules/enrollment/enrollment.server";
import { openPaymentOfEnrollment } from "~/modules/payments/payments.server";
import { cohortSubsidyView } from "~/modules/subsidy/enrollment-subsidy.server";
import type { Route } from "./+types/cohorts.$cohortId";

export const handle = { titleKey: "cohorts.public.cohortTitle" };

export const loader = appLoader(async ({ request, params }: Route.LoaderArgs) => {
  const user = await getUser(request);
  const detail = await getCohortDetail(params.cohortId);
  const isManager = user ? canReadCohortAdmin(user, detail.cohort) : false;
  // A cancelled cohort stays readable (its people follow the link in the cancellation mail); a draft does not.
  if (detail.cohort.status === "draft" && !isManager) throw notFound();
  const now = new Date();
  const mine = user ? await getMyEnrollment(user.id, detail.cohort.id) : null;
  const participates = mine && ["confirmed", "completed", "not_completed"].includes(mine.status);
  const [progress, records] =
    mine && participates
      ? await Promise.all([
          enrollmentAttendanceProgress(detail.cohort.id, mine.id, now),
          attendanceOfEnrollment(mine.id),
        ])
      : [null, []];
  const { cohort } = detail;
  const feeVnd = mine?.feeVnd ?? cohort.feeVnd;
  // Once the place has a payment, the discount it took then; before, what the cohort's discount takes today.
  const [discountVnd, cohortDiscount] = await Promise.all([
    placeDiscountVnd({ cohortId: cohort.id, enrollmentId: mine?.id ?? null, feeVnd }),
    getCohortDiscount(cohort.id),
  ]);
  const discount =
    discountVnd > 0
      ? { amountVnd: discountVnd, nettVnd: feeVnd - discountVnd, reason: cohortDiscount?.reason ?? null }
      : null;
  return {
    cohort: {
      id: cohort.id,
      code: cohort.code,
      status: cohort.status,
      admission: cohort.admission,
      startsOn: cohort.startsOn,
      endsOn: cohort.endsOn,
      enrollmentOpensAt: cohort.enrollmentOpensAt,
      enrollmentClosesAt: cohort.enrollmentClosesAt,
      capacity: cohort.capacity,
      language: cohort.language,
      format: cohort.format,
      venueAddress: cohort.venueAddress,
      venueRoom: cohort.venueRoom,
      // The online link is for people with a place.
      onlineUrl: participates || isManager ? cohort.onlineUrl : null,
      feeVnd: cohort.feeVnd,
      description: cohort.description,
      cancellationReason: cohort.status === "cancelled" ? cohort.cancellationReason : null,
    },
    course: detail.course,
    organisation: detail.organisation,
    seatsLeft: detail.seatsLeft,
    waitlist: detail.waitlist,
    sessions: detail.sessions.map((s) => ({
      id: s.id,
      startsAt: s.startsAt,
      endsAt: s.endsAt,
      topic: s.topic,
      venueAddress: s.venueAddress,
      venueRoom: s.venueRoom,
      onlineUrl: participates || isManager ? s.onlineUrl : null,
    })),
    trainers: detail.trainers.map((tr) => ({ id: tr.id, name: tr.name })),
    questions: detail.questions,
    signedIn: Boolean(user),
    canEnrol: user ? can(user, "enrol:cohort:own") : false,
    mine: mine
      ? {
          id: mine.id,
          status: mine.status,
          waitlistPosition: mine.waitlistRank ?? mine.waitlistPosition,
          offerExpiresAt: mine.offerExpiresAt,
          withdrawnAfterStart: mine.withdrawnAfterStart,
        }
      : null,
    progress,
    records: Object.fromEntries(records.map((r) => [r.sessionId, r.status])),
    windowOpen: now >= cohort.enrollmentOpensAt && now < cohort.enrollmentClosesAt,
    now: now.toISOString(),
    discount,
    // Full fee, discount, subsidy and nett fee (the learner's own once enrolled, else their estimate).
    subsidy: await cohortSubsidyView({
      cohortId: cohort.id,
      userId: user?.id ?? null,
      enrollmentId: mine?.id ?? null,
      feeVnd,
      discountVnd: discount?.amountVnd ?? 0,
      hours: detail.course.hours,
      startsOn: cohort.startsOn,
      now,
    }),
  };
});

const IntentOnly = z.object({ intent: z.string() });

export async function action({ request, params, context }: Route.ActionArgs) {
  const user = await requireUser(request);
  const cohortId = params.cohortId;
  const back = `/cohorts/${cohortId}`;
  const intent = await readIntent(request);
  switch (intent) {
    case "enrol": {
      const submission = await parseForm(request, IntentOnly);
      if (submission.status !== "success") return invalidForm(submission);
      return submitForm(submission, async () => {
        const result = await enrol({ actor: user, cohortId, ipAddress: context.clientIp });
        // A place held for payment: straight to paying.
        const paymentId =
          result.status === "pending_payment" ? await openPaymentOfEnrollment(result.enrollmentId) : null;
        return redirect(paymentId ? `/payments/${paymentId}` : `${back}?done=${result.status}`);
      });
    }
    case "apply": {
      const submission = await parseForm(request, ApplicationSchema);
      if (submission.status !== "success") return invalidForm(submission);
      return submitForm(submission, async () => {
        await apply({ actor: user, cohortId, answers: submission.value.answers ?? [] });
        return redirect(`${back}?done=applied`);
      });
    }
    case "withdraw": {
      const submission = await parseForm(request, WithdrawSchema);
      if (submission.status !== "success") return invalidForm(submission);
      return submitForm(submission, async () => {
        const mine = await getMyEnrollment(user.id, cohortId);
        if (!mine) throw notFound();
        await withdraw({
          actor: user,
          enrollmentId: mine.id,
          reason: submission.value.reason,
          ipAddress: context.clientIp,
        });
        return redirect(`${back}?done=withdrawn`);
      });
    }
    case "accept-offer":
    case "decline-offer": {
      const submission = await parseForm(request, IntentOnly);
      if (submission.status !== "success") return invalidForm(submission);
      return submitForm(submission, async () => {
        const mine = await getMyEnrollment(user.id, cohortId);
        if (!mine) throw notFound();
        if (intent === "accept-offer") await acceptOffer({ actor: user, enrollmentId: mine.id });
        else await declineOffer({ actor: user, enrollmentId: mine.id });
        return redirect(`${back}?done=${intent === "accept-offer" ? "confirmed" : "declined"}`);
      });
    }
    default:
      throw data({ messageKey: "errors.badRequest" } satisfies ErrorPayload, { status: 400 });
  }
}

function Fact({ label, children }: { label: string; children: React.ReactNode }) {
  return (
    <div>
      <dt className="text-sm text-slate-600">{label}</dt>
      <dd className="font-medium text-slate-900">{children}</dd>
    </div>
  );
}

function ApplicationForm({
  questions,
  lastResult,
}: {
  questions: { id: string; prompt: string; required: boolean }[];
  lastResult: ReturnType<typeof resultFor>;
}) {
  const { t } = useTranslation();
  const navigation = useNavigation();
  const [form, fields] = useForm({
    id: "apply",
    lastResult,
    onValidate: ({ formData }) => parseWithZod(formData, { schema: ApplicationSchema }),
    shouldValidate: "onSubmit",
    shouldRevalidate: "onInput",
  });
  const answers = fields.answers.getFieldList();
  return (
    <Form method="post" {...getFormProps(form)} className="space-y-4">
      <input type="hidden" name="intent" value="apply" />
      <FormErrors errors={form.errors} />
      {questions.map((q, i) => {
        const field = answers[i];
        return (
          <TextAreaField
            key={q.id}
            label={q.required ? q.prompt : `${q.prompt} (${t("cohorts.public.optional")})`}
            rows={3}
            errors={field?.errors}
            name={`answers[${i}]`}
            defaultValue={typeof field?.initialValue === "string" ? field.initialValue : ""}
            required={q.required}
          />
        );
      })}
      <Button disabled={navigation.state === "submitting"}>{t("cohorts.public.apply")}</Button>
    </Form>
  );
}

export default function CohortPage() {
  const { t, i18n } = useTranslation();
  const loaded = useLoaderData<typeof loader>();
  const {
    cohort,
    course,
    organisation,
    seatsLeft,
    waitlist,
    sessions,
    trainers,
    questions,
    signedIn,
    canEnrol,
    mine,
    progress,
    records,
    windowOpen,
    now,
  } = loaded;
  const actionData = useActionData<typeof action>();
  const navigation = useNavigation();
  const [params] = useSearchParams();
  const done = params.get("done");
  const busy = navigation.state === "submitting";
  const language = i18n.language;
  const active = mine ? isActive(mine.status) : false;
  const topErrors = ["enrol", "withdraw", "accept-offer", "decline-offer"].flatMap(
    (i) => resultFor(actionData, i)?.error?.[""] ?? [],
  );
  const mayTakePlace = !mine || (["withdrawn", "lapsed"].includes(mine.status) && !mine.withdrawnAfterStart);
  return (
    <div className="space-y-6">
      <Link to="/cohorts" className="text-sm text-brand-700 underline">
        ← {t("cohorts.public.listTitle")}
      </Link>
      <PageTitle subtitle={`${organisation.name} · ${t("cohorts.public.codeLabel", { code: cohort.code })}`}>
        {courseTitle(course, language)}
      </PageTitle>
      {cohort.status === "cancelled" ? (
        <Alert tone="warning">{t("cohorts.public.cancelled", { reason: cohort.cancellationReason ?? "" })}</Alert>
      ) : cohort.status !== "published" ? (
        <Alert tone="warning">{t("cohorts.public.notPublished")}</Alert>
      ) : null}
      {done ? (
        <Alert tone="success">{t(`cohorts.public.done.${done}`, { defaultValue: t("common.saved") })}</Alert>
      ) : null}
      <FormErrors errors={topErrors.length ? topErrors : null} />

      <Card title={t("cohorts.public.aboutTitle")}>
        <dl className="grid gap-4 sm:grid-cols-3">
          <Fact label={t("cohorts.fields.dates")}>
            {formatDate(cohort.startsOn, language)} – {formatDate(cohort.endsOn, language)}
          </Fact>
          <Fact label={t("cohorts.fields.format")}>
            {t(`cohorts.formats.${cohort.format}`)} · {t(`cohorts.languages.${cohort.language}`)}
          </Fact>
          <Fact label={t("cohorts.fields.venue")}>
            {[cohort.venueRoom, cohort.venueAddress].filter(Boolean).join(", ") || t("cohorts.public.online")}
          </Fact>
          <Fact label={t("cohorts.fields.feeVnd")}>{formatVnd(cohort.feeVnd, language)}</Fact>
          {loaded.discount ? (
            <Fact label={t("cohorts.discount.learnerLabel")}>
              <span data-testid="cohort-discount">
                − {formatVnd(loaded.discount.amountVnd, language)} ·{" "}
                {t("cohorts.discount.afterDiscount", { amount: formatVnd(loaded.discount.nettVnd, language) })}
              </span>
              {loaded.discount.reason ? (
                <span className="block text-sm text-slate-700">{loaded.discount.reason}</span>
              ) : null}
            </Fact>
          ) : null}
          <Fact label={t("cohorts.fields.seats")}>
            {seatsLeft > 0
              ? t("cohorts.public.seatsLeft", { count: seatsLeft })
              : t("cohorts.public.full", { count: waitlist })}
          </Fact>
          <Fact label={t("cohorts.fields.enrollmentWindow")}>
            {formatDateTime(cohort.enrollmentOpensAt, language)} – {formatDateTime(cohort.enrollmentClosesAt, language)}
          </Fact>
          <Fact label={t("cohorts.fields.admission")}>{t(`cohorts.admissions.${cohort.admission}`)}</Fact>
          <Fact label={t("cohorts.trainers.title")}>
            {trainers.map((tr) => tr.name).join(", ") || t("common.none")}
          </Fact>
        </dl>
        {cohort.description ? <p className="mt-4 whitespace-pre-line text-slate-800">{cohort.description}</p> : null}
        {cohort.onlineUrl ? (
          <p className="mt-3">
            <a href={cohort.onlineUrl} className="text-brand-700 underline" rel="noreferrer noopener" target="_blank">
              {t("cohorts.sessions.joinOnline")}
            </a>
          </p>
        ) : null}
      </Card>

      <Card title={t("cohorts.public.yourPlace")}>
        <CohortSubsidy subsidy={loaded.subsidy} />
        {mine ? (
          <div className="space-y-3" data-enrollment-status={mine.status}>
            <p>
              <EnrollmentStatusBadge status={mine.status} position={mine.waitlistPosition} />
            </p>
            <p className="text-slate-800">
              {t(`cohorts.public.statusText.${mine.status}`, { position: mine.waitlistPosition ?? "" })}
            </p>
            {mine.status === "pending_payment" ? (
              <Link to="/payments" className="text-brand-700 underline">
                {t("payments.nav.mine")}
              </Link>
            ) : null}
            {mine.status === "offered" && mine.offerExpiresAt ? (
              <Form method="post" className="space-y-2">
                <Alert tone="warning">
                  {t("cohorts.offer.deadline", { when: formatDateTime(mine.offerExpiresAt, language) })}
                </Alert>
                <div className="flex flex-wrap gap-2">
                  <Button name="intent" value="accept-offer" disabled={busy}>
                    {t("cohorts.offer.accept")}
                  </Button>
                  <Button name="intent" value="decline-offer" variant="secondary" disabled={busy}>
                    {t("cohorts.offer.decline")}
                  </Button>
                </div>
              </Form>
            ) : null}
            {progress ? <AttendanceStanding progress={progress} /> : null}
            {active ? (
              <details>
                <summary className="cursor-pointer text-sm text-brand-700 underline">
                  {t("cohorts.withdraw.open")}
                </summary>
                <Form method="post" className="mt-2 space-y-2">
                  <input type="hidden" name="intent" value="withdraw" />
                  <p className="text-sm text-slate-700">{t("cohorts.withdraw.explain")}</p>
                  <TextAreaField label={t("cohorts.withdraw.reasonOptional")} name="reason" rows={2} />
                  <Button variant="danger" disabled={busy}>
                    {t("cohorts.withdraw.confirm")}
                  </Button>
                </Form>
              </details>
            ) : null}
          </div>
        ) : null}
        {mayTakePlace && cohort.status === "published" ? (
          !signedIn ? (
            <Link
              to={`/login?redirectTo=${encodeURIComponent(`/cohorts/${cohort.id}`)}`}
              className={buttonClass("primary")}
            >
              {t("cohorts.public.signInToEnrol")}
            </Link>
          ) : !canEnrol ? (
            <p className="text-slate-700">{t("cohorts.enrol.notAllowed")}</p>
          ) : !windowOpen ? (
            <p className="text-slate-700">{t("cohorts.public.windowClosed")}</p>
          ) : cohort.admission === "application" ? (
            <ApplicationForm questions={questions} lastResult={resultFor(actionData, "apply")} />
          ) : (
            <Form method="post">
              <input type="hidden" name="intent" value="enrol" />
              <Button disabled={busy}>
                {seatsLeft > 0 ? t("cohorts.public.enrol") : t("cohorts.public.joinWaitlist")}
              </Button>
            </Form>
          )
        ) : null}
      </Card>

      <Card title={t("cohorts.sessions.title", { count: sessions.length })}>
        <SessionList
          sessions={sessions}
          place={cohort}
          now={now}
          actions={progress ? (session) => <AttendanceBadge status={records[session.id] ?? null} /> : undefined}
        />
        {cohort.status === "published" ? (
          <a
            href={`/cohorts/${cohort.id}/calendar.ics`}
            className="mt-3 inline-block text-sm text-brand-700 underline"
            download
          >
            {t("cohorts.calendar.downloadCohort")}
          </a>
        ) : null}
      </Card>
    </div>
  );
}
