import http from "node:http";
import { gunzipSync } from "node:zlib";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freshDatabase, signInCookie, startServer, type RunningServer } from "./harness";

/**
 * The built server as an outside tester meets it: oversized bodies, forged Host headers, hostile redirect
 * targets, and the security headers on what it answers.
 */
// An https public address, as in production (TLS ends at the balancer): HSTS and Secure cookies follow from it.
const APP_URL = "https://academy.test.example";
const MB = 1024 * 1024;

let db: Awaited<ReturnType<typeof freshDatabase>>;
let server: RunningServer;

beforeAll(async () => {
  db = await freshDatabase("http");
  server = await startServer({
    DATABASE_URL: db.url,
    MIGRATE_ON_START: "true",
    SEED_DEMO: "true",
    JOBS: "false",
    APP_URL,
  });
});

afterAll(async () => {
  await server?.stop();
  await db?.drop();
});

type Answer = { status: number; headers: http.IncomingHttpHeaders; body: string };

/**
 * One request over a raw connection, so any Host header can be sent and a large body can be streamed. Resolves
 * with the answer as soon as it arrives (a refused upload is answered before the body is sent), ignoring the
 * write errors of a connection the server closed.
 */
function send(
  path: string,
  options: {
    method?: string;
    headers?: Record<string, string>;
    body?: Buffer | { bytes: number; chunk?: Buffer; prefix?: string };
  } = {},
): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = http.request(`${server.url}${path}`, { method: options.method ?? "GET", headers: options.headers });
    req.on("response", (res) => {
      let body = "";
      res.setEncoding("utf8");
      res.on("data", (d) => (body += d));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
      res.on("error", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    // A server that refuses a body closes the connection while the body is still being written: the write
    // fails (EPIPE), but the answer it sent first is what counts. Give it a moment to be read.
    req.on("error", (error) => setTimeout(() => reject(error), 2_000));
    const body = options.body;
    if (!body) return void req.end();
    if (Buffer.isBuffer(body)) return void req.end(body);
    // A streamed body: `bytes` in chunks of 1 MB, written as the connection drains.
    const chunk = body.chunk ?? Buffer.alloc(MB, "a");
    let left = body.bytes;
    if (body.prefix) req.write(body.prefix);
    const pump = () => {
      while (left > 0) {
        const piece = left >= chunk.length ? chunk : chunk.subarray(0, left);
        left -= piece.length;
        if (req.destroyed) return;
        if (!req.write(piece)) return void req.once("drain", pump);
      }
      req.end();
    };
    pump();
  });
}

const sameSite = { Origin: "" };
beforeAll(() => {
  sameSite.Origin = server.url;
});

async function stillAnswers() {
  const res = await fetch(`${server.url}/privacy`);
  expect(res.status).toBe(200);
}

