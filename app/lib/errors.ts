/**
 * The one error type of the app: an HTTP status and a message key that is safe to show
 * (translated on the page). Services throw it; routes turn it into a response.
 */
export class AppError extends Error {
  readonly status: number;
  readonly messageKey: string;
  readonly params: Record<string, string | number>;
  readonly field?: string;

  constructor(
    status: number,
    messageKey: string,
    options: { params?: Record<string, string | number>; field?: string } = {},
  ) {
    super(messageKey);
    this.name = "AppError";
    this.status = status;
    this.messageKey = messageKey;
    this.params = options.params ?? {};
    this.field = options.field;
  }
}

export const notFound = (messageKey = "errors.notFound") => new AppError(404, messageKey);
export const forbidden = (messageKey = "errors.forbidden") => new AppError(403, messageKey);
export const badRequest = (messageKey: string, options?: ConstructorParameters<typeof AppError>[2]) =>
  new AppError(400, messageKey, options);
export const conflict = (messageKey: string, options?: ConstructorParameters<typeof AppError>[2]) =>
  new AppError(409, messageKey, options);

/** What a route's error boundary receives as `data` of an error response. */
export type ErrorPayload = { messageKey: string; params?: Record<string, string | number> };

export function isErrorPayload(value: unknown): value is ErrorPayload {
  return typeof value === "object" && value !== null && typeof (value as ErrorPayload).messageKey === "string";
}

/**
 * Form errors travel as strings (conform's field and form errors). A message with parameters is
 * written `key|{"param":1}`; `translateMessage` reads both forms.
 */
export function encodeMessage(messageKey: string, params?: Record<string, string | number>): string {
  return params && Object.keys(params).length > 0 ? `${messageKey}|${JSON.stringify(params)}` : messageKey;
}

export function translateMessage(
  t: (key: string, params?: Record<string, unknown>) => string,
  message: string,
): string {
  const bar = message.indexOf("|");
  if (bar === -1) return t(message);
  try {
    return t(message.slice(0, bar), JSON.parse(message.slice(bar + 1)) as Record<string, unknown>);
  } catch {
    return t(message.slice(0, bar));
  }
}
