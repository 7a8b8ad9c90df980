import { sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { db } from "./db.server";
import { appAction, appLoader } from "./errors.server";

/** What a loader or action answers when PostgreSQL itself refuses a value taken from the URL or a form. */
type DataResult = {
  type: string;
  data: { messageKey?: string; error?: { messageKey: string } };
  init: { status: number };
};

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

  it("an action answers 400 with a message; other database errors still surface", async () => {
    const action = appAction(async () => db.execute(sql`select ${"12abc"}::int as v`));
    const result = (await action(args)) as unknown as DataResult;
    expect(result.init.status).toBe(400);
    expect(result.data.error?.messageKey).toBe("errors.badRequest");
    const broken = appLoader(async () => db.execute(sql`select * from no_such_table`));
    await expect(broken(args)).rejects.toMatchObject({ message: expect.stringContaining("no_such_table") });
  });
});
