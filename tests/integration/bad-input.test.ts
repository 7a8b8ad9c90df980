import { mkdtempSync, readdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { sql } from "drizzle-orm";
import fc from "fast-check";
import { beforeAll, describe, expect, it } from "vitest";
import { db } from "~/lib/db.server";
import { resources } from "~/lib/i18n";
import type { Role } from "~/modules/auth/permissions";
import { createSession } from "~/modules/auth/session.server";
import { signingKey } from "~/modules/certificates/signing-keys.server";
import { BULK_READ_ACTIONS } from "~/modules/reports/reports.server";
import { fileExternalClaim } from "~/modules/subsidy/claims.server";
import type { RouteAccess } from "../access/types";
import { createUser } from "../fixtures/factories";
import { routeArgs, type RouteArgs } from "../fixtures/route-args";
import { createLecturer, createSubsidySetup, pdfFile } from "../fixtures/subsidies";

/**
 * "Bad input": random and hostile values (fast-check) at every form action and every resource
 * route. The answer is always a 4xx carrying a translated message — never a thrown error or a 5xx — and the
 * database is unchanged (a fingerprint of every table before and after each route's runs).
 *
 * Reproduce a failure with the seed fast-check prints: BAD_INPUT_SEED=<seed> npx vitest run tests/integration/bad-input.test.ts
 * Runs per route: BAD_INPUT_RUNS (default 25; resource routes half as many).
 * Locally every run draws a new seed, to keep finding new inputs; CI (CI=true) uses a fixed one, so the gate that
 * decides whether work lands answers the same way twice. A seed that finds a bug becomes a test of its own.
 */

const RUNS = Number(process.env.BAD_INPUT_RUNS ?? 25);
const CI_SEED = 20261128;
const SEED = process.env.BAD_INPUT_SEED ? Number(process.env.BAD_INPUT_SEED) : process.env.CI ? CI_SEED : undefined;

const accessModules = import.meta.glob<{ routes: RouteAccess[] }>("../access/*.ts", { eager: true });
const expectations = Object.values(accessModules).flatMap((m) => m.routes ?? []);
const routeModules = import.meta.glob<Record<string, unknown>>("../../app/routes/*.{ts,tsx}");

type RouteFn = (args: RouteArgs) => Promise<unknown>;

// ---------------------------------------------------------------------------------------------------------
// Hostile values
// ---------------------------------------------------------------------------------------------------------

const SQL = [
  "'; drop table users; --",
  "' or '1'='1",
  "1; select pg_sleep(5)",
  "\\x00'); delete from sessions; --",
  "$$; truncate users; $$",
];
const HTML = [
  "<script>alert(1)</script>",
  "<img src=x onerror=alert(1)>",
  '"><svg/onload=alert(1)>',
  "javascript:alert(1)",
  "{{7*7}}${7*7}",
];
const UNICODE = [
  "\uD800", // lone high surrogate
  "a\uDFFFb", // lone low surrogate
  "\u202Eevil\u202C", // right-to-left override
  "\u200F\u200E\u061C", // RTL / LTR / Arabic letter marks
  "👨‍👩‍👧‍👦", // zero-width joiners
  "\u200B\u200C\u200D\uFEFF", // zero-width characters
  "e\u0301\u0301\u0301\u0301\u0301\u0301", // stacked combining marks
  "Z̸̢̛̗͓̲ͯ̉a̷l̸g̵o̶",
  "nul\u0000byte",
  "\u0000",
  "🚀🔥💩",
  "Nguyễn Văn Ā\u0303",
  "١٢٣",
  "\r\n\r\n",
  "\t \u00A0\u3000",
];
const NUMBERS = [
  "-1",
  "0",
  "1e308",
  "-1e308",
  "9999999999999999999999",
  "NaN",
  "Infinity",
  "-0",
  "0x1F",
  "1.5",
  "١٢٣",
  "1,000,000",
  "9007199254740993",
];

const overlong = fc
  .tuple(fc.integer({ min: 10_000, max: 100_000 }), fc.constantFrom("A", "ệ", "😀", "<b>", "' or 1=1 --", "\u200D"))
  .map(([n, unit]) => unit.repeat(Math.ceil(n / unit.length)));

/** Any hostile text: fragments, Unicode edge cases, random strings of every kind, very long lines. */
const hostile: fc.Arbitrary<string> = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom(...SQL, ...HTML, ...UNICODE, ...NUMBERS) },
  { weight: 2, arbitrary: fc.string({ unit: "binary", maxLength: 40 }) },
  { weight: 1, arbitrary: fc.string({ unit: "grapheme", maxLength: 40 }) },
  {
    weight: 1,
    arbitrary: fc
      .tuple(fc.constantFrom(...SQL, ...HTML, ...UNICODE), fc.constantFrom(...SQL, ...HTML, ...UNICODE))
      .map(([a, b]) => a + b),
  },
  { weight: 1, arbitrary: overlong },
);

// ---------------------------------------------------------------------------------------------------------
// Form fields: what a field holds, a plausible value (to reach deeper checks) and values invalid by construction
// ---------------------------------------------------------------------------------------------------------

const DROP = Symbol("drop");
type Corruption = string | typeof DROP | File;
type Kind =
  | { t: "uuid" } // an id: not a uuid, or a uuid of nothing
  | { t: "date" }
  | { t: "time" }
  | { t: "int"; min: number; max: number }
  | { t: "num" }
  | { t: "vnd" }
  | { t: "text"; max: number }
  | { t: "email" }
  | { t: "password" }
  | { t: "secret" } // a value checked by the service (a password, a code): anything hostile is wrong
  | { t: "enum"; values: readonly string[] }
  | { t: "list"; values: readonly string[] }
  | { t: "capped"; max: number } // optional text: only too long is wrong
  | { t: "file" }
  | { t: "answer" }; // a quiz answer: only a missing one is wrong

const uuid = { t: "uuid" } as const;
const date = { t: "date" } as const;
const time = { t: "time" } as const;
const vnd = { t: "vnd" } as const;
const num = { t: "num" } as const;
const email = { t: "email" } as const;
const password = { t: "password" } as const;
const secret = { t: "secret" } as const;
const file = { t: "file" } as const;
const text = (max: number) => ({ t: "text", max }) as const;
const capped = (max: number) => ({ t: "capped", max }) as const;
const int = (min: number, max: number) => ({ t: "int", min, max }) as const;
const oneOf = (...values: string[]) => ({ t: "enum", values }) as const;
const listOf = (...values: string[]) => ({ t: "list", values }) as const;

const emptyFile = () => new File([], "rong.pdf", { type: "application/pdf" });
const wrongTypeFile = () =>
  new File([Buffer.from("MZ\x90\x00 not a pdf <script>")], "virus.exe", { type: "application/x-msdownload" });
