import { getFormProps, getInputProps, getSelectProps, getTextareaProps, useForm } from "@conform-to/react";
import { parseWithZod } from "@conform-to/zod";
import { useTranslation } from "react-i18next";
import { data, Form, Link, useActionData, useLoaderData, useNavigation } from "react-router";
import { StateBadge } from "~/components/certification/state-badge";
import { Alert } from "~/components/ui/alert";
import { Button } from "~/components/ui/button";
import { Card, PageTitle } from "~/components/ui/card";
import { SelectField, TextAreaField, TextField } from "~/components/ui/field";
import { FormErrors } from "~/components/ui/form-errors";
import { appLoader } from "~/lib/errors.server";
import { formatDate } from "~/lib/format";
import { invalidForm, parseForm, submitForm } from "~/lib/forms.server";
import { resultFor, savedIntent } from "~/lib/intent";
import { readIntent } from "~/lib/intent.server";
import { useCan } from "~/lib/use-user";
import { forbiddenResponse, requireUser } from "~/modules/auth/guards.server";
import { can, type Permission } from "~/modules/auth/permissions";
import { requireAnyPermission } from "~/modules/certification/access.server";
import {
  issueCertification,
  listAwards,
  listPanelDecisions,
  recordPanelDecision,
  renewCertification,
  revokeCertificate,
} from "~/modules/certification/awards.server";
import { listCertifications, listEligibleCandidates } from "~/modules/certification/requirements.server";
import { IssueSchema, PanelDecisionSchema, RenewSchema, RevokeSchema } from "~/modules/certification/schema";
import type { Route } from "./+types/certification.admin";

export const handle = { titleKey: "certification.admin.title" };

export const loader = appLoader(async ({ request }: Route.LoaderArgs) => {
  requireAnyPermission(await requireUser(request), ["issue:certification:any", "read:certification:any"]);
  const certifications = await listCertifications();
  const candidates = [];
  for (const c of certifications) {
    for (const person of await listEligibleCandidates(c.id)) {
      candidates.push({
        userId: person.userId,
        name: person.name,
        email: person.email,
        certificationId: c.id,
        nameVi: c.nameVi,
        nameEn: c.nameEn,
      });
    }
  }
  const now = Date.now();
  const awards = (await listAwards()).map((a) => ({
    id: a.award.id,
    holderName: a.holderName,
    holderEmail: a.holderEmail,
    nameVi: a.certificationNameVi,
    nameEn: a.certificationNameEn,
    status: a.award.status,
    state:
      a.award.status === "revoked"
        ? "revoked"
        : a.award.status === "renewed"
          ? "renewed"
          : a.award.validUntil.getTime() <= now
            ? "expired"
            : "valid",
    validUntil: a.award.validUntil,
    revokedReason: a.award.revokedReason,
    codes: a.certificateCodes,
  }));
  const decisions = (await listPanelDecisions()).map((d) => ({
    id: d.decision.id,
    candidateName: d.candidateName,
    outcome: d.decision.outcome,
    panelMembers: d.decision.panelMembers,
    decidedOn: d.decision.decidedOn,
  }));
  return { candidates, awards, decisions };
});

const INTENT_PERMISSION: Record<string, Permission> = {
  issue: "issue:certification:any",
  panel: "issue:certification:any",
  renew: "issue:certification:any",
  revoke: "revoke:certificate:any",
};

export async function action({ request }: Route.ActionArgs) {
  const user = await requireUser(request);
  const intent = (await readIntent(request)) ?? "";
  // Own keys only: "constructor" or "__proto__" are not intents (an inherited value would crash the check).
  const permission = Object.hasOwn(INTENT_PERMISSION, intent) ? INTENT_PERMISSION[intent] : undefined;
  if (!permission) throw data({ messageKey: "errors.badRequest" }, { status: 400 });
  if (!can(user, permission)) throw forbiddenResponse();
  switch (intent) {
    case "issue": {
      const submission = await parseForm(request, IssueSchema);
      if (submission.status !== "success") return invalidForm(submission);
      return submitForm(submission, async () => {
        await issueCertification({
          actorId: user.id,
          userId: submission.value.userId,
          certificationId: submission.value.certificationId,
        });
        return { result: submission.reply({ resetForm: true }), saved: "issue" };
      });
    }
    case "panel": {
      const submission = await parseForm(request, PanelDecisionSchema);
      if (submission.status !== "success") return invalidForm(submission);
      return submitForm(submission, async () => {
        const { intent: _intent, ...value } = submission.value;
        await recordPanelDecision({ actorId: user.id, ...value });
        return { result: submission.reply({ resetForm: true }), saved: "panel" };
      });
    }
    case "renew": {
      const submission = await parseForm(request, RenewSchema);
      if (submission.status !== "success") return invalidForm(submission);
      return submitForm(submission, async () => {
        await renewCertification({ actorId: user.id, awardId: submission.value.awardId });
        return { result: submission.reply({ resetForm: true }), saved: "renew" };
      });
    }
    default: {
      const submission = await parseForm(request, RevokeSchema);
      if (submission.status !== "success") return invalidForm(submission);
      return submitForm(submission, async () => {
        await revokeCertificate({ actorId: user.id, code: submission.value.code, reason: submission.value.reason });
        return { result: submission.reply({ resetForm: true }), saved: "revoke" };
      });
    }
  }
}

