import { z } from "zod";

/**
 * The idempotency key a create form carries (hidden field `submissionKey`, made by `newSubmissionKey()` in the
 * loader; app/lib/idempotency.server.ts). Optional, so a page rendered before the key existed still submits.
 */
export const submissionKeyField = z.string().uuid().optional();
