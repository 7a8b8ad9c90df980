import type { Submission } from "@conform-to/react";
import { parseWithZod } from "@conform-to/zod";
import { data } from "react-router";
import type { z } from "zod";
import { isDatabaseUnavailable, isUnrepresentableInput } from "./db-errors";
import { AppError, encodeMessage } from "./errors";
import { onlySchemaFields } from "./form-fields";
// Every zod message a form can carry is a translation key (a side effect: sets zod's error map).
import "./zod-messages";

/**
 * Reads a posted form (urlencoded or multipart) and validates it with the form's zod schema. Fields the schema
 * does not have are dropped first, so an invalid form's answer carries back only the form's own fields.
 * A form whose fields are not known in advance (a quiz's questions) reads the body itself and passes it here.
 */
export async function parseForm<Schema extends z.ZodTypeAny>(request: Request | FormData, schema: Schema) {
  let formData: FormData;
  if (request instanceof FormData) formData = request;
  else {
    try {
      formData = await request.formData();
    } catch {
      formData = new FormData();
    }
  }
  return parseWithZod(onlySchemaFields(formData, schema), { schema });
}

type ReplyOptions = { hideFields?: string[] };

/** 400 with the field errors; what the person typed comes back to the form (passwords excepted). */
export function invalidForm(submission: Submission<unknown>, options: ReplyOptions = {}) {
  return data({ result: submission.reply({ hideFields: options.hideFields }) }, { status: 400 });
}

/** An AppError from a service, shown next to its field (or at the top of the form) with its status. */
export function formErrorResponse(submission: Submission<unknown>, error: AppError, options: ReplyOptions = {}) {
  const message = encodeMessage(error.messageKey, error.params);
  const result = submission.reply({
    hideFields: options.hideFields,
    ...(error.field ? { fieldErrors: { [error.field]: [message] } } : { formErrors: [message] }),
  });
  return data({ result }, { status: error.status });
}

/**
 * Runs the service for a valid submission; a service's AppError becomes a form error with its status
 * and nothing else is returned to the browser. The one way an action answers a failure a person caused:
 * a value PostgreSQL cannot even represent (a NUL byte, a malformed uuid) is a 400, never a 500.
 */
export async function submitForm<T>(
  submission: Submission<unknown>,
  run: () => Promise<T>,
  options: ReplyOptions = {},
): Promise<T | ReturnType<typeof formErrorResponse>> {
  try {
    return await run();
  } catch (error) {
    if (error instanceof AppError) return formErrorResponse(submission, error, options);
    if (isDatabaseUnavailable(error))
      return formErrorResponse(submission, new AppError(503, "errors.unavailable"), options);
    if (isUnrepresentableInput(error))
      return formErrorResponse(submission, new AppError(400, "errors.badRequest"), options);
    throw error;
  }
}