const fakePdf = () =>
  new File([Buffer.from("%PDF-1.4\n<script>alert(1)</script>")], "'; drop table--.pdf", { type: "text/html" });

function corruptions(kind: Kind): fc.Arbitrary<Corruption> {
  const missing = fc.constantFrom<Corruption>(DROP, "", "   ", "\u200B");
  const long = overlong as fc.Arbitrary<Corruption>;
  switch (kind.t) {
    case "uuid":
      return fc.oneof(
        missing,
        long,
        fc.constantFrom("not-a-uuid", "1", SQL[0], HTML[0], "00000000-0000-0000-0000-00000000000g", "١٢٣"),
        fc.uuid({ version: 4 }),
      );
    case "date":
      return fc.oneof(
        missing,
        long,
        fc.constantFrom(
          "2026-02-30",
          "2026-13-01",
          "2026-00-10",
          "٢٠٢٦-٠١-٠١",
          "2026-1-1",
          "yesterday",
          "99999-01-01",
          "0000-00-00",
          SQL[0],
        ),
      );
    case "time":
      return fc.oneof(missing, long, fc.constantFrom("25:00", "12:60", "noon", "-1:00", "١٢:٠٠", SQL[0]));
    case "int":
    case "num":
    case "vnd":
      return fc.oneof(
        missing,
        long,
        fc.constantFrom(
          "-1",
          "1e308",
          "-1e308",
          "9999999999999999999999",
          "NaN",
          "Infinity",
          "١٢٣",
          "abc",
          SQL[0],
          HTML[0],
        ),
      );
    case "text":
      return fc.oneof(missing, long);
    case "email":
      return fc.oneof(
        missing,
        long,
        fc.constantFrom("not-an-email", "@", "a@", "<script>@x.vn", "a@b@c", `${SQL[0]}@x.vn`, "\u202Ea@b.vn"),
      );
    case "password":
      return fc.oneof(missing, long, fc.constantFrom("short", "aaaaaaaaaaaaaa", "password1234", "1234567890"));
    case "secret":
      return fc.oneof(missing, long, hostile);
    case "enum":
    case "list":
      return fc.oneof(
        missing,
        long,
        hostile.filter((v) => !kind.values.includes(v.trim())),
      );
    case "capped":
      return long;
    case "file":
      return fc.constantFrom<Corruption>(DROP, "", "not a file", emptyFile());
    case "answer":
      return fc.constantFrom<Corruption>(DROP, "");
  }
}

function plausible(kind: Kind): fc.Arbitrary<string | File> {
  switch (kind.t) {
    case "uuid":
      return fc.uuid({ version: 4 });
    case "date":
      return fc.constantFrom("2026-12-01", "2027-01-15");
    case "time":
      return fc.constantFrom("09:00", "14:30");
    case "int":
      return fc.integer({ min: kind.min, max: kind.max }).map(String);
    case "num":
      return fc.constantFrom("12", "0.5", "3");
    case "vnd":
      return fc.constantFrom("1000000", "1.500.000");
    case "email":
      return fc.uuid().map((u) => `bad-input-${u.slice(0, 8)}@test.example`);
    case "password":
      return fc.constant("Mat-khau-rat-dai-2026!");
    case "enum":
    case "list":
      return fc.constantFrom(...kind.values);
    case "file":
      return fc.constantFrom<string | File>(pdfFile(), wrongTypeFile(), fakePdf());
    default:
      return fc.constantFrom("Nội dung hợp lệ", "Giảng viên Trần Thị B");
  }
}

type FormSpec = {
  /** The intent field's value; none for single-purpose actions. */
  intent?: string;
  fields: Record<string, Kind>;
  /** Fields that, made invalid one at a time, make the whole form invalid. None: the intent alone is a command, tested with bad route params only. */
  required: string[];
};

type ActionSpec = {
  file: string;
  /** Who posts: a role allowed to use the action, a visitor for sign-in pages, or "owner" for a record's owner (made in setup). */
  as: Role | "visitor" | "owner";
  forms: FormSpec[];
  multipart?: boolean;
  /** A machine API (webhooks): the 4xx body is not a translated form error but must not be empty. */
  api?: boolean;
  /** Whatever is posted the answer is a redirect (the action reads no input that could be refused). */
  redirects?: boolean;
  /** The only table a refused request may write, and why. */
  mayWrite?: { table: string; why: string };
  /** Only route params are hostile (the action calls an outside service with a valid one). */
  paramsOnly?: boolean;
};

const cohortFields = {
  organisationId: uuid,
  code: text(40),
  admission: oneOf("open", "application"),
  startsOn: date,
  endsOn: date,
  enrollmentOpensOn: date,
  enrollmentClosesOn: date,
  capacity: int(1, 10_000),
  language: oneOf("vi", "en"),
  format: oneOf("online", "in_person", "blended"),
  venueAddress: capped(300),
  venueRoom: capped(120),
  onlineUrl: capped(500),
  feeVnd: int(0, 1_000_000_000),
  description: capped(4000),
  questions: capped(5000),
};
const cohortRequired = [
  "organisationId",
  "code",
  "admission",
  "startsOn",
  "endsOn",
  "enrollmentOpensOn",
  "enrollmentClosesOn",
  "capacity",
  "language",
  "format",
];
const organisationFields = {
  kind: oneOf("university", "incubator", "startup", "project_team", "government"),
  name: text(200),
  shortName: capped(60),
  province: text(100),
  address: capped(300),
  website: capped(300),
  taxCode: capped(20),
  businessRegisteredOn: date,
};
const startupFields = {
  name: text(200),
  taxCode: text(20),
  businessRegisteredOn: date,
  province: text(100),
  address: text(300),
  sector: oneOf("agriculture", "logistics", "software", "other"),
  founderNames: text(500),
};
const sessionFields = {
  date,
  startTime: time,
  endTime: time,
  topic: capped(300),
  venueAddress: capped(300),
  venueRoom: capped(120),
  onlineUrl: capped(500),
};

