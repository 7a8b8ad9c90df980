import { parseWithZod } from "@conform-to/zod";
import { data } from "react-router";
import {
  MaxPartSizeExceededError,
  unstable_createMemoryUploadHandler,
  unstable_parseMultipartFormData,
} from "@remix-run/node";
import { encodeMessage } from "~/lib/errors";
import { FILE_LIMITS } from "./practicum-files.server";
import { PracticumSubmissionSchema } from "./schema";

/**
 * Reads the practicum form (multipart, with the lesson plan and maybe a recording). A file over the largest
 * limit stops the upload at once and comes back as a field error (413), never a 500.
 */
export async function readPracticumForm(request: Request) {
  try {
    const formData = await unstable_parseMultipartFormData(
      request,
      unstable_createMemoryUploadHandler({ maxPartSize: FILE_LIMITS.recording }),
    );
    return { submission: parseWithZod(formData, { schema: PracticumSubmissionSchema }) };
  } catch (error) {
    if (error instanceof MaxPartSizeExceededError) {
      const message = encodeMessage("certification.errors.fileTooLarge", { mb: FILE_LIMITS.recording / 1024 / 1024 });
      const field = error.field === "lessonPlan" ? "lessonPlan" : "recording";
      return { tooLarge: data({ result: { status: "error" as const, error: { [field]: [message] } } }, { status: 413 }) };
    }
    const submission = parseWithZod(new FormData(), { schema: PracticumSubmissionSchema });
    return { submission };
  }
}