function today() {
  return new Intl.DateTimeFormat("en-CA", { timeZone: "Asia/Ho_Chi_Minh" }).format(new Date());
}

export default function CertificationAdminPage() {
  const { t, i18n } = useTranslation();
  const en = i18n.language === "en";
  const { candidates, awards, decisions } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const navigation = useNavigation();
  const busy = navigation.state === "submitting";
  const canIssue = useCan("issue:certification:any");
  const canRevoke = useCan("revoke:certificate:any");
  const saved = savedIntent(actionData);
  const issueResult = resultFor(actionData, "issue");
  const renewResult = resultFor(actionData, "renew");

  const [panelForm, panelFields] = useForm({
    id: "panel",
    lastResult: resultFor(actionData, "panel"),
    defaultValue: { decidedOn: today(), outcome: "approve" },
    onValidate: ({ formData }) => parseWithZod(formData, { schema: PanelDecisionSchema }),
    shouldValidate: "onSubmit",
    shouldRevalidate: "onInput",
  });
  const [revokeForm, revokeFields] = useForm({
    id: "revoke",
    lastResult: resultFor(actionData, "revoke"),
    onValidate: ({ formData }) => parseWithZod(formData, { schema: RevokeSchema }),
    shouldValidate: "onSubmit",
    shouldRevalidate: "onInput",
  });

  return (
    <div className="space-y-6">
      <PageTitle subtitle={t("certification.admin.subtitle")}>{t("certification.admin.title")}</PageTitle>
      {saved ? <Alert tone="success">{t(`certification.admin.saved.${saved}`)}</Alert> : null}
      <FormErrors errors={issueResult?.error?.[""] ?? null} />
      <FormErrors errors={renewResult?.error?.[""] ?? null} />

      <Card title={t("certification.admin.candidates")}>
        {candidates.length === 0 ? (
          <p>{t("certification.admin.noCandidates")}</p>
        ) : (
          <ul className="divide-y divide-slate-200">
            {candidates.map((c) => (
              <li
                key={`${c.userId}-${c.certificationId}`}
                className="flex flex-wrap items-center justify-between gap-2 py-3"
              >
                <span>
                  <span className="font-semibold">{c.name}</span>{" "}
                  <span className="text-sm text-slate-700">({c.email})</span> · {en ? c.nameEn : c.nameVi}
                </span>
                {canIssue ? (
                  <Form method="post">
                    <input type="hidden" name="intent" value="issue" />
                    <input type="hidden" name="userId" value={c.userId} />
                    <input type="hidden" name="certificationId" value={c.certificationId} />
                    <Button disabled={busy} aria-label={t("certification.admin.issueFor", { name: c.name })}>
                      {t("certification.admin.issue")}
                    </Button>
                  </Form>
                ) : null}
              </li>
            ))}
          </ul>
        )}
      </Card>

      {canIssue && candidates.length > 0 ? (
        <Card title={t("certification.admin.panelTitle")}>
          <p className="mb-3 text-sm text-slate-700">{t("certification.admin.panelIntro")}</p>
          <Form method="post" {...getFormProps(panelForm)} className="space-y-4">
            <input type="hidden" name="intent" value="panel" />
            <FormErrors errors={panelForm.errors} />
            <SelectField
              label={t("certification.admin.candidate")}
              errors={panelFields.userId.errors}
              {...getSelectProps(panelFields.userId)}
            >
              <option value="">{t("certification.admin.choose")}</option>
              {candidates.map((c) => (
                <option key={`${c.userId}-${c.certificationId}`} value={c.userId}>
                  {c.name}
                </option>
              ))}
            </SelectField>
            <input type="hidden" name="certificationId" value={candidates[0].certificationId} />
            <SelectField
              label={t("certification.admin.outcome")}
              errors={panelFields.outcome.errors}
              {...getSelectProps(panelFields.outcome)}
            >
              <option value="approve">{t("certification.admin.outcomes.approve")}</option>
              <option value="reject">{t("certification.admin.outcomes.reject")}</option>
            </SelectField>
            <TextAreaField
              label={t("certification.admin.panelMembers")}
              hint={t("certification.admin.panelMembersHint")}
              rows={3}
              errors={panelFields.panelMembers.errors}
              {...getTextareaProps(panelFields.panelMembers)}
            />
            <TextField
              label={t("certification.admin.decidedOn")}
              errors={panelFields.decidedOn.errors}
              {...getInputProps(panelFields.decidedOn, { type: "date" })}
            />
            <TextAreaField
              label={t("certification.admin.note")}
              rows={2}
              errors={panelFields.note.errors}
              {...getTextareaProps(panelFields.note)}
            />
            <Button disabled={busy}>{t("certification.admin.recordDecision")}</Button>
          </Form>
        </Card>
      ) : null}

      <Card title={t("certification.admin.holders")}>
        {awards.length === 0 ? (
          <p>{t("certification.admin.noHolders")}</p>
        ) : (
          <div className="overflow-x-auto">
            <table className="w-full text-left text-sm">
              <thead>
                <tr className="border-b border-slate-300">
                  <th scope="col" className="py-2 pr-3">
                    {t("certification.admin.holder")}
                  </th>
                  <th scope="col" className="py-2 pr-3">
                    {t("certification.admin.certification")}
                  </th>
                  <th scope="col" className="py-2 pr-3">
                    {t("certification.admin.state")}
                  </th>
                  <th scope="col" className="py-2 pr-3">
                    {t("certification.admin.validUntil")}
                  </th>
                  <th scope="col" className="py-2 pr-3">
                    {t("certification.admin.codes")}
                  </th>
                  <th scope="col" className="py-2">
                    {t("certification.admin.actions")}
                  </th>
                </tr>
              </thead>
              <tbody>
                {awards.map((a) => (
                  <tr key={a.id} className="border-b border-slate-200 align-top">
                    <td className="py-2 pr-3">{a.holderName}</td>
                    <td className="py-2 pr-3">{en ? a.nameEn : a.nameVi}</td>
                    <td className="py-2 pr-3">
                      <StateBadge state={a.state} />
                      {a.revokedReason ? <p className="mt-1 text-slate-700">{a.revokedReason}</p> : null}
                    </td>
                    <td className="py-2 pr-3">{formatDate(a.validUntil, i18n.language)}</td>
                    <td className="py-2 pr-3">
                      {a.codes.map((code) => (
                        <Link key={code} to={`/verify/${code}`} className="block font-mono text-brand-700 underline">
                          {code}
                        </Link>
                      ))}
                    </td>
                    <td className="py-2">
                      {canIssue && a.status === "active" ? (
                        <Form method="post">
                          <input type="hidden" name="intent" value="renew" />
                          <input type="hidden" name="awardId" value={a.id} />
                          <Button
                            variant="secondary"
                            disabled={busy}
                            aria-label={t("certification.admin.renewFor", { name: a.holderName })}
                          >
                            {t("certification.admin.renew")}
                          </Button>
                        </Form>
                      ) : null}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </Card>

      {canRevoke ? (
        <Card title={t("certification.admin.revokeTitle")}>
          <p className="mb-3 text-sm text-slate-700">{t("certification.admin.revokeIntro")}</p>
          <Form method="post" {...getFormProps(revokeForm)} className="space-y-4">
            <input type="hidden" name="intent" value="revoke" />
            <FormErrors errors={revokeForm.errors} />
            <TextField
              label={t("certification.admin.code")}
              errors={revokeFields.code.errors}
              {...getInputProps(revokeFields.code, { type: "text" })}
            />
            <TextAreaField
              label={t("certification.admin.reason")}
              rows={2}
              errors={revokeFields.reason.errors}
              {...getTextareaProps(revokeFields.reason)}
            />
            <Button variant="danger" disabled={busy}>
              {t("certification.admin.revoke")}
            </Button>
          </Form>
        </Card>
      ) : null}

      <Card title={t("certification.admin.decisions")}>
        {decisions.length === 0 ? (
          <p>{t("certification.admin.noDecisions")}</p>
        ) : (
          <ul className="space-y-2 text-sm">
            {decisions.map((d) => (
              <li key={d.id}>
                <span className="font-semibold">{d.candidateName}</span> —{" "}
                {t(`certification.admin.outcomes.${d.outcome}`)} ({formatDate(d.decidedOn, i18n.language)}):{" "}
                {d.panelMembers.join(", ")}
              </li>
            ))}
          </ul>
        )}
      </Card>
    </div>
  );
}
