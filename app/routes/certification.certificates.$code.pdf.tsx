import { appLoader } from "~/lib/errors.server";
import { requirePermission } from "~/modules/auth/guards.server";
import { can } from "~/modules/auth/permissions";
import { certificateForViewer } from "~/modules/certificates/certificates.server";
import { renderCertificatePdf } from "~/modules/certificates/pdf.server";
import type { Route } from "./+types/certification.certificates.$code.pdf";

/** The certificate as a PDF, for its holder (and staff and auditors). */
export const loader = appLoader(async ({ request, params }: Route.LoaderArgs) => {
  const user = await requirePermission(request, "view:certificates:own");
  const certificate = await certificateForViewer({
    viewer: { id: user.id, canReadAll: can(user, "read:certification:any") },
    code: params.code,
  });
  const pdf = await renderCertificatePdf(certificate);
  return new Response(new Uint8Array(pdf), {
    headers: {
      "Content-Type": "application/pdf",
      "Content-Disposition": `attachment; filename="${certificate.code}.pdf"`,
      "Cache-Control": "private, no-store",
    },
  });
});
