import pg from "pg";
import PgBoss from "pg-boss";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freshDatabase, signInCookie, startServer, type RunningServer } from "./harness";

/** Two app servers on one PostgreSQL database, as behind a load balancer. */
let db: Awaited<ReturnType<typeof freshDatabase>>;
let a: RunningServer;
let b: RunningServer;

beforeAll(async () => {
  db = await freshDatabase("scale");
  // Started together: migrations and demo data must not race.
  [a, b] = await Promise.all([
    startServer({ DATABASE_URL: db.url, MIGRATE_ON_START: "true", SEED_DEMO: "true", COURSES_SYNC_ON_START: "true" }),
    startServer({ DATABASE_URL: db.url, MIGRATE_ON_START: "true", SEED_DEMO: "true", COURSES_SYNC_ON_START: "true" }),
  ]);
});

afterAll(async () => {
  await Promise.all([a?.stop(), b?.stop()]);
  await db?.drop();
});

async function query<T extends pg.QueryResultRow>(text: string, values: unknown[] = []) {
  const client = new pg.Client({ connectionString: db.url });
  await client.connect();
  try {
    return (await client.query<T>(text, values)).rows;
  } finally {
    await client.end();
  }
}

describe("two app servers on one database", () => {
  it("both came up on the same data without seeding twice", async () => {
    const [{ n }] = await query<{ n: number }>("select count(*)::int as n from users where email = 'admin@demo.vn'");
    expect(n).toBe(1);
  });

  it("a session made on one server is valid on the other", async () => {
    const { cookie } = await signInCookie(a.url, "staff@demo.vn", "HaiPhong-2026");
    expect(cookie).toBeTruthy();
    const onB = await fetch(`${b.url}/dashboard`, { headers: { Cookie: cookie! }, redirect: "manual" });
    expect(onB.status).toBe(200);
    expect(await onB.text()).toContain("Trần Thị Thu Hà");
  });

  it("counts the sign-in rate limit across both servers", async () => {
    const email = "auditor@demo.vn";
    // Five failures of one account from one client are free, alternating between the servers; the sixth waits
    // (429) whichever server it reaches — the count lives in the database, not in a process.
    for (let i = 0; i < 5; i++) {
      const server = i % 2 === 0 ? a : b;
      const res = await signInCookie(server.url, email, `wrong-password-${i}`);
      expect(res.status).toBe(401);
    }
    expect((await signInCookie(b.url, email, "wrong-password-5")).status).toBe(429);
    const locked = await signInCookie(b.url, email, "HaiPhong-2026");
    expect(locked.status).toBe(429);
    expect(locked.cookie).toBeNull();
    const lockedOnA = await signInCookie(a.url, email, "HaiPhong-2026");
    expect(lockedOnA.status).toBe(429);
  });

  it("a QR code shown by one server is accepted by the other, and the check-in is written once", async () => {
    // A session of the demo's running cohort (trainer@ teaches it, founder@ is confirmed in it), open for check-in now.
    const [session] = await query<{ id: string }>(
      `insert into cohort_sessions (cohort_id, starts_at, ends_at, topic, sequence)
       select id, now() - interval '5 minutes', now() + interval '2 hours', 'Buổi bổ sung', 99 from cohorts where code = 'KNDMST-HP-K1'
       returning id`,
    );
    expect(session, "the demo cohorts are seeded").toBeTruthy();
    const trainer = await signInCookie(a.url, "trainer@demo.vn", "HaiPhong-2026");
    const shown = await fetch(`${a.url}/teach/sessions/${session.id}/code`, { headers: { Cookie: trainer.cookie! } });
    expect(shown.status).toBe(200);
    const current = (await shown.json()) as { code: string; url: string; windowOpen: boolean };
    expect(current.windowOpen).toBe(true);
    expect(new URL(current.url).searchParams.get("code")).toBe(current.code);

    const learner = await signInCookie(b.url, "founder@demo.vn", "HaiPhong-2026");
    const checkIn = (server: RunningServer) =>
      fetch(`${server.url}/check-in/${session.id}`, {
        method: "POST",
        redirect: "manual",
        headers: { "Content-Type": "application/x-www-form-urlencoded", Origin: server.url, Cookie: learner.cookie! },
        body: new URLSearchParams({ code: current.code }),
      });
    const onB = await checkIn(b);
    expect(onB.status).toBe(302);
    expect(onB.headers.get("location")).toBe(`/check-in/${session.id}?done=present`);
    // The same code again, on either server: already recorded, nothing more written.
    const again = await Promise.all([checkIn(a), checkIn(b)]);
    expect(again.map((r) => r.status)).toEqual([409, 409]);
    const rows = await query<{ status: string; method: string }>(
      `select a.status, a.method from attendance a join enrollments e on e.id = a.enrollment_id join users u on u.id = e.user_id
       where a.session_id = $1 and u.email = 'founder@demo.vn'`,
      [session.id],
    );
    expect(rows).toEqual([{ status: "present", method: "qr" }]);
  });

  it("a job enqueued twice runs once, whichever server's worker picks it up", async () => {
    const [message] = await query<{ id: string }>(
      `insert into outbox ("to", subject, text, kind) values ('twice@test.example', 'Nhắc lịch học', 'Buổi học ngày mai', 'test') returning id`,
    );
    const boss = new PgBoss({ connectionString: db.url, schema: "pgboss" });
    await boss.start();
    try {
      // Two senders (say, both app servers handling a retried request) enqueue the same delivery.
      const [first, second] = await Promise.all([
        boss.send("mail.send", { outboxId: message.id }, { singletonKey: message.id }),
        boss.send("mail.send", { outboxId: message.id }, { singletonKey: message.id }),
      ]);
      expect([first, second].filter(Boolean)).toHaveLength(1);
      const deadline = Date.now() + 30_000;
      let row = { status: "queued", attempts: 0 };
      while (Date.now() < deadline) {
        [row] = await query<{ status: string; attempts: number }>("select status, attempts from outbox where id = $1", [
          message.id,
        ]);
        if (row.status === "stored") break;
        await new Promise((r) => setTimeout(r, 300));
      }
      expect(row).toEqual({ status: "stored", attempts: 1 });
      // Sent again after it ran: the job runs, but the message is not delivered a second time.
      const again = await boss.send("mail.send", { outboxId: message.id }, { singletonKey: message.id });
      expect(again).toBeTruthy();
      const until = Date.now() + 30_000;
      let state = "created";
      while (Date.now() < until) {
        state =
          (await query<{ state: string }>("select state from pgboss.job where id = $1", [again]))[0]?.state ?? "gone";
        if (state === "completed") break;
        await new Promise((r) => setTimeout(r, 300));
      }
      expect(state).toBe("completed");
      const [after] = await query<{ attempts: number }>("select attempts from outbox where id = $1", [message.id]);
      expect(after.attempts).toBe(1);
    } finally {
      await boss.stop({ graceful: false, wait: true });
    }
  });
});
