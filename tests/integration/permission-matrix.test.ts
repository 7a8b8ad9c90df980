import { readdirSync } from "node:fs";
import { resolve } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { ROLES, type Role } from "~/modules/auth/permissions";
import type { Actor, Outcome, RouteAccess } from "../access/types";
import { createUser, signedInRequest } from "../fixtures/factories";
import { routeArgs, type RouteArgs } from "../fixtures/route-args";

/**
 * Every route, as a visitor and as every role: the answer must be the expected one. A route file
 * without an expectation in tests/access/*.ts fails the test, so the matrix covers every route.
 */
const accessModules = import.meta.glob<{ routes: RouteAccess[] }>("../access/*.ts", { eager: true });
const expectations = Object.values(accessModules).flatMap((m) => m.routes ?? []);
const routeModules = import.meta.glob<Record<string, unknown>>("../../app/routes/*.{ts,tsx}");

type Thrown = { type?: string; init?: { status?: number }; status?: number; headers?: Headers };

function classify(result: unknown): Outcome | `status ${number}` {
  const value = result as Thrown | null;
  const status =
    value instanceof Response
      ? value.status
      : value && value.type === "DataWithResponseInit"
        ? (value.init?.status ?? 200)
        : 200;
  if (value instanceof Response && status >= 300 && status < 400) {
    const location = value.headers.get("Location") ?? "";
    return location.startsWith("/login") ? "login" : "redirect";
  }
  if (status === 200) return "ok";
  if (status === 403) return "forbidden";
  if (status === 404) return "notFound";
  if (status === 400 || status === 422) return "badRequest";
  return `status ${status}`;
}

const users: Partial<Record<Role, string>> = {};

beforeAll(async () => {
  for (const role of ROLES) users[role] = (await createUser({ roles: [role] })).id;
});

describe("permission matrix", () => {
  it("has an expectation for every route file", () => {
    const files = readdirSync(resolve(__dirname, "../../app/routes")).filter((f) => /\.(tsx?|jsx?)$/.test(f));
    const covered = new Set(expectations.map((e) => e.file));
    expect(files.filter((f) => !covered.has(f))).toEqual([]);
  });

  for (const route of expectations) {
    it(`${route.method ?? "GET"} ${route.url} (${route.file})`, async () => {
      const load = routeModules[`../../app/routes/${route.file}`];
      expect(load, `route module ${route.file}`).toBeDefined();
      const mod = await load();
      const fn = (route.method === "POST" ? mod.action : mod.loader) as
        ((args: RouteArgs) => Promise<unknown>) | undefined;
      if (!fn) {
        // A page without a loader is static content, the same for everyone.
        expect(route.method ?? "GET", `${route.file} has no action`).toBe("GET");
        expect(route.expect).toEqual(Object.fromEntries(Object.keys(route.expect).map((a) => [a, "ok"])));
        return;
      }
      const params = typeof route.params === "function" ? await route.params() : (route.params ?? {});
      const actual: Record<string, string> = {};
      for (const actor of Object.keys(route.expect) as Actor[]) {
        const request = await signedInRequest(actor === "visitor" ? null : users[actor]!, route.url, {
          method: route.method ?? "GET",
          form: route.method === "POST" ? (route.form ?? {}) : undefined,
          headers: { "Accept-Language": "vi" },
        });
        let outcome: string;
        try {
          outcome = classify(await fn(routeArgs(request, params)));
        } catch (thrown) {
          if (thrown instanceof Error) throw thrown;
          outcome = classify(thrown);
        }
        actual[actor] = outcome;
      }
      expect(actual).toEqual(route.expect);
    });
  }
});
