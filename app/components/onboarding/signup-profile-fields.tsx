import { getInputProps, getSelectProps, type FieldMetadata } from "@conform-to/react";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { SelectField, TextField } from "~/components/ui/field";
import { NOT_LISTED, SIGNUP_PERSONAS } from "~/modules/onboarding/schema";

type Fields = {
  persona: FieldMetadata<string>;
  institutionId: FieldMetadata<string | undefined>;
  institutionName: FieldMetadata<string | undefined>;
};

/** Sign-up's "who are you" step: the persona and, for a lecturer, her institution (or its name if not listed). */
export function SignupProfileFields({
  fields,
  institutions,
}: {
  fields: Fields;
  institutions: { id: string; name: string }[];
}) {
  const { t } = useTranslation();
  const [persona, setPersona] = useState(fields.persona.initialValue ?? "founder");
  const [institution, setInstitution] = useState(fields.institutionId.initialValue ?? "");
  return (
    <>
      <SelectField
        label={t("onboarding.persona.label")}
        errors={fields.persona.errors}
        {...getSelectProps(fields.persona)}
        defaultValue={persona}
        onChange={(e) => setPersona(e.target.value)}
      >
        {SIGNUP_PERSONAS.map((p) => (
          <option key={p} value={p}>
            {t(`onboarding.persona.${p}`)}
          </option>
        ))}
      </SelectField>
      {persona === "lecturer" ? (
        <>
          <SelectField
            label={t("onboarding.institution.label")}
            hint={t("onboarding.institution.hint")}
            errors={fields.institutionId.errors}
            {...getSelectProps(fields.institutionId)}
            onChange={(e) => setInstitution(e.target.value)}
          >
            <option value="">{t("onboarding.institution.choose")}</option>
            {institutions.map((i) => (
              <option key={i.id} value={i.id}>
                {i.name}
              </option>
            ))}
            <option value={NOT_LISTED}>{t("onboarding.institution.notListed")}</option>
          </SelectField>
          {institution === NOT_LISTED ? (
            <TextField
              label={t("onboarding.institution.name")}
              errors={fields.institutionName.errors}
              {...getInputProps(fields.institutionName, { type: "text" })}
            />
          ) : null}
        </>
      ) : null}
    </>
  );
}
