import { getFormProps, getInputProps, useForm } from "@conform-to/react";
import { parseWithZod } from "@conform-to/zod";
import { useTranslation } from "react-i18next";
import { redirect, Form, useLoaderData } from "react-router";
import { Button } from "~/components/ui/button";
import { Card, PageTitle } from "~/components/ui/card";
import { TextField } from "~/components/ui/field";
import { appLoader } from "~/lib/errors.server";
import { normaliseCertificateCode } from "~/modules/certificates/codes";
import { VerifyLookupSchema } from "~/modules/certification/schema";
import type { Route } from "./+types/verify._index";

export const handle = { titleKey: "certification.verify.lookupTitle" };

/** Type the code printed on a certificate; a well-formed code goes to its verification page. */
export const loader = appLoader(async ({ request }: Route.LoaderArgs) => {
  const typed = new URL(request.url).searchParams.get("code");
  if (typed === null) return { typed: "", invalid: false };
  const code = normaliseCertificateCode(typed);
  if (code) throw redirect(`/verify/${code}`);
  return { typed: typed.slice(0, 40), invalid: true };
});

export default function VerifyLookupPage() {
  const { t } = useTranslation();
  const { typed, invalid } = useLoaderData<typeof loader>();
  const [form, fields] = useForm({
    id: "verify-lookup",
    defaultValue: { code: typed },
    onValidate: ({ formData }) => parseWithZod(formData, { schema: VerifyLookupSchema }),
    shouldValidate: "onSubmit",
  });
  const errors = fields.code.errors ?? (invalid ? ["certification.verify.badCode"] : undefined);
  return (
    <div className="mx-auto max-w-xl">
      <PageTitle subtitle={t("certification.verify.lookupSubtitle")}>{t("certification.verify.lookupTitle")}</PageTitle>
      <Card>
        <Form method="get" {...getFormProps(form)} className="space-y-4">
          <TextField
            label={t("certification.verify.code")}
            placeholder="SA-XXXXX-XXXXX"
            errors={errors}
            {...getInputProps(fields.code, { type: "text" })}
          />
          <Button>{t("certification.verify.check")}</Button>
        </Form>
      </Card>
    </div>
  );
}
