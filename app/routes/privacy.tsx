import { useTranslation } from "react-i18next";
import { Card, PageTitle } from "~/components/ui/card";
import { PRIVACY_NOTICE_VERSION } from "~/modules/auth/privacy";

export const handle = { titleKey: "privacy.title" };

export default function PrivacyPage() {
  const { t } = useTranslation();
  const paragraphs = t("privacy.body", { returnObjects: true }) as string[];
  return (
    <div className="mx-auto max-w-3xl">
      <PageTitle subtitle={t("privacy.version", { version: PRIVACY_NOTICE_VERSION })}>{t("privacy.title")}</PageTitle>
      <Card>
        <div className="space-y-3 text-slate-800">
          {paragraphs.map((p) => (
            <p key={p}>{p}</p>
          ))}
        </div>
      </Card>
    </div>
  );
}