const ACTIONS: ActionSpec[] = [
  { file: "$.tsx", as: "admin", forms: [] },
  {
    file: "account._index.tsx",
    as: "learner",
    forms: [
      {
        intent: "profile",
        fields: { name: text(120), phone: capped(16), locale: oneOf("vi", "en") },
        required: ["name", "locale"],
      },
      { intent: "password", fields: { currentPassword: secret, password, confirm: secret }, required: ["password"] },
      { intent: "delete", fields: { password: secret }, required: ["password"] },
      // "sign-out-everywhere" takes no input: any post ends every session, as it should.
    ],
  },
  {
    file: "admin.affiliations.tsx",
    as: "admin",
    forms: [
      {
        fields: { requestId: uuid, decision: oneOf("approve", "reject"), organisationId: uuid, note: text(500) },
        required: ["requestId", "decision"],
      },
    ],
  },
  {
    file: "admin.startups.tsx",
    as: "admin",
    forms: [
      {
        fields: { organisationId: uuid, decision: oneOf("verify", "reject"), note: text(1000) },
        required: ["organisationId", "decision", "note"],
      },
    ],
  },
  {
    file: "admin.organisations.$organisationId.tsx",
    as: "admin",
    forms: [{ intent: "verify", fields: { note: text(1000) }, required: ["note"] }],
  },
  {
    file: "admin.organisations.$organisationId_.edit.tsx",
    as: "admin",
    forms: [{ fields: organisationFields, required: ["kind", "name", "province"] }],
  },
  {
    file: "admin.organisations.new.tsx",
    as: "admin",
    forms: [{ fields: organisationFields, required: ["kind", "name", "province"] }],
  },
  {
    file: "admin.users.$userId.tsx",
    as: "admin",
    forms: [
      { intent: "profile", fields: { name: text(120), phone: capped(16) }, required: ["name"] },
      {
        intent: "roles",
        fields: { roles: listOf("learner", "lecturer", "trainer", "staff", "auditor", "admin") },
        required: ["roles"],
      },
      {
        intent: "addMembership",
        fields: { organisationId: uuid, role: oneOf("member", "admin"), title: capped(120) },
        required: ["organisationId"],
      },
      { intent: "removeMembership", fields: { organisationId: uuid }, required: ["organisationId"] },
    ],
  },
  {
    file: "admin.users.new.tsx",
    as: "admin",
    forms: [
      {
        fields: {
          name: text(120),
          email,
          phone: capped(16),
          password,
          roles: listOf("learner", "staff"),
          organisationId: uuid,
          membershipRole: oneOf("member", "admin"),
          title: capped(120),
        },
        required: ["name", "email", "password", "roles"],
      },
    ],
  },
  {
    file: "calendar._index.tsx",
    as: "learner",
    forms: [],
    redirects: true,
    mayWrite: {
      table: "calendar_feed_tokens",
      why: "the action takes no input: every post makes a new feed address by design",
    },
  },
  {
    file: "certification.admin.tsx",
    as: "admin",
    forms: [
      { intent: "issue", fields: { userId: uuid, certificationId: uuid }, required: ["userId", "certificationId"] },
      {
        intent: "panel",
        fields: {
          userId: uuid,
          certificationId: uuid,
          outcome: oneOf("approve", "reject"),
          panelMembers: text(2000),
          decidedOn: date,
          note: capped(2000),
        },
        required: ["userId", "certificationId", "outcome", "decidedOn"],
      },
      { intent: "renew", fields: { awardId: uuid }, required: ["awardId"] },
      { intent: "revoke", fields: { code: text(40), reason: text(1000) }, required: ["code", "reason"] },
    ],
  },
  {
    file: "certification.certificates._index.tsx",
    as: "admin",
    forms: [
      {
        intent: "registry",
        fields: { listed: oneOf("on"), headlineVi: capped(200), headlineEn: capped(200) },
        required: ["headlineVi", "headlineEn"],
      },
    ],
  },
  {
    file: "certification.practicum.tsx",
    as: "admin",
    multipart: true,
    forms: [
      {
        fields: {
          certificationId: uuid,
          topic: text(200),
          mode: oneOf("live_session", "recording"),
          sessionAt: date,
          sessionPlace: capped(200),
          recordingUrl: capped(500),
          reflection: capped(10_000),
          lessonPlan: file,
          recording: file,
        },
        required: ["certificationId", "topic", "mode", "lessonPlan"],
      },
    ],
  },
  {
    file: "certification.reviews.$submissionId.tsx",
    as: "admin",
    forms: [
      {
        fields: {
          submissionId: uuid,
          "scores[0].key": text(80),
          "scores[0].level": int(1, 4),
          "scores[0].comment": capped(2000),
          improvements: capped(5000),
          summary: capped(5000),
        },
        required: ["submissionId", "scores[0].key", "scores[0].level"],
      },
    ],
  },
  {
    file: "check-in.$sessionId.tsx",
    as: "learner",
    forms: [{ fields: { code: secret, ticket: capped(200) }, required: ["code"] }],
  },
  {
    file: "claims.$claimId.tsx",
    as: "owner",
    multipart: true,
    forms: [{ intent: "resubmit", fields: { note: text(2000), attachment: file }, required: ["note"] }],
  },
  {
    file: "claims.new.tsx",
    as: "admin",
    multipart: true,
    forms: [
      {
        fields: {
          subsidyProgrammeId: uuid,
          organisationId: uuid,
          kind: oneOf("course", "conference"),
          courseTitle: text(300),
          providerName: text(200),
          country: oneOf("VN", "SG"),
          startsOn: date,
          endsOn: date,
          hours: num,
          feeVnd: vnd,
          invoice: file,
          certificate: file,
        },
        required: [
          "subsidyProgrammeId",
          "organisationId",
          "kind",
          "courseTitle",
          "providerName",
          "country",
          "startsOn",
          "endsOn",
          "hours",
          "feeVnd",
          "invoice",
        ],
      },
    ],
  },
  {
    file: "cohorts.$cohortId.tsx",
    as: "learner",
    forms: [
      { intent: "enrol", fields: {}, required: [] },
      { intent: "apply", fields: { "answers[0]": capped(2000), "answers[1]": capped(2000) }, required: ["answers[0]"] },
      { intent: "withdraw", fields: { reason: capped(1000) }, required: ["reason"] },
      { intent: "accept-offer", fields: {}, required: [] },
      { intent: "decline-offer", fields: {}, required: [] },
    ],
  },
  {
    file: "courses.$slug.tsx",
    as: "admin",
    forms: [
      { intent: "enrol", fields: {}, required: [] },
      { intent: "add-trainer", fields: { email }, required: ["email"] },
      { intent: "remove-trainer", fields: { userId: uuid }, required: ["userId"] },
    ],
  },
  { file: "forgot-password.tsx", as: "visitor", forms: [{ fields: { email }, required: ["email"] }] },
  {
    file: "language.tsx",
    as: "learner",
    redirects: true,
    forms: [{ fields: { language: oneOf("vi", "en"), redirectTo: capped(0) }, required: ["language"] }],
  },
  {
    file: "learn.$courseSlug.$lessonSlug.progress.tsx",
    as: "admin",
    forms: [{ fields: { position: int(0, 86_400), duration: int(0, 86_400) }, required: ["position", "duration"] }],
  },
  // The "opened" beacon has no fields: hostile course and lesson slugs only (staff preview records nothing).
  { file: "learn.$courseSlug.$lessonSlug.opened.tsx", as: "admin", forms: [] },
  {
    file: "learn.$courseSlug.$lessonSlug.tsx",
    as: "admin",
    forms: [
      { intent: "complete", fields: {}, required: [] },
      { intent: "refresh-video", fields: { videoId: uuid }, required: ["videoId"] },
      // "create-upload" asks Mux for an upload address: tested with bad route params only (no Mux here).
      { intent: "create-upload", fields: {}, required: [] },
    ],
  },
  {
    file: "learn.$courseSlug.quiz.$quizSlug.tsx",
    as: "admin",
    forms: [
      {
        fields: { "q.q1": { t: "answer" }, "q.q2": { t: "answer" }, "q.q3": { t: "answer" }, "q.q4": { t: "answer" } },
        required: ["q.q1", "q.q2", "q.q3", "q.q4"],
      },
    ],
  },
  {
    file: "login.tsx",
    as: "visitor",
    forms: [{ fields: { email, password: secret, redirectTo: capped(0) }, required: ["email", "password"] }],
    mayWrite: {
      table: "login_attempts",
      why: "a refused sign-in is counted for the rate limit (that is the point of the table)",
    },
  },
  { file: "logout.tsx", as: "visitor", forms: [], redirects: true },
  {
    file: "manage.cohorts.$cohortId._index.tsx",
    as: "admin",
    forms: [
      { intent: "publish", fields: {}, required: [] },
      { intent: "unpublish", fields: {}, required: [] },
      { intent: "decide-completion", fields: {}, required: [] },
      { intent: "assign-trainer", fields: { userId: uuid }, required: ["userId"] },
      { intent: "remove-trainer", fields: { userId: uuid }, required: ["userId"] },
      { intent: "cancel", fields: { reason: text(1000), confirm: oneOf("on") }, required: ["reason", "confirm"] },
    ],
  },
  {
    file: "manage.cohorts.$cohortId.discount.tsx",
    as: "admin",
    forms: [
      {
        intent: "set",
        fields: {
          kind: oneOf("amount", "share"),
          amountVnd: int(1, 1_000_000),
          sharePercent: int(1, 100),
          reason: text(500),
          submissionKey: uuid,
        },
        // The amount or the share is required by the kind chosen, so neither is required on its own.
        required: ["kind", "reason"],
      },
      { intent: "remove", fields: {}, required: [] },
    ],
  },
  {
    file: "manage.cohorts.$cohortId.edit.tsx",
    as: "admin",
    forms: [{ fields: cohortFields, required: cohortRequired }],
  },
  {
    file: "manage.cohorts.$cohortId.participants.tsx",
    as: "admin",
    forms: [
      {
        intent: "decide",
        fields: { enrollmentId: uuid, decision: oneOf("accept", "reject"), reason: capped(1000) },
        required: ["enrollmentId", "decision"],
      },
      { intent: "withdraw", fields: { enrollmentId: uuid, reason: text(1000) }, required: ["enrollmentId", "reason"] },
      {
        intent: "bulkWithdraw",
        fields: { enrollmentId: uuid, reason: text(1000) },
        required: ["enrollmentId", "reason"],
      },
    ],
  },
  {
    file: "manage.cohorts.$cohortId.sessions.$sessionId.tsx",
    as: "admin",
    forms: [
      {
        intent: "update",
        fields: { ...sessionFields, message: capped(1000) },
        required: ["date", "startTime", "endTime"],
      },
      { intent: "delete", fields: { message: capped(1000) }, required: ["message"] },
    ],
  },
  {
    file: "manage.cohorts.$cohortId.sessions.new.tsx",
    as: "admin",
    forms: [
      { intent: "session", fields: sessionFields, required: ["date", "startTime", "endTime"] },
      {
        intent: "series",
        fields: {
          startDate: date,
          weekdays: listOf("1", "2", "3", "4", "5", "6", "0"),
          count: int(1, 104),
          untilDate: date,
          startTime: time,
          endTime: time,
        },
        required: ["startDate", "weekdays", "startTime", "endTime"],
      },
    ],
  },
  {
    file: "manage.cohorts.new.tsx",
    as: "admin",
    forms: [{ fields: { courseId: uuid, ...cohortFields }, required: ["courseId", ...cohortRequired] }],
  },
  {
    file: "manage.payments._index.tsx",
    as: "admin",
    forms: [
      { intent: "import", fields: { file }, required: ["file"] },
      {
        intent: "reconcile",
        fields: { paymentId: uuid, receivedVnd: int(1, 10_000_000_000), note: capped(200) },
        required: ["paymentId", "receivedVnd"],
      },
      {
        intent: "refund",
        fields: { paymentId: uuid, amountVnd: int(1, 10_000_000_000), reason: text(500) },
        required: ["paymentId", "amountVnd", "reason"],
      },
      { intent: "bill-forfeit", fields: { enrollmentId: uuid }, required: ["enrollmentId"] },
    ],
  },
  {
    file: "manage.payments.refunds-due.tsx",
    as: "admin",
    forms: [
      {
        intent: "settle",
        fields: {
          refundId: uuid,
          amountVnd: int(1, 10_000_000_000),
          bankReference: capped(40),
          transferredOn: date,
          submissionKey: capped(100),
        },
        required: ["refundId", "amountVnd", "bankReference", "transferredOn"],
      },
    ],
  },
  {
    file: "organisation.$organisationId.tsx",
    as: "admin",
    forms: [
      { intent: "add", fields: { email, role: oneOf("member", "admin"), title: capped(120) }, required: ["email"] },
      { intent: "remove", fields: { userId: uuid }, required: ["userId"] },
      { intent: "invite", fields: { email }, required: ["email"] },
      { intent: "correct", fields: startupFields, required: Object.keys(startupFields) },
    ],
  },
  {
    file: "organisation.new.tsx",
    as: "learner",
    forms: [{ fields: startupFields, required: Object.keys(startupFields) }],
  },
  // Accepting takes nothing but the button: the token in the address is what is hostile.
  { file: "invite.$token.tsx", as: "learner", forms: [{ fields: {}, required: [] }] },
  {
    file: "outcomes.new.tsx",
    as: "admin",
    multipart: true,
    forms: [
      {
        fields: {
          programmeId: uuid,
          organisationId: uuid,
          kind: oneOf(
            "project_supported",
            "raised_investment",
            "incorporated",
            "st_enterprise_certified",
            "support_centre",
          ),
          occurredOn: date,
          evidenceReference: text(200),
          evidenceFile: file,
          note: capped(1000),
        },
        required: ["programmeId", "organisationId", "kind", "occurredOn", "evidenceReference"],
      },
    ],
  },
  // Paying starts a Stripe checkout for a real payment: only bad payment ids are posted here.
  { file: "payments.$paymentId.tsx", as: "admin", forms: [{ fields: {}, required: [] }], paramsOnly: true },
  {
    file: "programmes.$programmeId.targets.tsx",
    as: "admin",
    forms: [
      {
        intent: "add-period",
        fields: { startYear: int(2000, 2100), endYear: int(2000, 2100) },
        required: ["startYear", "endYear"],
      },
      {
        intent: "add-target",
        fields: {
          periodId: uuid,
          key: oneOf("founders_trained", "support_centres"),
          targetValue: int(1, 1_000_000),
          dueOn: date,
        },
        required: ["periodId", "key", "targetValue"],
      },
    ],
  },
  {
    file: "register.tsx",
    as: "visitor",
    forms: [
      {
        fields: { name: text(120), email, phone: capped(16), password, consent: oneOf("on"), redirectTo: capped(0) },
        required: ["name", "email", "password", "consent"],
      },
    ],
  },
  {
    file: "reports._index.tsx",
    as: "admin",
    forms: [
      {
        intent: "generate",
        fields: {
          programmeId: uuid,
          periodKind: oneOf("month", "quarter", "half", "year"),
          year: int(2000, 2100),
          periodIndex: int(1, 4),
        },
        required: ["programmeId", "periodKind", "year", "periodIndex"],
      },
    ],
  },
  {
    file: "reset-password.tsx",
    as: "visitor",
    forms: [{ fields: { token: secret, password, confirm: secret }, required: ["token", "password"] }],
  },
  {
    file: "verify-email.tsx",
    as: "learner",
    forms: [
      { intent: "verify", fields: { token: secret, next: capped(500) }, required: ["token"] },
      { intent: "resend", fields: {}, required: [] },
    ],
  },
  {
    file: "subsidies.claims.$claimId.tsx",
    as: "admin",
    forms: [
      { intent: "start-review", fields: {}, required: [] },
      { intent: "request-info", fields: { note: text(2000) }, required: ["note"] },
      { intent: "approve", fields: { amountVnd: vnd, budgetLineId: uuid, note: capped(2000) }, required: [] },
      { intent: "reject", fields: { reason: text(2000) }, required: ["reason"] },
      {
        intent: "pay",
        fields: { paymentReference: text(100), paidOn: date },
        required: ["paymentReference", "paidOn"],
      },
      {
        intent: "clawback",
        fields: { amountVnd: vnd, reason: text(2000), reference: capped(100) },
        required: ["amountVnd", "reason"],
      },
    ],
  },
  {
    file: "subsidies.lines.$lineId.tsx",
    as: "admin",
    forms: [
      {
        intent: "amend",
        fields: {
          direction: oneOf("raise", "cut"),
          amountVnd: vnd,
          documentNumber: text(100),
          documentDate: date,
          reason: text(1000),
        },
        required: ["direction", "amountVnd", "documentNumber", "reason"],
      },
    ],
  },
  {
    file: "subsidies.programmes.$programmeId.tsx",
    as: "admin",
    forms: [
      {
        intent: "add-line",
        fields: {
          code: text(40),
          fundingSource: oneOf("state_budget", "donor"),
          sourceName: text(200),
          allocatedVnd: vnd,
        },
        required: ["code", "fundingSource", "sourceName", "allocatedVnd"],
      },
      { intent: "link-cohort", fields: { cohortId: uuid }, required: ["cohortId"] },
      { intent: "unlink-cohort", fields: { cohortId: uuid }, required: ["cohortId"] },
    ],
  },
  {
    file: "subsidies.programmes.$programmeId_.rules.new.tsx",
    as: "admin",
    forms: [
      {
        fields: {
          effectiveFrom: date,
          beneficiaryKinds: listOf("lecturer", "startup"),
          costCategories: listOf("tuition", "travel"),
          sharePercent: num,
          capPerClaimVnd: vnd,
          capPerBeneficiaryYearVnd: vnd,
          capPerHourVnd: vnd,
          minAttendancePercent: num,
          claimWindowDays: int(1, 3650),
          startupMaxAgeYears: int(1, 20),
          province: text(100),
          note: capped(1000),
        },
        required: [
          "effectiveFrom",
          "beneficiaryKinds",
          "costCategories",
          "sharePercent",
          "startupMaxAgeYears",
          "province",
        ],
      },
    ],
  },
  {
    file: "subsidies.programmes.new.tsx",
    as: "admin",
    forms: [
      {
        fields: {
          programmeId: uuid,
          nameVi: text(200),
          nameEn: text(200),
          fiscalYear: int(2000, 2100),
          ownerOrganisationId: uuid,
          decisionRef: capped(200),
        },
        required: ["programmeId", "nameVi", "nameEn", "fiscalYear", "ownerOrganisationId"],
      },
    ],
  },
  {
    file: "teach.sessions.$sessionId._index.tsx",
    as: "admin",
    forms: [
      {
        intent: "mark",
        fields: {
          enrollmentId: uuid,
          status: oneOf("present", "late", "absent", "excused"),
          note: capped(500),
          reason: capped(500),
        },
        required: ["enrollmentId", "status"],
      },
      { intent: "bulk", fields: { status: oneOf("present", "absent") }, required: ["status"] },
    ],
  },
  { file: "webhooks.mux.tsx", as: "visitor", api: true, forms: [] },
  { file: "webhooks.stripe.tsx", as: "visitor", api: true, forms: [] },
];

