import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { FORM_BODY_LIMIT, UPLOAD_BODY_LIMITS } from "~/lib/body-limits.server";

/**
 * The documented nginx configuration must let through exactly what the app accepts (the app's own limits, which
 * server.mjs enforces): an upload location's limit is its files' limits plus 1 MB for the other fields,
 * everything else the form limit. When a policy changes, this test names the nginx line to change with it.
 */
const conf = readFileSync(resolve("deploy/nginx/startup-academy.conf"), "utf8").replace(/#.*$/gm, "");
const MB = 1024 * 1024;

function bytes(value: string): number {
  const m = /^(\d+)([km]?)$/i.exec(value);
  if (!m) throw new Error(`unreadable size ${value}`);
  return Number(m[1]) * (m[2].toLowerCase() === "m" ? MB : m[2].toLowerCase() === "k" ? 1024 : 1);
}

/** client_max_body_size per location of the TLS server (the default under the key "server"). */
function limits(): Record<string, number> {
  const server = conf.slice(conf.indexOf("listen 443 ssl http2;"));
  const found: Record<string, number> = {};
  const serverLevel = /^\s{4}client_max_body_size (\S+);/m.exec(server);
  if (serverLevel) found.server = bytes(serverLevel[1]);
  for (const m of server.matchAll(/location ([^{]+)\{([^}]*)\}/g)) {
    const size = /client_max_body_size (\S+);/.exec(m[2]);
    if (size) found[m[1].trim()] = bytes(size[1]);
  }
  return found;
}

describe("the nginx configuration in deploy/", () => {
  it("has the app's form limit everywhere but the upload forms", () => {
    expect(limits().server).toBe(FORM_BODY_LIMIT);
  });

  it("lets each upload form through with exactly the app's limit for it", () => {
    expect(limits()).toMatchObject(Object.fromEntries(UPLOAD_BODY_LIMITS.map((u) => [u.nginx, u.bytes])));
  });

  it("applies each upload location to the form's page and to its data URL", () => {
    for (const path of [
      "/claims/new",
      "/claims/new.data",
      "/outcomes/new.data",
      "/certification/practicum.data",
      "/manage/payments.data",
    ]) {
      const matching = UPLOAD_BODY_LIMITS.find((u) => new RegExp(u.nginx.replace(/^~ /, "")).test(path));
      expect(matching, path).toBeDefined();
    }
  });

  it("sends the client's address and scheme, and never serves /metrics publicly", () => {
    expect(conf).toMatch(/proxy_set_header X-Forwarded-For \$proxy_add_x_forwarded_for;/);
    expect(conf).toMatch(/proxy_set_header X-Forwarded-Proto \$scheme;/);
    expect(conf).toMatch(/location = \/metrics \{\s*return 404;/);
    expect((conf.match(/^\s+server \S+:3000/gm) ?? []).length).toBeGreaterThanOrEqual(2);
  });
});
