import { sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { db } from "./db.server";
import { AppError } from "./errors";
import { appLoader, rethrowAsResponse } from "./errors.server";
import { parseForm, submitForm } from "./forms.server";

/** What a loader or action answers when PostgreSQL itself refuses a value taken from the URL or a form. */
type DataResult = {
  type: string;
  data: { messageKey?: string; error?: { messageKey: string } };
  init: { status: number };
};
type FormResult = { data: { result: { error?: Record<string, string[] | null> } }; init: { status: number } };

const args = { request: new Request("http://localhost/x"), params: {}, context: {} } as never;

describe("database refusals of unrepresentable input", () => {
  it("a loader answers 404 for a text with a NUL byte or a malformed uuid, instead of a 500", async () => {
    for (const query of [sql`select ${"bad\u0000slug"}::text as v`, sql`select ${"not-a-uuid"}::uuid as v`]) {
      const loader = appLoader(async () => db.execute(query));
      const thrown = (await loader(args).then(
        () => null,
        (e: unknown) => e,
      )) as DataResult | null;
      expect(thrown?.init.status).toBe(404);
      expect(thrown?.data.messageKey).toBe("errors.notFound");
    }
  });

  it("an action's submitForm answers 400 with a form message; other database errors still surface", async () => {
    const submission = await parseForm(new FormData(), z.object({}));
    const result = (await submitForm(submission, async () =>
      db.execute(sql`select ${"12abc"}::int as v`),
    )) as unknown as FormResult;
    expect(result.init.status).toBe(400);
    expect(result.data.result.error?.[""]).toEqual(["errors.badRequest"]);
    await expect(
      submitForm(submission, async () => db.execute(sql`select * from no_such_table`)),
    ).rejects.toMatchObject({ message: expect.stringContaining("no_such_table") });
    const broken = appLoader(async () => db.execute(sql`select * from no_such_table`));
    await expect(broken(args)).rejects.toMatchObject({ message: expect.stringContaining("no_such_table") });
  });

  it("an action settles the record in its URL first: a service's AppError there is the error page", async () => {
    const thrown = (await Promise.reject(new AppError(404, "courses.errors.lessonNotFound"))
      .catch(rethrowAsResponse)
      .then(
        () => null,
        (e: unknown) => e,
      )) as DataResult | null;
    expect(thrown?.init.status).toBe(404);
    expect(thrown?.data.messageKey).toBe("courses.errors.lessonNotFound");
  });
});
