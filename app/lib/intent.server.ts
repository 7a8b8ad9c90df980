/**
 * Which form of a multi-form page was posted (its hidden `intent` field), read without consuming the
 * body so the form can still be parsed with its own schema. Each intent maps to its own permission.
 */
export async function readIntent(request: Request): Promise<string | null> {
  try {
    const value = (await request.clone().formData()).get("intent");
    return typeof value === "string" ? value : null;
  } catch {
    return null;
  }
}
