import type { SubmissionResult } from "@conform-to/react";

/** What a multi-form page's action returns: the conform result and, after a save, which form saved. */
export type IntentActionData = { result?: SubmissionResult<string[]>; saved?: string } | undefined;

/**
 * The action result that belongs to one form of the page (by its hidden `intent` field), so errors of
 * one form never show on another.
 */
export function resultFor(actionData: unknown, intent: string): SubmissionResult<string[]> | undefined {
  const value = actionData as IntentActionData;
  if (!value?.result) return undefined;
  if (value.saved === intent) return value.result;
  return value.result.initialValue?.intent === intent ? value.result : undefined;
}

/** The intent whose save just succeeded, if any. */
export function savedIntent(actionData: unknown): string | undefined {
  return (actionData as IntentActionData)?.saved;
}
