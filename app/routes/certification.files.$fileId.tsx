import { appLoader } from "~/lib/errors.server";
import { requireUser } from "~/modules/auth/guards.server";
import { readStoredBytes } from "~/modules/certification/practicum-files.server";
import { practicumFileFor } from "~/modules/certification/practicum.server";
import { attachmentDisposition } from "~/modules/files/storage.server";
import type { Route } from "./+types/certification.files.$fileId";

/** A practicum file (lesson plan, recording) for its owner, evaluators, staff and auditors. */
export const loader = appLoader(async ({ request, params }: Route.LoaderArgs) => {
  const user = await requireUser(request);
  const id = params.fileId;
  if (!/^[0-9a-f-]{36}$/i.test(id)) throw new Response(null, { status: 404 });
  const file = await practicumFileFor({ actor: user, fileId: id });
  const bytes = await readStoredBytes(file.storageKey);
  return new Response(new Uint8Array(bytes), {
    headers: {
      "Content-Type": file.contentType,
      "Content-Length": String(bytes.byteLength),
      "Content-Disposition": attachmentDisposition(file.fileName),
      "Content-Security-Policy": "default-src 'none'; sandbox",
      "X-Content-Type-Options": "nosniff",
      "Cache-Control": "private, no-store",
    },
  });
});