// ---------------------------------------------------------------------------------------------------------
// Results
// ---------------------------------------------------------------------------------------------------------

type Thrown = { type?: string; init?: { status?: number } | null; data?: unknown; status?: number };

/** Like the permission matrix: a Response (returned or thrown) or a `data()` result; anything else is a 200. */
async function outcomeOf(result: unknown): Promise<{ status: number; body: unknown; location?: string }> {
  const value = result as Thrown | null;
  if (value instanceof Response) {
    const raw = await value.text();
    let body: unknown = raw;
    try {
      body = raw ? JSON.parse(raw) : raw;
    } catch {
      /* not JSON */
    }
    return { status: value.status, body, location: value.headers.get("Location") ?? undefined };
  }
  if (value && value.type === "DataWithResponseInit") return { status: value.init?.status ?? 200, body: value.data };
  return { status: 200, body: value };
}

function hasKey(language: "vi" | "en", key: string): boolean {
  let node: unknown = resources[language].translation;
  for (const part of key.split(".")) {
    if (!node || typeof node !== "object" || !(part in node)) return false;
    node = (node as Record<string, unknown>)[part];
  }
  return typeof node === "string";
}

/** The message keys a refused form or action carries (conform field/form errors, `{ error }`, `{ messageKey }`). */
function messageKeys(body: unknown): string[] | null {
  if (!body || typeof body !== "object") return null;
  const b = body as Record<string, unknown>;
  if (typeof b.messageKey === "string") return [b.messageKey];
  const error = b.error as Record<string, unknown> | undefined;
  if (error && typeof error.messageKey === "string") return [error.messageKey];
  const result = b.result as { error?: Record<string, string[] | null> } | undefined;
  if (result && result.error) {
    return Object.values(result.error)
      .flatMap((messages) => messages ?? [])
      .map((m) => (m.includes("|") ? m.slice(0, m.indexOf("|")) : m));
  }
  return null;
}