describe("request bodies", () => {
  it("refuses 64 MB to /login with 413 from its Content-Length, and keeps answering", async () => {
    const res = await send("/login", {
      method: "POST",
      headers: { ...sameSite, "Content-Type": "application/x-www-form-urlencoded", "Content-Length": String(64 * MB) },
      body: { bytes: 64 * MB },
    });
    expect(res.status).toBe(413);
    await stillAnswers();
  });

  it("refuses a chunked 64 MB body to /login as soon as it passes the form limit", async () => {
    const res = await send("/login", {
      method: "POST",
      headers: { ...sameSite, "Content-Type": "application/x-www-form-urlencoded", "Transfer-Encoding": "chunked" },
      body: { bytes: 64 * MB, chunk: Buffer.from(`email=a%40b.vn&junk=${"x".repeat(16 * 1024)}`) },
    });
    expect(res.status).toBe(413);
    await stillAnswers();
  });

  it("refuses 64 MB to an upload form (claims, multipart) and to its data URL, and keeps answering", async () => {
    for (const path of ["/claims/new", "/claims/new.data", "/certification/practicum"]) {
      const res = await send(path, {
        method: "POST",
        headers: { ...sameSite, "Content-Type": "multipart/form-data; boundary=x", "Content-Length": String(64 * MB) },
        body: { bytes: 64 * MB },
      });
      expect(res.status, path).toBe(413);
    }
    // Signed in, so the form's action reads the body (a visitor is sent to sign in before it is read).
    const { cookie } = await signInCookie(server.url, "staff@demo.vn", "HaiPhong-2026");
    expect(cookie).toBeTruthy();
    const chunked = await send("/outcomes/new", {
      method: "POST",
      headers: {
        ...sameSite,
        Cookie: cookie!,
        "Content-Type": "multipart/form-data; boundary=x",
        "Transfer-Encoding": "chunked",
      },
      // A well-formed start (a file part), so the parser keeps reading: the limit, not a parse error, stops it.
      body: {
        bytes: 64 * MB,
        prefix:
          '--x\r\nContent-Disposition: form-data; name="evidence"; filename="a.pdf"\r\nContent-Type: application/pdf\r\n\r\n%PDF-',
      },
    });
    expect(chunked.status).toBe(413);
    await stillAnswers();
  });

  it("lets an ordinary form through and never echoes a field the form does not have", async () => {
    const marker = "ZZ-not-a-field-ZZ".repeat(1000);
    const res = await send("/login", {
      method: "POST",
      headers: { ...sameSite, "Content-Type": "application/x-www-form-urlencoded" },
      body: Buffer.from(new URLSearchParams({ email: "not-an-email", password: "x", junk: marker }).toString()),
    });
    expect(res.status).toBe(400);
    expect(res.body).toContain("not-an-email");
    expect(res.body).not.toContain("ZZ-not-a-field-ZZ");
  });
});

describe("links follow APP_URL, never the Host header", () => {
  it("mails a reset link to APP_URL when the reset is requested with Host: evil.example", async () => {
    const res = await send("/forgot-password", {
      method: "POST",
      headers: {
        Host: "evil.example",
        Origin: "http://evil.example",
        "Content-Type": "application/x-www-form-urlencoded",
      },
      body: Buffer.from(new URLSearchParams({ email: "staff@demo.vn" }).toString()),
    });
    expect(res.status).toBeLessThan(400);
    const client = new pg.Client({ connectionString: db.url });
    await client.connect();
    try {
      const { rows } = await client.query<{ text: string }>(
        `select text from outbox where "to" = 'staff@demo.vn' order by created_at desc limit 1`,
      );
      expect(rows[0]?.text).toContain(`${APP_URL}/reset-password`);
      expect(rows[0]?.text).not.toContain("evil.example");
    } finally {
      await client.end();
    }
  });
});

describe("where to go after signing in", () => {
  async function signInTo(redirectTo: string) {
    const body = `email=founder%40demo.vn&password=HaiPhong-2026&redirectTo=${redirectTo}`;
    return send("/login", {
      method: "POST",
      headers: { ...sameSite, "Content-Type": "application/x-www-form-urlencoded" },
      body: Buffer.from(body),
    });
  }

  it.each([
    ["%2Fcohorts%3Ftab%3D1", "/cohorts?tab=1"],
    ["%2Fdashboard%0D%0ASet-Cookie%3A%20x%3D1", "/dashboardSet-Cookie:%20x=1"],
    ["%2Fh%E1%BB%8Dc", "/"],
    ["%2F%09%2Fevil.example", "/"],
    ["%2F%5Cevil.example", "/"],
    ["%2F%252F%252Fevil.example", "/"],
  ])("redirectTo=%s goes to %s, never a 500", async (redirectTo, expected) => {
    const res = await signInTo(redirectTo);
    expect(res.status).toBe(302);
    expect(res.headers.location).toBe(expected);
  });
});

