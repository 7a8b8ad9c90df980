import { getFormProps, getInputProps, useForm } from "@conform-to/react";
import { parseWithZod } from "@conform-to/zod";
import { useTranslation } from "react-i18next";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "react-router";
import { StateBadge } from "~/components/certification/state-badge";
import { Alert } from "~/components/ui/alert";
import { Button, buttonClass } from "~/components/ui/button";
import { Card, PageTitle } from "~/components/ui/card";
import { CheckboxField, TextField } from "~/components/ui/field";
import { FormErrors } from "~/components/ui/form-errors";
import { appLoader } from "~/lib/errors.server";
import { formatDate } from "~/lib/format";
import { invalidForm, parseForm, submitForm } from "~/lib/forms.server";
import { savedIntent } from "~/lib/intent";
import { requirePermission } from "~/modules/auth/guards.server";
import { certificateState, listCertificatesOf } from "~/modules/certificates/certificates.server";
import { registryEntryOf, setRegistryListing } from "~/modules/certification/registry.server";
import { hasValidCertification } from "~/modules/certification/requirements.server";
import { RegistrySchema } from "~/modules/certification/schema";
import type { Route } from "./+types/certification.certificates._index";

export const handle = { titleKey: "certification.certificates.title" };

export const loader = appLoader(async ({ request }: Route.LoaderArgs) => {
  const user = await requirePermission(request, "view:certificates:own");
  const [rows, registry, certified] = await Promise.all([
    listCertificatesOf(user.id),
    registryEntryOf(user.id),
    hasValidCertification({ userId: user.id }),
  ]);
  return {
    certificates: rows.map((c) => ({
      code: c.code,
      kind: c.kind,
      achievementVi: c.achievementVi,
      achievementEn: c.achievementEn,
      issuedAt: c.issuedAt,
      validUntil: c.validUntil,
      state: certificateState(c),
      revokedReason: c.revokedReason,
    })),
    registry: { listed: registry.listed, headlineVi: registry.headlineVi ?? "", headlineEn: registry.headlineEn ?? "" },
    certified,
  };
});

export async function action({ request }: Route.ActionArgs) {
  const user = await requirePermission(request, "view:certificates:own");
  const submission = await parseForm(request, RegistrySchema);
  if (submission.status !== "success") return invalidForm(submission);
  return submitForm(submission, async () => {
    await setRegistryListing({ userId: user.id, ...submission.value });
    return { result: submission.reply(), saved: "registry" };
  });
}

export default function MyCertificatesPage() {
  const { t, i18n } = useTranslation();
  const en = i18n.language === "en";
  const { certificates, registry, certified } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const navigation = useNavigation();
  const [form, fields] = useForm({
    id: "registry",
    lastResult: actionData && "result" in actionData ? actionData.result : undefined,
    defaultValue: {
      listed: registry.listed ? "on" : undefined,
      headlineVi: registry.headlineVi,
      headlineEn: registry.headlineEn,
    },
    onValidate: ({ formData }) => parseWithZod(formData, { schema: RegistrySchema }),
    shouldValidate: "onSubmit",
  });
  return (
    <div className="space-y-6">
      <PageTitle subtitle={t("certification.certificates.subtitle")}>{t("certification.certificates.title")}</PageTitle>
      {savedIntent(actionData) === "registry" ? (
        <Alert tone="success">{t("certification.registry.saved")}</Alert>
      ) : null}
      {certificates.length === 0 ? (
        <Card>
          <p>{t("certification.certificates.none")}</p>
          <Link to="/certification" className="mt-2 inline-block text-brand-700 underline">
            {t("certification.nav.track")}
          </Link>
        </Card>
      ) : (
        <ul className="space-y-4">
          {certificates.map((c) => (
            <li key={c.code}>
              <Card title={en ? c.achievementEn : c.achievementVi}>
                <p className="flex flex-wrap items-center gap-2 text-sm">
                  <StateBadge state={c.state} />
                  <span>{t(`certification.kinds.${c.kind}`)}</span>·<span className="font-mono">{c.code}</span>·
                  <span>
                    {t("certification.certificates.issuedOn", { date: formatDate(c.issuedAt, i18n.language) })}
                  </span>
                  {c.validUntil ? (
                    <span>
                      · {t("certification.certificates.validUntil", { date: formatDate(c.validUntil, i18n.language) })}
                    </span>
                  ) : null}
                </p>
                {c.revokedReason ? (
                  <p className="mt-2 text-sm text-red-800">
                    {t("certification.verify.reason", { reason: c.revokedReason })}
                  </p>
                ) : null}
                <div className="mt-3 flex flex-wrap gap-2">
                  <a className={buttonClass("primary")} href={`/certification/certificates/${c.code}/pdf`} download>
                    {t("certification.certificates.downloadPdf")}
                  </a>
                  <a
                    className={buttonClass("secondary")}
                    href={`/certification/certificates/${c.code}/credential.json`}
                    download
                  >
                    {t("certification.certificates.downloadJson")}
                  </a>
                  <a
                    className={buttonClass("secondary")}
                    href={`/certification/certificates/${c.code}/credential.jwt`}
                    download
                  >
                    {t("certification.certificates.downloadJwt")}
                  </a>
                  <Link className={buttonClass("ghost")} to={`/verify/${c.code}`}>
                    {t("certification.certificates.verifyPage")}
                  </Link>
                </div>
              </Card>
            </li>
          ))}
        </ul>
      )}

      <Card title={t("certification.registry.title")}>
        <p className="mb-3 text-sm text-slate-700">
          {certified ? t("certification.registry.intro") : t("certification.registry.notCertified")}
        </p>
        <Form method="post" {...getFormProps(form)} className="space-y-4">
          <input type="hidden" name="intent" value="registry" />
          <FormErrors errors={form.errors} />
          <CheckboxField
            label={t("certification.registry.listed")}
            errors={fields.listed.errors}
            {...getInputProps(fields.listed, { type: "checkbox" })}
          />
          <TextField
            label={t("certification.registry.headlineVi")}
            lang="vi"
            errors={fields.headlineVi.errors}
            {...getInputProps(fields.headlineVi, { type: "text" })}
          />
          <TextField
            label={t("certification.registry.headlineEn")}
            lang="en"
            errors={fields.headlineEn.errors}
            {...getInputProps(fields.headlineEn, { type: "text" })}
          />
          <Button variant="secondary" disabled={navigation.state === "submitting"}>
            {t("certification.registry.save")}
          </Button>
        </Form>
      </Card>
    </div>
  );
}