const ALLOWED = new Set([400, 401, 403, 404, 405, 409, 410, 413, 415, 422, 429]);

async function check(
  fn: RouteFn,
  request: Request,
  params: Record<string, string>,
  spec: { api?: boolean; redirects?: boolean; quiz?: boolean },
) {
  let result: unknown;
  try {
    result = await fn(routeArgs(request, params));
  } catch (thrown) {
    if (thrown instanceof Error) throw new Error(`threw ${thrown.name}: ${thrown.message.slice(0, 300)}`);
    result = thrown;
  }
  const { status, body, location } = await outcomeOf(result);
  if (spec.redirects && status >= 300 && status < 400) {
    expect(location ?? "", "redirects stay on this site").toMatch(/^\/(?!\/)/);
    return;
  }
  if (!ALLOWED.has(status)) throw new Error(`answered ${status}: ${JSON.stringify(body).slice(0, 300)}`);
  if (spec.api) {
    expect(JSON.stringify(body ?? "").length, "an API refusal says why").toBeGreaterThan(2);
    return;
  }
  if (spec.quiz && status === 400 && Array.isArray((body as { unanswered?: unknown }).unanswered)) {
    expect((body as { unanswered: unknown[] }).unanswered.length).toBeGreaterThan(0);
    return;
  }
  const keys = messageKeys(body);
  if (!keys || keys.length === 0)
    throw new Error(`answered ${status} without a message: ${JSON.stringify(body).slice(0, 300)}`);
  for (const key of keys) {
    if (!hasKey("vi", key) || !hasKey("en", key))
      throw new Error(`answered ${status} with an untranslated message "${key.slice(0, 200)}"`);
  }
}