describe("security headers", () => {
  it("gives each page a fresh script nonce in its CSP, and every script of the page carries it", async () => {
    const pages = await Promise.all([send("/login"), send("/login")]);
    const nonces = pages.map((page) => {
      expect(page.status).toBe(200);
      const csp = String(page.headers["content-security-policy"]);
      const nonce = /script-src 'self' 'nonce-([A-Za-z0-9+/=]+)'/.exec(csp)?.[1];
      expect(nonce, csp).toBeDefined();
      expect(csp).toContain("frame-ancestors 'none'");
      expect(csp).toContain("object-src 'none'");
      expect(csp).not.toMatch(/script-src[^;]*'unsafe-(inline|eval)'/);
      // Mux (lesson videos) and Stripe (checkout) are allowed by name.
      expect(csp).toMatch(/media-src[^;]*https:\/\/stream\.mux\.com/);
      expect(csp).toMatch(/form-action[^;]*https:\/\/checkout\.stripe\.com/);
      const scripts = [...page.body.matchAll(/<script\b[^>]*>/g)].map((m) => m[0]);
      expect(scripts.length).toBeGreaterThan(0);
      for (const tag of scripts) expect(tag).toContain(`nonce="${nonce}"`);
      return nonce;
    });
    expect(nonces[0]).not.toBe(nonces[1]);
  });

  it("sends HSTS because APP_URL is https, on pages and on files", async () => {
    for (const path of ["/login", "/favicon.svg", "/healthz"]) {
      const res = await send(path);
      expect(res.headers["strict-transport-security"], path).toMatch(/max-age=31536000/);
    }
  });

  it("marks the session cookie Secure and keeps signed-in pages out of caches", async () => {
    const res = await send("/login", {
      method: "POST",
      headers: { ...sameSite, "Content-Type": "application/x-www-form-urlencoded" },
      body: Buffer.from("email=founder%40demo.vn&password=HaiPhong-2026"),
    });
    expect(res.status).toBe(302);
    const setCookie = ([] as string[]).concat(res.headers["set-cookie"] ?? []).find((c) => c.startsWith("sa_session="));
    expect(setCookie).toMatch(/; Secure/);
    const cookie = setCookie!.split(";")[0];
    for (const path of ["/dashboard", "/dashboard.data"]) {
      const page = await send(path, { headers: { Cookie: cookie } });
      expect(page.status, path).toBe(200);
      expect(page.headers["cache-control"], path).toBe("private, no-store");
    }
    const anonymous = await send("/privacy");
    expect(anonymous.headers["cache-control"] ?? "").not.toContain("no-store");
  });
});

describe("how a page is sent", () => {
  // A page the app rendered whole goes out from its buffer in one piece (server/request-handler.mjs); HEAD and
  // compression must see it as they saw the streamed page.
  it("sends a rendered page with its length, the same headers without a body for HEAD, and gzipped when asked", async () => {
    const page = await send("/login");
    expect(page.status).toBe(200);
    expect(page.headers["content-length"]).toBe(String(Buffer.byteLength(page.body)));
    expect(page.body).toMatch(/^<!DOCTYPE html>/);
    expect(page.body).toContain("</html>");

    const head = await send("/login", { method: "HEAD" });
    expect(head.status).toBe(200);
    expect(head.body).toBe("");
    expect(head.headers["content-type"]).toBe(page.headers["content-type"]);
    expect(head.headers["cache-control"]).toBe(page.headers["cache-control"]);

    const zipped = await new Promise<{ encoding?: string; html: string }>((resolve, reject) => {
      http
        .get(`${server.url}/login`, { headers: { "Accept-Encoding": "gzip" } }, (res) => {
          const chunks: Buffer[] = [];
          res.on("data", (d: Buffer) => chunks.push(d));
          res.on("end", () =>
            resolve({ encoding: res.headers["content-encoding"], html: gunzipSync(Buffer.concat(chunks)).toString() }),
          );
        })
        .on("error", reject);
    });
    expect(zipped.encoding).toBe("gzip");
    const withoutNonce = (html: string) => html.replace(/nonce="[^"]*"/g, 'nonce=""');
    expect(withoutNonce(zipped.html)).toBe(withoutNonce(page.body));
  });
});
