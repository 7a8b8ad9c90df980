const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** A path segment that cannot be an id is a record that does not exist (never a database error). */
export function isUuid(value: string | undefined): value is string {
  return typeof value === "string" && UUID.test(value);
}