// ---------------------------------------------------------------------------------------------------------
// Requests
// ---------------------------------------------------------------------------------------------------------

type Body = [string, string | File][];

function buildRequest(
  url: string,
  cookie: string | null,
  body: Body,
  encoding: "urlencoded" | "multipart" | "json" | "text",
  headers: Record<string, string> = {},
) {
  const h = new Headers({ "Accept-Language": "vi", ...headers });
  if (cookie) h.set("Cookie", cookie);
  let payload: BodyInit;
  if (encoding === "multipart") {
    const form = new FormData();
    for (const [k, v] of body) form.append(k, v);
    payload = form;
  } else if (encoding === "urlencoded") {
    payload = new URLSearchParams(body.map(([k, v]) => [k, typeof v === "string" ? v : v.name]));
  } else if (encoding === "json") {
    payload = JSON.stringify(Object.fromEntries(body.map(([k, v]) => [k, typeof v === "string" ? v : v.name])));
    h.set("Content-Type", "application/json");
  } else {
    payload = body.map(([k, v]) => `${k}${typeof v === "string" ? v : ""}`).join("\n");
    h.set("Content-Type", headers["Content-Type"] ?? "text/plain");
  }
  return new Request(new URL(url, "http://localhost"), { method: "POST", headers: h, body: payload });
}

/** A form of the route with one required field made invalid and the others hostile or plausible. */
function invalidForm(form: FormSpec): fc.Arbitrary<Body> {
  const names = Object.keys(form.fields);
  return fc
    .record({
      broken: fc.constantFrom(...form.required),
      others: fc.tuple(
        ...names.map((n) => fc.option(fc.oneof(hostile, plausible(form.fields[n])), { nil: undefined, freq: 4 })),
      ),
      extra: fc.array(fc.tuple(fc.oneof(hostile, fc.constantFrom(...names)), hostile), { maxLength: 3 }),
    })
    .chain(({ broken, others, extra }) =>
      corruptions(form.fields[broken]).map((bad) => {
        const body: Body = form.intent ? [["intent", form.intent]] : [];
        names.forEach((name, i) => {
          if (name === broken) {
            if (bad !== DROP) body.push([name, bad]);
          } else if (others[i] !== undefined) body.push([name, others[i]!]);
        });
        // Unknown keys, or a second value for a field the schema expects once.
        for (const [k, v] of extra) if (k !== "intent" && k !== broken) body.push([k, v]);
        return body;
      }),
    );
}

/** Any form of the route with hostile values (valid intents included): used with bad route params. */
function anyForm(forms: FormSpec[]): fc.Arbitrary<Body> {
  if (forms.length === 0) return fc.constant([]);
  return fc.constantFrom(...forms).chain((form) => {
    const names = Object.keys(form.fields);
    return fc.tuple(...names.map((n) => fc.oneof(hostile, plausible(form.fields[n])))).map((values) => {
      const body: Body = form.intent ? [["intent", form.intent]] : [];
      names.forEach((name, i) => body.push([name, values[i]]));
      return body;
    });
  });
}

function unknownIntent(spec: ActionSpec): fc.Arbitrary<Body> {
  const known = new Set(spec.forms.map((f) => f.intent).filter(Boolean));
  const names = [...new Set(spec.forms.flatMap((f) => Object.keys(f.fields)))];
  return fc
    .tuple(
      fc
        .oneof(hostile, fc.constantFrom("", "PUBLISH", "delete ", "__proto__", "constructor"))
        .filter((i) => !known.has(i)),
      fc.array(fc.tuple(names.length ? fc.oneof(fc.constantFrom(...names), hostile) : hostile, hostile), {
        maxLength: 6,
      }),
    )
    .map(([intent, rest]) => [["intent", intent] as [string, string], ...rest]);
}

const randomRecord: fc.Arbitrary<Body> = fc.array(
  fc.tuple(fc.oneof(hostile, fc.constantFrom("intent", "id", "__proto__")), hostile),
  { maxLength: 8 },
);

/** Route params made hostile: not ids, ids of nothing, traversal, injection, very long. */
const hostileParam = fc.oneof(
  fc.uuid({ version: 4 }),
  fc.constantFrom(
    "not-an-id",
    "../../etc/passwd",
    "%00",
    "x".repeat(43),
    "SA-00000-00000",
    "null",
    "undefined",
    "0",
    "-1",
  ),
  hostile,
);

// ---------------------------------------------------------------------------------------------------------
// The database fingerprint
// ---------------------------------------------------------------------------------------------------------

/**
 * Reads of personal data in bulk (a report file, an evidence pack, the payments export) are audited even when the
 * query is odd: that entry is the point, not a half-written change, so the fingerprint leaves it out.
 */

