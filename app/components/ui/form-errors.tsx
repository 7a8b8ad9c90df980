import { useTranslation } from "react-i18next";
import { translateMessage } from "~/lib/errors";
import { Alert } from "./alert";

/** Errors that belong to the whole form rather than one field. */
export function FormErrors({ errors }: { errors?: readonly string[] | null }) {
  const { t } = useTranslation();
  if (!errors?.length) return null;
  return (
    <Alert tone="error">
      {errors.map((e) => (
        <p key={e}>{translateMessage(t, e)}</p>
      ))}
    </Alert>
  );
}
