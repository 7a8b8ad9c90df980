import { parseWithZod } from "@conform-to/zod";
import { type FileUpload, MaxFileSizeExceededError, parseFormData } from "@remix-run/form-data-parser";
import { data } from "react-router";
import { encodeMessage } from "~/lib/errors";
import { FILE_LIMITS } from "./practicum-files.server";
import { PracticumSubmissionSchema } from "./schema";

/** The form's file inputs, in the order the page sends them. */
const FILE_FIELDS = ["lessonPlan", "recording"] as const;

/**
 * Reads the practicum form (multipart, with the lesson plan and maybe a recording). A file over the largest
 * limit stops the upload at once and comes back as a field error (413), never a 500.
 */
export async function readPracticumForm(request: Request) {
  const received = new Set<string>();
  try {
    const formData = await parseFormData(
      request,
      { maxFileSize: FILE_LIMITS.recording, maxFiles: FILE_FIELDS.length },
      (file: FileUpload) => {
        received.add(file.fieldName);
        // An empty file input (no file chosen) gives no value.
        return file.name === "" || file.size === 0 ? null : file;
      },
    );
    return { submission: parseWithZod(formData, { schema: PracticumSubmissionSchema }) };
  } catch (error) {
    if (error instanceof MaxFileSizeExceededError) {
      const message = encodeMessage("certification.errors.fileTooLarge", { mb: FILE_LIMITS.recording / 1024 / 1024 });
      // The parser stops inside the oversized part: it is the first file input not yet received whole.
      const field = FILE_FIELDS.find((f) => !received.has(f)) ?? "recording";
      return {
        tooLarge: data({ result: { status: "error" as const, error: { [field]: [message] } } }, { status: 413 }),
      };
    }
    const submission = parseWithZod(new FormData(), { schema: PracticumSubmissionSchema });
    return { submission };
  }
}