async function fingerprint(except: string[] = []): Promise<Record<string, string>> {
  const tables = await db.execute<{ table_name: string }>(
    sql`select table_name from information_schema.tables where table_schema = 'public' and table_type = 'BASE TABLE' order by 1`,
  );
  const out: Record<string, string> = {};
  for (const { table_name } of tables.rows) {
    if (except.includes(table_name)) continue;
    const rows = await db.execute<{ n: string; h: string | null }>(
      sql.raw(
        `select count(*)::text as n, md5(coalesce(string_agg(t::text, '' order by t::text), '')) as h from "${table_name}" t` +
          (table_name === "audit_log"
            ? ` where t.action not in (${BULK_READ_ACTIONS.map((a) => `'${a}'`).join(", ")})`
            : ""),
      ),
    );
    out[table_name] = `${rows.rows[0].n}:${rows.rows[0].h}`;
  }
  return out;
}

function changed(before: Record<string, string>, after: Record<string, string>) {
  return Object.keys({ ...before, ...after }).filter((t) => before[t] !== after[t]);
}

// ---------------------------------------------------------------------------------------------------------
// Setup: who posts, with which params
// ---------------------------------------------------------------------------------------------------------

async function cookieFor(userId: string) {
  const { token } = await createSession(userId);
  return `sa_session=${token}`;
}

const users: Partial<Record<Role, string>> = {};
let owner: { userId: string; claimId: string } | undefined;

beforeAll(async () => {
  process.env.UPLOAD_DIR ||= mkdtempSync(join(tmpdir(), "sa-bad-input-uploads-"));
  for (const role of ["learner", "admin"] as Role[]) users[role] = (await createUser({ roles: [role] })).id;
  // The credential signing key is made once, on first use, by whatever signs first: made here, it is not
  // mistaken for a write of a refused request.
  await signingKey();
  // A claim filed by a lecturer, who may resubmit it (claims.$claimId is for the claimant only).
  const { programme } = await createSubsidySetup();
  const lecturer = await createLecturer();
  const claim = await fileExternalClaim({
    actor: lecturer.actor,
    now: new Date("2026-11-28T03:00:00Z"),
    claim: {
      subsidyProgrammeId: programme.id,
      organisationId: lecturer.organisation.id,
      kind: "course",
      courseTitle: "Phương pháp giảng dạy khởi nghiệp",
      providerName: "Trường Doanh nhân",
      country: "VN",
      startsOn: "2026-11-02",
      endsOn: "2026-11-03",
      hours: 12,
      feeVnd: 6_000_000,
      invoice: pdfFile(),
    },
  });
  owner = { userId: lecturer.user.id, claimId: claim.id };
});

/** Params for a route: those of its access expectation (POST first), made the way the matrix makes them. */
async function paramsFor(
  file: string,
  method: "GET" | "POST",
): Promise<{ url: string; params: Record<string, string> } | null> {
  if (file === "claims.$claimId.tsx") return { url: `/claims/${owner!.claimId}`, params: { claimId: owner!.claimId } };
  const entries = expectations.filter((e) => e.file === file);
  const ordered = [
    ...entries.filter((e) => (e.method ?? "GET") === method),
    ...entries.filter((e) => (e.method ?? "GET") !== method),
  ];
  const usable = ordered.find((e) => !Object.values(e.expect).every((o) => o === "notFound")) ?? ordered[0];
  if (!usable) return null;
  const params = typeof usable.params === "function" ? await usable.params() : (usable.params ?? {});
  return { url: usable.url, params };
}

function urlWith(url: string, params: Record<string, string>) {
  // Cosmetic (actions read their params from the arguments); a value that cannot be a URL segment is shown as "_".
  let path = url.split("?")[0];
  for (const v of Object.values(params)) {
    let segment = "_";
    try {
      segment = encodeURIComponent(v);
    } catch {
      /* lone surrogate */
    }
    path = path.replace(/\/(:[A-Za-z]+|x|q)(?=\/|$)/, () => `/${segment}`);
  }
  return path;
}

/** The params the route file names ($name, or $ for a splat); access fixtures may return more. */
function routeParamNames(file: string, params: Record<string, string>) {
  return Object.keys(params).filter((n) => (n === "*" ? /(^|\.)\$\.tsx?$|\.\$\./.test(file) : file.includes(`$${n}`)));
}

function runOptions() {
  return {
    numRuns: RUNS,
    ...(SEED !== undefined ? { seed: SEED } : {}),
    endOnFailure: true,
  } satisfies fc.Parameters<unknown>;
}

// ---------------------------------------------------------------------------------------------------------
// Tests
// ---------------------------------------------------------------------------------------------------------

const files = readdirSync(resolve(__dirname, "../../app/routes")).filter((f) => /\.(tsx?|jsx?)$/.test(f));
/** Resource routes: a loader and no page (CSV, iCalendar, JSON, PDF, ZIP, files, the rotating code). Pages' loaders are the matrix's. */
const resourceFiles: string[] = [];
for (const f of files) {
  const mod = await routeModules[`../../app/routes/${f}`]();
  if (!mod.default && typeof mod.loader === "function") resourceFiles.push(f);
}

describe("bad input", () => {
  it("covers every route with an action and every resource route", async () => {
    const withAction: string[] = [];
    for (const f of files) {
      const mod = await routeModules[`../../app/routes/${f}`]();
      if (typeof mod.action === "function") withAction.push(f);
    }
    const covered = new Set(ACTIONS.map((a) => a.file));
    expect(
      withAction.filter((f) => !covered.has(f)),
      "routes with an action missing from ACTIONS",
    ).toEqual([]);
    expect(
      ACTIONS.map((a) => a.file).filter((f) => !withAction.includes(f)),
      "ACTIONS naming a route without an action",
    ).toEqual([]);
  });

  for (const spec of ACTIONS) {
    it(`POST ${spec.file}`, async () => {
      const mod = await routeModules[`../../app/routes/${spec.file}`]();
      const action = mod.action as RouteFn;
      const found = await paramsFor(spec.file, "POST");
      const params = found?.params ?? {};
      const baseUrl = found ? urlWith(found.url, params) : "/";
      const userId = spec.as === "visitor" ? null : spec.as === "owner" ? owner!.userId : users[spec.as]!;
      const cookie = userId ? await cookieFor(userId) : null;
      const quiz = spec.file.includes(".quiz.");
      const arbitraries: fc.Arbitrary<{
        body: Body;
        params: Record<string, string>;
        encoding: "urlencoded" | "multipart" | "json" | "text";
        headers?: Record<string, string>;
      }>[] = [];
      const encoding = fc.constantFrom<"urlencoded" | "multipart">(
        ...(spec.multipart
          ? (["multipart", "multipart", "urlencoded"] as const)
          : (["urlencoded", "urlencoded", "multipart"] as const)),
      );
      const bodies = spec.paramsOnly ? [] : spec.forms.filter((f) => f.required.length > 0);
      if (bodies.length) {
        arbitraries.push(
          fc.record({ body: fc.constantFrom(...bodies).chain(invalidForm), params: fc.constant(params), encoding }),
        );
      }
      if (!spec.paramsOnly && (spec.forms.length > 0 || spec.redirects || spec.api || spec.file === "$.tsx")) {
        if (spec.forms.some((f) => f.intent))
          arbitraries.push(fc.record({ body: unknownIntent(spec), params: fc.constant(params), encoding }));
        if (spec.forms.every((f) => !f.intent || spec.forms.length === 0))
          arbitraries.push(fc.record({ body: randomRecord, params: fc.constant(params), encoding }));
      }
      if (spec.api) {
        // Hostile bodies with hostile signature headers and the wrong content types.
        arbitraries.push(
          fc.record({
            body: randomRecord,
            params: fc.constant(params),
            encoding: fc.constantFrom<"json" | "text">("json", "text"),
            headers: fc.record({
              "Content-Type": fc.constantFrom(
                "application/json",
                "text/xml",
                "multipart/form-data; boundary=x",
                "application/octet-stream",
              ),
              "stripe-signature": fc.oneof(hostile, fc.constant("t=1,v1=00")),
              "mux-signature": fc.oneof(hostile, fc.constant("t=1,v1=00")),
            }),
          }),
        );
      }
      const paramNames = routeParamNames(spec.file, params);
      if (paramNames.length) {
        arbitraries.push(
          fc.record({
            body: anyForm(spec.forms),
            params: fc
              .tuple(fc.constantFrom(...paramNames), hostileParam)
              .map(([name, value]) => ({ ...params, [name]: value })),
            encoding,
          }),
        );
      }
      if (spec.multipart) {
        // Uploads that lie: a declared length far over the limit, a wrong content type, a broken boundary.
        arbitraries.push(
          fc.record({
            body: fc.constantFrom(...bodies).chain(invalidForm),
            params: fc.constant(params),
            encoding: fc.constant<"multipart">("multipart"),
            headers: fc.constantFrom({ "Content-Length": "99999999999" }, { "Content-Length": "-1" }),
          }),
          fc.record({
            body: fc.constantFrom(...bodies).chain(invalidForm),
            params: fc.constant(params),
            encoding: fc.constant<"text">("text"),
            headers: fc.constantFrom(
              { "Content-Type": "multipart/form-data; boundary=nothing" },
              { "Content-Type": "multipart/form-data" },
              { "Content-Type": "image/png" },
            ),
          }),
        );
      }
      expect(arbitraries.length, `${spec.file}: nothing to post`).toBeGreaterThan(0);

      const exceptTables = spec.mayWrite ? [spec.mayWrite.table] : [];
      const before = await fingerprint(exceptTables);
      await fc.assert(
        fc.asyncProperty(fc.oneof(...arbitraries), async ({ body, params: p, encoding: enc, headers }) => {
          const url = paramNames.length ? urlWith(found!.url, p) : baseUrl;
          let request: Request;
          try {
            request = buildRequest(url, cookie, body, enc, headers);
          } catch {
            // A header value the fetch API refuses never reaches a server.
            return;
          }
          await check(action, request, p, { api: spec.api, redirects: spec.redirects, quiz });
        }),
        runOptions(),
      );
      const after = await fingerprint(exceptTables);
      expect(changed(before, after), "tables written by refused requests").toEqual([]);
    });
  }

  // Resource routes (no page: CSV, iCalendar, JSON, PDF, ZIP, the rotating code): hostile query strings and path params.
  it("finds the resource routes", () => {
    expect(resourceFiles.length).toBeGreaterThan(5);
  });

  for (const file of resourceFiles) {
    it(`GET ${file} (hostile query and params)`, async () => {
      const mod = await routeModules[`../../app/routes/${file}`]();
      const loader = mod.loader as RouteFn;
      const found = await paramsFor(file, "GET");
      expect(found, `${file} has an access expectation`).not.toBeNull();
      const entry = expectations.find(
        (e) => e.file === file && (e.method ?? "GET") === "GET" && Object.values(e.expect).includes("ok"),
      );
      const role =
        (entry ? (["admin", "staff", "learner", "visitor"] as const).find((a) => entry.expect[a] === "ok") : "admin") ??
        "admin";
      const userId =
        role === "visitor"
          ? null
          : role === "admin"
            ? users.admin!
            : role === "learner"
              ? users.learner!
              : (await createUser({ roles: [role] })).id;
      const cookie = userId ? await cookieFor(userId) : null;
      const request = (url: string) =>
        new Request(new URL(url, "http://localhost"), {
          headers: cookie ? { Cookie: cookie, "Accept-Language": "vi" } : { "Accept-Language": "vi" },
        });
      const params = found!.params;
      const path = urlWith(found!.url, params);
      // A first, well-formed call makes what the route makes lazily (a signing key, a session's secret).
      await loader(routeArgs(request(path), params)).catch(() => undefined);
      const before = await fingerprint();
      const query = fc
        .array(
          fc.tuple(
            fc.oneof(
              hostile,
              fc.constantFrom("q", "status", "method", "code", "token", "page", "from", "to", "lang", "programmeId"),
            ),
            hostile,
          ),
          { maxLength: 6 },
        )
        .map((pairs) => new URLSearchParams(pairs.map(([k, v]) => [k, v])).toString());
      const paramNames = routeParamNames(file, params);
      await fc.assert(
        fc.asyncProperty(
          query,
          paramNames.length ? fc.option(fc.tuple(fc.constantFrom(...paramNames), hostileParam)) : fc.constant(null),
          async (qs, badParam) => {
            const p = badParam ? { ...params, [badParam[0]]: badParam[1] } : params;
            let result: unknown;
            try {
              result = await loader(routeArgs(request(`${urlWith(found!.url, p)}?${qs}`), p));
            } catch (thrown) {
              if (thrown instanceof Error) throw new Error(`threw ${thrown.name}: ${thrown.message.slice(0, 300)}`);
              result = thrown;
            }
            const { status, body } = await outcomeOf(result);
            if (badParam && status < 300) {
              // A path param of nothing must not find something (except a well-formed one the route ignores).
              throw new Error(
                `${file} answered ${status} for ${badParam[0]}=${JSON.stringify(badParam[1]).slice(0, 80)}`,
              );
            }
            if (status >= 500 || (status >= 300 && status < 400 && badParam))
              throw new Error(`answered ${status}: ${JSON.stringify(body).slice(0, 300)}`);
            if (status >= 400) {
              const keys = messageKeys(body);
              if (keys)
                for (const key of keys) expect(hasKey("vi", key) && hasKey("en", key), `translated: ${key}`).toBe(true);
            }
          },
        ),
        { ...runOptions(), numRuns: Math.max(10, Math.round(RUNS / 2)) },
      );
      const after = await fingerprint();
      expect(changed(before, after), "tables written by refused requests").toEqual([]);
    });
  }
});
