// `npm run bench:data -- --scale S|M|L [--database <name>]`: drops and recreates a PostgreSQL database, migrates
// it, loads the demo seed and the course files (the functions boot uses), then generates a realistic programme
// inside the database with set-based SQL and writes the manifest `.bench/<database>.json` (see the bench data
// contract in docs/performance.md). Hidden overrides for tests: `--people N --cohorts N`.
//
//   S: 2,000 people, 100 cohorts;  M: 20,000 people, 1,000 cohorts, 100,000 enrolments, ~1,000,000 attendance;
//   L: ten times M.
//
// How the triggers' rules are kept. The bulk inserts run with `session_replication_role = replica` in this
// script's own session, which skips the row triggers (seat counting, the overlap check, the ledger balance)
// and the foreign-key triggers, so the script itself makes the data satisfy what they enforce:
// - seats: every cohort's `seats_taken` is set in one UPDATE to the number of seat-holding enrolments, and its
//   capacity is at least that (the CHECK cohorts_seats_within_capacity is a constraint, not a trigger: it holds);
// - overlap: person k's places are k, k+P, k+2P… in the running sequence of places over cohorts ordered by start
//   day, so one person's cohorts are months apart and never overlap; a query checks it and stops the run if not;
// - ledger: each budget line's available amount is set to allocation − commitments + releases + recoveries
//   (recoveries: none), and allocations are larger than the commitments, so no line is below zero; releases and
//   payments never exceed a claim's commitment;
// - append-only history (enrolment, attendance, claim events) is only inserted, never changed;
// - audit: no audit rows are written for generated history, so the seed's audit chain still verifies.
import { mkdirSync, writeFileSync } from "node:fs";
import { resolve } from "node:path";
import pg from "pg";

type Scale = "S" | "M" | "L";
const SCALES: Record<Scale, { people: number; cohorts: number }> = {
  S: { people: 2_000, cohorts: 100 },
  M: { people: 20_000, cohorts: 1_000 },
  L: { people: 200_000, cohorts: 10_000 },
};

function argument(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

const scale = (argument("scale") ?? "S").toUpperCase() as Scale;
if (!SCALES[scale]) {
  console.error(`Unknown scale "${argument("scale")}": use S, M or L.`);
  process.exit(1);
}
const people = Number(argument("people") ?? SCALES[scale].people);
const cohortCount = Number(argument("cohorts") ?? SCALES[scale].cohorts);
if (!Number.isInteger(people) || people < 100 || !Number.isInteger(cohortCount) || cohortCount < 4) {
  console.error("--people must be at least 100 and --cohorts at least 4.");
  process.exit(1);
}
const databaseName = argument("database") ?? `sa_bench_${scale.toLowerCase()}`;
if (!/^[a-z_][a-z0-9_]*$/.test(databaseName)) {
  console.error(`Invalid database name "${databaseName}".`);
  process.exit(1);
}
const serverUrl = new URL(process.env.DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/postgres");
serverUrl.pathname = "/postgres";
const databaseUrl = new URL(serverUrl);
databaseUrl.pathname = `/${databaseName}`;
const PASSWORD = "HaiPhong-2026";

const started = performance.now();
const step = (() => {
  let last = performance.now();
  return (label: string) => {
    const now = performance.now();
    console.log(`[bench:data] ${label} (${((now - last) / 1000).toFixed(1)} s)`);
    last = now;
  };
})();

// 1. A fresh database.
{
  const admin = new pg.Client({ connectionString: serverUrl.toString() });
  await admin.connect();
  await admin.query(`drop database if exists "${databaseName}" with (force)`);
  await admin.query(`create database "${databaseName}"`);
  await admin.end();
}
process.env.DATABASE_URL = databaseUrl.toString();
console.log(`[bench:data] scale ${scale}: ${people} people, ${cohortCount} cohorts into ${databaseName}`);

// 2. Migrations, demo seed, course files, demo cohorts: what boot does with SEED_DEMO and COURSES_SYNC_ON_START.
const { closeDatabase, migrateDatabase } = await import("~/lib/db.server");
const { seedDemoData } = await import("#db/seed/demo");
const { seedDemoCohorts } = await import("#db/seed/cohorts");
const { syncCoursesOnStart } = await import("~/modules/courses/sync.server");
const { hashPassword } = await import("~/modules/auth/password.server");
const { stopJobs } = await import("~/lib/jobs.server");
const { todayInVietnam } = await import("~/lib/time");
const quiet = () => {};
await migrateDatabase();
await seedDemoData({ log: quiet });
await syncCoursesOnStart((line) => console.log(`[bench:data] courses: ${line}`));
await seedDemoCohorts({ log: quiet });
// The seed may start pg-boss (mail, video jobs); stop it so this process ends.
await stopJobs();
await closeDatabase();
step("migrated, seeded, courses synced");

const passwordHash = await hashPassword(PASSWORD);
const client = new pg.Client({ connectionString: databaseUrl.toString() });
await client.connect();
const q = async (text: string, values: unknown[] = []) => {
  try {
    return (await client.query(text, values)).rows;
  } catch (error) {
    console.error(`[bench:data] failed: ${text.slice(0, 400)}`);
    throw error;
  }
};
await q("set session_replication_role = replica");
await q("set work_mem = '64MB'");
// A non-negative deterministic hash of an integer (hashint4 without its sign bit).
await q("create function pg_temp.h(x int) returns int language sql immutable as 'select hashint4(x) & 2147483647'");

// ---------------------------------------------------------------------------------------------------------------
// Parameters computed here (one row per cohort); every bulk row is made by SQL in the database.
const now = new Date();
const today = todayInVietnam(now);
const trainers = Math.max(4, Math.round(cohortCount / 20));
const learnersPool = people - trainers;
const enrollmentTarget = people * 5;
/** A deterministic pseudo-random number in [0, 1) for (a, b). */
function rand(a: number, b = 0): number {
  let h = (a * 374761393 + b * 668265263) ^ 0x5bd1e995;
  h = Math.imul(h ^ (h >>> 13), 1274126177);
  h ^= h >>> 16;
  return (h >>> 0) / 4294967296;
}

const courseRows = await q(
  `select c.id, c.slug, c.list_price_vnd::bigint as fee, c.hours::float as hours, c.min_attendance_share::float as min_share,
     c.format, c.language, (select count(*) from lessons l where l.course_id = c.id)::int as lessons
   from courses c where c.archived_at is null order by c.slug`,
);
if (courseRows.length === 0) throw new Error("no courses after the sync: check the courses/ folder");
type CoursePlan = { sessions: number; everyDays: number; perDay: number; times: [string, string][] };
const PLANS: Record<string, CoursePlan> = {
  // Eleven weeks, twice a week in the evening.
  "khoi-nghiep-doi-moi-sang-tao": { sessions: 22, everyDays: 3.5, perDay: 1, times: [["18:00", "20:30"]] },
  // Nine weeks, two mornings a week.
  "dao-tao-giang-vien-khoi-nghiep": { sessions: 18, everyDays: 3.5, perDay: 1, times: [["08:00", "11:30"]] },
};
const WORKSHOP: CoursePlan = {
  sessions: 4,
  everyDays: 1,
  perDay: 2,
  times: [
    ["08:00", "11:30"],
    ["13:30", "17:00"],
  ],
};
// Founders' course 2 in 5 cohorts, the others 1 in 5 each.
const founders = courseRows.find((c) => c.slug === "khoi-nghiep-doi-moi-sang-tao") ?? courseRows[0];
const rotation = [founders, ...courseRows.filter((c) => c !== founders)];
while (rotation.length < 5) rotation.push(founders);

const dayMs = 86_400_000;
const todayMs = Date.parse(`${today}T00:00:00Z`);
const isoDay = (offset: number) => new Date(todayMs + offset * dayMs).toISOString().slice(0, 10);
const SPAN_PAST = 730;
const SPAN_FUTURE = 60;

type CohortPlan = { i: number; course: (typeof courseRows)[number]; startDay: number; size: number; plan: CoursePlan };
const cohortPlans: CohortPlan[] = [];
for (let i = 0; i < cohortCount; i++) {
  const course = rotation[i % 5];
  cohortPlans.push({
    i,
    course,
    startDay: -SPAN_PAST + Math.floor((i * (SPAN_PAST + SPAN_FUTURE)) / cohortCount),
    size: 40 + Math.floor(rand(i, 1) * 121),
    plan: PLANS[course.slug] ?? WORKSHOP,
  });
}
// The QR-burst cohort: a founders' cohort that started a few weeks ago and runs today; the big cohort just before it.
const running = cohortPlans.filter((c) => c.course === founders && c.startDay <= -7 && c.startDay >= -50);
const qrPlan = running.at(-1) ?? cohortPlans.filter((c) => c.startDay <= 0).at(-1)!;
const bigPlan = cohortPlans.filter((c) => c.startDay <= 0 && c !== qrPlan).at(-1)!;
qrPlan.size = Math.min(500, Math.floor(learnersPool / 4));
bigPlan.size = Math.min(1000, Math.floor(learnersPool / 3));
// Scale the others so the places add up to the target exactly.
{
  const others = cohortPlans.filter((c) => c !== qrPlan && c !== bigPlan);
  const want = enrollmentTarget - qrPlan.size - bigPlan.size;
  const have = others.reduce((s, c) => s + c.size, 0);
  for (const c of others) c.size = Math.max(5, Math.floor((c.size * want) / have));
  let rest = want - others.reduce((s, c) => s + c.size, 0);
  for (let k = 0; rest !== 0; k = (k + 1) % others.length) {
    const c = others[k];
    if (rest > 0) {
      c.size++;
      rest--;
    } else if (c.size > 5) {
      c.size--;
      rest++;
    }
  }
}
let offset = 0;
const cohortArrays = {
  n: [] as number[],
  course: [] as string[],
  start: [] as string[],
  size: [] as number[],
  offset: [] as number[],
  sessions: [] as number[],
  everyDays: [] as number[],
  perDay: [] as number[],
  trainer: [] as number[],
};
for (const c of cohortPlans) {
  cohortArrays.n.push(c.i + 1);
  cohortArrays.course.push(c.course.id);
  cohortArrays.start.push(isoDay(c.startDay));
  cohortArrays.size.push(c.size);
  cohortArrays.offset.push(offset);
  cohortArrays.sessions.push(c.plan.sessions);
  cohortArrays.everyDays.push(c.plan.everyDays);
  cohortArrays.perDay.push(c.plan.perDay);
  cohortArrays.trainer.push((c.i % trainers) + 1);
  offset += c.size;
}

// ---------------------------------------------------------------------------------------------------------------
// Names: family names with their rough shares in Vietnam, then middle and given names by gender.
const FAMILY: [string, number][] = [
  ["Nguyễn", 38],
  ["Trần", 11],
  ["Lê", 9],
  ["Phạm", 7],
  ["Hoàng", 4],
  ["Huỳnh", 2],
  ["Phan", 4],
  ["Vũ", 3],
  ["Võ", 2],
  ["Đặng", 2],
  ["Bùi", 2],
  ["Đỗ", 2],
  ["Hồ", 1],
  ["Ngô", 2],
  ["Dương", 1],
  ["Lý", 1],
  ["Đinh", 1],
  ["Mai", 1],
  ["Trịnh", 1],
  ["Đào", 1],
  ["Cao", 1],
  ["Lương", 1],
  ["Tô", 1],
  ["Vương", 1],
];
const family = FAMILY.flatMap(([name, share]) => Array<string>(share).fill(name));
const MIDDLE_M = ["Văn", "Văn", "Đức", "Minh", "Quang", "Hữu", "Thành", "Công", "Mạnh", "Xuân", "Tuấn", "Hoàng"];
const MIDDLE_F = ["Thị", "Thị", "Thị", "Ngọc", "Thu", "Thanh", "Minh", "Phương", "Hồng", "Kim", "Bích", "Khánh"];
const GIVEN_M = [
  "Anh",
  "Hùng",
  "Dũng",
  "Tuấn",
  "Minh",
  "Nam",
  "Hải",
  "Long",
  "Quân",
  "Huy",
  "Đức",
  "Sơn",
  "Khoa",
  "Phúc",
  "Bảo",
  "Trung",
  "Thắng",
  "Việt",
  "Hiếu",
  "Cường",
  "Tùng",
  "Thành",
  "Khánh",
  "Duy",
];
const GIVEN_F = [
  "Linh",
  "Hương",
  "Lan",
  "Trang",
  "Hà",
  "Ngọc",
  "Thảo",
  "Huyền",
  "Mai",
  "Phương",
  "Anh",
  "Nhung",
  "Vân",
  "Yến",
  "Hạnh",
  "Giang",
  "Hằng",
  "Nga",
  "Thủy",
  "Dung",
  "Loan",
  "Quỳnh",
  "Châu",
  "My",
];

const UNIVERSITIES: [string, string, string][] = [
  ["Trường Đại học Y Dược Hải Phòng", "ĐH Y Dược HP", "72A Nguyễn Bỉnh Khiêm, quận Ngô Quyền, Hải Phòng"],
  ["Trường Đại học Quản lý và Công nghệ Hải Phòng", "HPU", "36 Dân Lập, quận Lê Chân, Hải Phòng"],
  ["Trường Cao đẳng Công nghiệp Hải Phòng", "CĐ Công nghiệp HP", "Số 1 Phạm Văn Đồng, quận Dương Kinh, Hải Phòng"],
  ["Trường Cao đẳng Kinh tế Kỹ thuật Hải Phòng", "CĐ KTKT HP", "Số 1 Hoàng Quốc Việt, huyện Thủy Nguyên, Hải Phòng"],
  ["Trường Cao đẳng Du lịch Hải Phòng", "CĐ Du lịch HP", "Số 1 Lý Thánh Tông, quận Đồ Sơn, Hải Phòng"],
  ["Trường Cao đẳng Hàng hải I", "CĐ Hàng hải I", "498 Đà Nẵng, quận Hải An, Hải Phòng"],
  [
    "Trường Cao đẳng Kỹ thuật Công nghiệp Việt Nam – Hàn Quốc",
    "VKTECH",
    "Khu đô thị Bắc sông Cấm, huyện Thủy Nguyên, Hải Phòng",
  ],
  ["Học viện Chính trị khu vực I – Phân hiệu Hải Phòng", "HVCT HP", "Đường Lê Hồng Phong, quận Ngô Quyền, Hải Phòng"],
  ["Trường Cao đẳng Y tế Hải Phòng", "CĐ Y tế HP", "Số 1 Đường Vòng Vạn Mỹ, quận Ngô Quyền, Hải Phòng"],
  ["Trường Đại học Kinh tế Quốc dân – Cơ sở Hải Phòng", "NEU HP", "Đường Lạch Tray, quận Lê Chân, Hải Phòng"],
];
const INCUBATORS: [string, string, string][] = [
  [
    "Vườn ươm Doanh nghiệp Công nghệ cao Hải Phòng",
    "HP Tech Incubator",
    "Khu công nghệ cao Tràng Duệ, huyện An Dương, Hải Phòng",
  ],
  [
    "Trung tâm Đổi mới Sáng tạo Trường Đại học Hàng hải",
    "VIMARU Innovation",
    "484 Lạch Tray, quận Ngô Quyền, Hải Phòng",
  ],
  ["Không gian Khởi nghiệp Sáng tạo Lạch Tray", "Lach Tray Hub", "Số 15 Lạch Tray, quận Ngô Quyền, Hải Phòng"],
];
const SECTORS = [
  "Công nghệ",
  "Giải pháp Số",
  "Nông sản",
  "Hải sản",
  "Logistics",
  "Du lịch",
  "Giáo dục",
  "Y tế",
  "Năng lượng Sạch",
  "Thương mại Điện tử",
  "Phần mềm",
  "Thiết kế",
  "Thực phẩm Sạch",
  "Vận tải Biển",
  "Thời trang",
  "Công nghệ Tài chính",
];
const BRANDS = [
  "Xanh",
  "Việt",
  "Biển Đông",
  "Sao Mai",
  "Bình Minh",
  "Hưng Thịnh",
  "An Phát",
  "Minh Long",
  "Hoa Phượng",
  "Thăng Long",
  "Tiên Phong",
  "Đại Dương",
  "Ánh Dương",
  "Trường Sơn",
  "Hải Âu",
  "Bạch Đằng",
  "Phương Đông",
  "Tâm Việt",
];
const PLACES = [
  "Đồ Sơn",
  "Cát Bà",
  "Lạch Tray",
  "Đình Vũ",
  "Kiến An",
  "Thủy Nguyên",
  "Hải An",
  "Lê Chân",
  "An Dương",
  "Tiên Lãng",
  "Vĩnh Bảo",
  "Cát Hải",
  "Ngô Quyền",
  "Hồng Bàng",
  "Dương Kinh",
  "Kiến Thụy",
  "An Lão",
];
const STREETS = [
  "Lạch Tray",
  "Trần Phú",
  "Điện Biên Phủ",
  "Lê Hồng Phong",
  "Văn Cao",
  "Tô Hiệu",
  "Nguyễn Văn Linh",
  "Hai Bà Trưng",
  "Cầu Đất",
  "Lê Lợi",
  "Trần Nguyên Hãn",
  "Phạm Văn Đồng",
];
const startups = Math.max(10, Math.round(people / 20));
const teams = Math.max(3, Math.round(people / 200));

const [ids] = await q(
  `select (select id from programmes where is_default) as programme_id, (select slug from programmes where is_default) as programme_slug,
     (select id from users where email = 'staff@demo.vn') as staff_id,
     (select id from organisations where short_name = 'HP Startup Hub') as hub_id,
     (select id from organisations where kind = 'government' limit 1) as dost_id`,
);

// ---------------------------------------------------------------------------------------------------------------
// Organisations.
await q(
  `create temp table b_orgs (n int primary key, id uuid not null default gen_random_uuid(), kind organisation_kind not null)`,
);
await q(
  `insert into b_orgs (n, kind)
   select g, case when g <= $1::int then 'university' when g <= $1 + $2 then 'incubator' when g <= $1 + $2 + $3 then 'startup' else 'project_team' end::organisation_kind
   from generate_series(1, $1::int + $2::int + $3::int + $4::int) g`,
  [UNIVERSITIES.length, INCUBATORS.length, startups, teams],
);
await q(
  `insert into organisations (id, kind, name, short_name, province, address, website, tax_code, business_registered_on,
     registration_verified_at, registration_verified_by, created_at, updated_at)
   select o.id, o.kind,
     case o.kind
       when 'university' then ($1::text[])[o.n]
       when 'incubator' then ($4::text[])[o.n - $7::int]
       when 'startup' then (case when o.n % 3 = 0 then 'Công ty Cổ phần ' else 'Công ty TNHH ' end)
         || ($10::text[])[1 + (pg_temp.h((o.n * 7)) % cardinality($10::text[]))] || ' '
         || ($11::text[])[1 + (pg_temp.h((o.n * 11)) % cardinality($11::text[]))] || ' '
         || ($12::text[])[1 + (pg_temp.h((o.n * 13)) % cardinality($12::text[]))]
         || case when o.n > $7::int + $8::int + cardinality($10::text[]) * 4 then ' ' || (o.n - $7::int - $8::int)::text else '' end
       else 'Nhóm dự án ' || ($10::text[])[1 + (pg_temp.h((o.n * 7)) % cardinality($10::text[]))] || ' '
         || ($12::text[])[1 + (pg_temp.h((o.n * 13)) % cardinality($12::text[]))] || ' ' || (o.n - $7::int - $8::int - $9::int)::text
     end,
     case o.kind when 'university' then ($2::text[])[o.n] when 'incubator' then ($5::text[])[o.n - $7::int]
       when 'startup' then ($11::text[])[1 + (pg_temp.h((o.n * 11)) % cardinality($11::text[]))] || ' ' || (o.n - $7::int - $8::int)::text
       else null end,
     'Hải Phòng',
     case o.kind when 'university' then ($3::text[])[o.n] when 'incubator' then ($6::text[])[o.n - $7::int]
       else 'Số ' || (1 + pg_temp.h((o.n * 17)) % 300)::text || ' ' || ($13::text[])[1 + (pg_temp.h((o.n * 19)) % cardinality($13::text[]))]
         || ', quận ' || ($12::text[])[1 + (pg_temp.h((o.n * 13)) % cardinality($12::text[]))] || ', Hải Phòng' end,
     case when o.kind = 'startup' and o.n % 2 = 0 then 'https://startup' || (o.n - $7::int - $8::int)::text || '.bench.vn' end,
     case when o.kind = 'startup' then '0209' || lpad((o.n - $7::int - $8::int)::text, 6, '0') end,
     case when o.kind = 'startup' then date '2019-01-01' + (pg_temp.h((o.n * 23)) % 2800) end,
     case when o.kind = 'startup' and o.n % 5 <> 0 then now() - interval '700 days' end,
     case when o.kind = 'startup' and o.n % 5 <> 0 then $14::uuid end,
     now() - interval '760 days', now() - interval '760 days'
   from b_orgs o`,
  [
    UNIVERSITIES.map((u) => u[0]),
    UNIVERSITIES.map((u) => u[1]),
    UNIVERSITIES.map((u) => u[2]),
    INCUBATORS.map((u) => u[0]),
    INCUBATORS.map((u) => u[1]),
    INCUBATORS.map((u) => u[2]),
    UNIVERSITIES.length,
    INCUBATORS.length,
    startups,
    SECTORS,
    BRANDS,
    PLACES,
    STREETS,
    ids.staff_id,
  ],
);
step("organisations");

// People: trainers 1..T (hlv0001@…), then learners: one in four a lecturer at a university, the others founders.
await q(
  `create temp table b_users (n int primary key, id uuid not null default gen_random_uuid(), kind text not null, org_n int not null,
     email text not null, name text not null)`,
);
await q(
  `insert into b_users (n, kind, org_n, email, name)
   select g, k.kind,
     case k.kind when 'trainer' then case when g % 2 = 0 then $4::int + 1 + g % $5::int else 1 + g % $4::int end
       when 'lecturer' then 1 + g % $4::int
       else case when g % 10 = 0 then $4::int + $5::int + $6::int + 1 + g % $7::int else $4::int + $5::int + 1 + (g * 7) % $6::int end end,
     case when g <= $2 then 'hlv' || lpad(g::text, 4, '0') || '@bench.hocvien.vn' else 'hv' || lpad(g::text, 6, '0') || '@bench.hocvien.vn' end,
     ($8::text[])[1 + pg_temp.h((g * 31)) % cardinality($8::text[])] || ' ' ||
     case when hashint4(g * 37) % 2 = 0
       then ($9::text[])[1 + pg_temp.h((g * 41)) % cardinality($9::text[])] || ' ' || ($11::text[])[1 + pg_temp.h((g * 43)) % cardinality($11::text[])]
       else ($10::text[])[1 + pg_temp.h((g * 41)) % cardinality($10::text[])] || ' ' || ($12::text[])[1 + pg_temp.h((g * 43)) % cardinality($12::text[])] end
   from generate_series(1, $1) g,
     lateral (select case when g <= $2 then 'trainer' when pg_temp.h((g * 3)) % 4 = 0 then 'lecturer' else 'founder' end as kind) k
   where $3::int = 0`,
  [
    people,
    trainers,
    0,
    UNIVERSITIES.length,
    INCUBATORS.length,
    startups,
    teams,
    family,
    MIDDLE_M,
    MIDDLE_F,
    GIVEN_M,
    GIVEN_F,
  ],
);
await q(
  `insert into users (id, email, name, phone, password_hash, locale, privacy_consent_at, privacy_notice_version, created_at, updated_at, email_verified_at)
   select u.id, u.email, u.name, '09' || lpad((pg_temp.h((u.n * 47)) % 100000000)::text, 8, '0'), $1, 'vi',
     now() - interval '750 days' + (u.n % 600) * interval '1 day',
     (select privacy_notice_version from users where email = 'admin@demo.vn'),
     now() - interval '750 days' + (u.n % 600) * interval '1 day', now() - interval '750 days' + (u.n % 600) * interval '1 day',
     now() - interval '750 days' + (u.n % 600) * interval '1 day'
   from b_users u`,
  [passwordHash],
);
await q(
  `insert into user_roles (user_id, role, granted_by)
   select id, 'learner'::role, null::uuid from b_users
   union all select id, 'lecturer'::role, $1::uuid from b_users where kind = 'lecturer'
   union all select id, 'trainer'::role, $1::uuid from b_users where kind = 'trainer'`,
  [ids.staff_id],
);
await q(
  `insert into memberships (user_id, organisation_id, role, title)
   select u.id, o.id, case when u.kind = 'founder' and u.n % 7 = 0 then 'admin' else 'member' end::membership_role,
     case u.kind when 'trainer' then 'Huấn luyện viên khởi nghiệp' when 'lecturer' then 'Giảng viên'
       else case when u.n % 7 = 0 then 'Nhà sáng lập, Giám đốc' else 'Thành viên sáng lập' end end
   from b_users u join b_orgs o on o.n = u.org_n`,
);
step(`${people} people`);

// ---------------------------------------------------------------------------------------------------------------
// Cohorts and their sessions.
await q(
  `create temp table b_cohorts as
   select p.n, gen_random_uuid() as id, p.course_id, p.starts_on, p.size, p.off, p.sessions, p.every_days, p.per_day, p.trainer_n,
     (p.starts_on + floor((p.sessions / p.per_day - 1) * p.every_days)::int) as ends_on
   from unnest($1::int[], $2::uuid[], $3::date[], $4::int[], $5::int[], $6::int[], $7::float[], $8::int[], $9::int[])
     as p(n, course_id, starts_on, size, off, sessions, every_days, per_day, trainer_n)`,
  [
    cohortArrays.n,
    cohortArrays.course,
    cohortArrays.start,
    cohortArrays.size,
    cohortArrays.offset,
    cohortArrays.sessions,
    cohortArrays.everyDays,
    cohortArrays.perDay,
    cohortArrays.trainer,
  ],
);
await q(`alter table b_cohorts add primary key (n)`);
await q(
  `insert into cohorts (id, course_id, organisation_id, code, status, admission, starts_on, ends_on, enrollment_opens_at,
     enrollment_closes_at, capacity, seats_taken, language, format, venue_address, venue_room, online_url, fee_vnd,
     description, created_by, created_at, updated_at)
   select b.id, b.course_id, o.id,
     upper(left(regexp_replace(co.slug, '(^|-)([a-z])[a-z]*', '\\2', 'g'), 6)) || '-' || to_char(b.starts_on, 'YYYY') || '-' || lpad(b.n::text, 5, '0'),
     'published', 'open', b.starts_on, b.ends_on,
     (b.starts_on - 45)::timestamp at time zone 'Asia/Ho_Chi_Minh', (b.starts_on + 3)::timestamp at time zone 'Asia/Ho_Chi_Minh',
     greatest(b.size, 1), 0, co.language, co.format,
     coalesce(o.address, 'Hải Phòng'), 'Phòng ' || (100 + b.n % 20)::text,
     case when co.format <> 'in_person' then 'https://meet.example.vn/bench-' || b.n end,
     co.list_price_vnd, 'Lớp ' || co.title_vi || ' — khóa ' || b.n || ' (dữ liệu kiểm thử tải).', $1::uuid,
     (b.starts_on - 50)::timestamp at time zone 'Asia/Ho_Chi_Minh', (b.starts_on - 50)::timestamp at time zone 'Asia/Ho_Chi_Minh'
   from b_cohorts b join courses co on co.id = b.course_id
   join b_users t on t.n = b.trainer_n join b_orgs bo on bo.n = t.org_n join organisations o on o.id = bo.id`,
  [ids.staff_id],
);
await q(
  `insert into cohort_trainers (cohort_id, user_id, added_by, added_at)
   select b.id, t.id, $1::uuid, (b.starts_on - 50)::timestamp at time zone 'Asia/Ho_Chi_Minh' from b_cohorts b join b_users t on t.n = b.trainer_n`,
  [ids.staff_id],
);
await q(
  `create temp table b_sessions as
   select gen_random_uuid() as id, b.n as cohort_n, b.id as cohort_id, s.j,
     ((b.starts_on + floor((s.j / b.per_day) * b.every_days)::int) + (case when s.j % b.per_day = 0 then $1::time else $3::time end))
       at time zone 'Asia/Ho_Chi_Minh' as starts_at,
     ((b.starts_on + floor((s.j / b.per_day) * b.every_days)::int) + (case when s.j % b.per_day = 0 then $2::time else $4::time end))
       at time zone 'Asia/Ho_Chi_Minh' as ends_at,
     b.course_id
   from b_cohorts b, generate_series(0, b.sessions - 1) s(j)`,
  ["08:00", "11:30", "13:30", "17:00"],
);
// Evening classes for the founders' course.
await q(
  `update b_sessions set starts_at = starts_at + interval '10 hours', ends_at = ends_at + interval '9 hours' where course_id = $1`,
  [founders.id],
);
await q(
  `insert into cohort_sessions (id, cohort_id, starts_at, ends_at, topic, created_by, created_at, updated_at)
   select s.id, s.cohort_id, s.starts_at, s.ends_at, 'Buổi ' || (s.j + 1) || ': ' || ($1::text[])[1 + s.j % cardinality($1::text[])],
     $2::uuid, s.starts_at - interval '60 days', s.starts_at - interval '60 days'
   from b_sessions s`,
  [
    [
      "Khám phá khách hàng",
      "Phỏng vấn vấn đề",
      "Mô hình kinh doanh canvas",
      "Sản phẩm khả dụng tối thiểu",
      "Chỉ số và thử nghiệm",
      "Tài chính khởi nghiệp",
      "Thuyết trình gọi vốn",
      "Sở hữu trí tuệ",
      "Thành lập doanh nghiệp",
      "Phương pháp giảng dạy",
    ],
    ids.staff_id,
  ],
);
step(`${cohortCount} cohorts with sessions`);

// ---------------------------------------------------------------------------------------------------------------
// Enrolments: place k of cohort n goes to learner 1 + (offset + k) mod pool (after the trainers).
const qrN = qrPlan.i + 1;
const bigN = bigPlan.i + 1;
await q(
  `create temp table b_enrollments as
   select row_number() over ()::int as e, gen_random_uuid() as id, b.n as cohort_n, b.id as cohort_id, u.id as user_id, u.n as user_n,
     u.kind as user_kind, u.org_n, b.starts_on, b.ends_on, co.list_price_vnd as fee,
     case
       when b.n = $3 then 'confirmed'
       when pg_temp.h((b.n * 100003 + k)) % 100 < 6 then case when b.ends_on < $4::date then 'lapsed' else 'waitlisted' end
       when pg_temp.h((b.n * 100003 + k)) % 100 < 14 then 'withdrawn'
       else 'confirmed' end::enrollment_status as status,
     ((b.starts_on - 40 + pg_temp.h((b.n * 7 + k)) % 35)::timestamp + time '09:00' + (k % 480) * interval '1 minute')
       at time zone 'Asia/Ho_Chi_Minh' as enrolled_at
   from b_cohorts b join courses co on co.id = b.course_id cross join lateral generate_series(0, b.size - 1) k
   join b_users u on u.n = $1 + 1 + (b.off + k) % $2`,
  [trainers, learnersPool, qrN, today],
);
await q(`alter table b_enrollments add primary key (e)`);
await q(
  `insert into enrollments (id, cohort_id, user_id, status, waitlist_position, waitlisted_at, confirmed_at, withdrawn_at,
     withdrawn_after_start, fee_vnd, created_at, updated_at)
   select e.id, e.cohort_id, e.user_id, e.status,
     case when e.status in ('waitlisted', 'lapsed') then row_number() over (partition by e.cohort_id, e.status in ('waitlisted', 'lapsed') order by e.e) end,
     case when e.status in ('waitlisted', 'lapsed') then e.enrolled_at end,
     case when e.status in ('confirmed', 'withdrawn') then e.enrolled_at end,
     case when e.status = 'withdrawn' then e.enrolled_at + interval '9 days' end,
     false, e.fee, e.enrolled_at, e.enrolled_at
   from b_enrollments e`,
);
step(`${enrollmentTarget} enrolments`);

// Attendance: every seat holder, every session already held. Three in four learners rarely miss a session.
// In one statement up to M (about a million rows); in batches of 200 cohorts (about 200,000 rows) beyond.
const cohortsPerBatch = cohortCount > 2_000 ? 200 : cohortCount;
for (let from = 1; from <= cohortCount; from += cohortsPerBatch) {
  const to = from + cohortsPerBatch - 1;
  await q(
    `insert into attendance (id, session_id, enrollment_id, status, note, method, recorded_by, recorded_at, updated_at)
     select gen_random_uuid(), s.id, e.id, x.status,
       case when x.status = 'excused' then ($3::text[])[1 + x.r % cardinality($3::text[])] end,
       case when x.r % 10 < 7 and x.status in ('present', 'late') then 'qr' else 'roll_call' end::attendance_method,
       case when x.r % 10 < 7 and x.status in ('present', 'late') then e.user_id else t.id end,
       s.starts_at + case x.status when 'late' then interval '25 minutes' when 'present' then (x.r % 15 - 10) * interval '1 minute' else interval '2 hours' end,
       s.starts_at + interval '2 hours'
     from b_enrollments e
     join b_sessions s on s.cohort_n = e.cohort_n and s.starts_at < $4::timestamptz
     join b_cohorts b on b.n = e.cohort_n join b_users t on t.n = b.trainer_n,
     lateral (select pg_temp.h((e.e * 131 + s.j)) % 100 as r) r0,
     lateral (select r0.r, case
         when r0.r < (case when pg_temp.h((e.e * 17)) % 100 < 75 then 5 else 30 end)
           then case when r0.r % 3 = 0 then 'excused' else 'absent' end
         when r0.r >= 92 then 'late' else 'present' end::attendance_status as status) x
     where e.status = 'confirmed' and e.cohort_n between $1 and $2`,
    [from, to, ["Ốm", "Việc gia đình", "Đi công tác", "Con ốm", "Lịch thi của trường"], now.toISOString()],
  );
}
await q(
  `insert into attendance_events (attendance_id, session_id, enrollment_id, actor_id, old_status, new_status, old_note, new_note, reason, method, created_at)
   select a.id, a.session_id, a.enrollment_id, a.recorded_by, null, a.status, null, a.note, null, a.method, a.recorded_at from attendance a
   where not exists (select 1 from attendance_events ev where ev.attendance_id = a.id)`,
);
step("attendance and its history");

// Completion, decided a few days after the last session of cohorts that ended more than a week ago.
await q(
  `create temp table b_completion as
   select e.e, e.id as enrollment_id, e.cohort_id, e.user_id, b.ends_on, co.min_attendance_share as min_share, b.sessions as total,
     (select count(*) from attendance a where a.enrollment_id = e.id and a.status in ('present', 'late'))::int as attended, t.id as trainer_id
   from b_enrollments e join b_cohorts b on b.n = e.cohort_n join courses co on co.id = b.course_id join b_users t on t.n = b.trainer_n
   where e.status = 'confirmed' and b.ends_on < $1::date - 7`,
  [today],
);
await q(
  `insert into completion_records (enrollment_id, cohort_id, user_id, completed, current, sessions_total, sessions_attended,
     attendance_share, min_attendance_share, quizzes_required, quizzes_passed, reasons, decided_by, decided_at)
   select c.enrollment_id, c.cohort_id, c.user_id, c.attended::numeric / c.total >= c.min_share, true, c.total, c.attended,
     round(c.attended::numeric / c.total, 4), c.min_share, '{}', '{}',
     case when c.attended::numeric / c.total >= c.min_share then '{}'::text[] else '{attendance_below_minimum}'::text[] end,
     c.trainer_id, (c.ends_on + 3 + time '10:00') at time zone 'Asia/Ho_Chi_Minh'
   from b_completion c`,
);
await q(
  `update b_enrollments e set status = case when c.attended::numeric / c.total >= c.min_share then 'completed' else 'not_completed' end::enrollment_status
   from b_completion c where c.e = e.e`,
);
await q(
  `update enrollments x set status = e.status from b_enrollments e where e.id = x.id and e.status in ('completed', 'not_completed')`,
);
await q(
  `update cohorts c set completion_decided_at = (b.ends_on + 3 + time '10:00') at time zone 'Asia/Ho_Chi_Minh', completion_decided_by = t.id
   from b_cohorts b join b_users t on t.n = b.trainer_n where b.id = c.id and b.ends_on < $1::date - 7`,
  [today],
);
await q(
  `insert into enrollment_events (enrollment_id, cohort_id, actor_id, from_status, to_status, reason, created_at)
   select e.id, e.cohort_id, e.user_id, null,
     case when e.status in ('waitlisted', 'lapsed') then 'waitlisted' else 'confirmed' end::enrollment_status, 'enrolled', e.enrolled_at
   from b_enrollments e
   union all
   select e.id, e.cohort_id, case when e.status = 'withdrawn' then e.user_id end,
     case when e.status = 'lapsed' then 'waitlisted' else 'confirmed' end::enrollment_status, e.status,
     case e.status when 'withdrawn' then 'withdrawn' when 'lapsed' then 'waitlist_closed' else 'completion_decided' end,
     case when e.status = 'withdrawn' then e.enrolled_at + interval '9 days'
       else (e.ends_on + 3 + time '10:00') at time zone 'Asia/Ho_Chi_Minh' end
   from b_enrollments e where e.status in ('withdrawn', 'lapsed', 'completed', 'not_completed')
   order by 7`,
);
step("completion and enrolment history");

// Seats and capacity: what the seat trigger would have counted; a cohort with a waitlist is full.
await q(
  `update cohorts c set seats_taken = x.seats,
     capacity = case when x.waiting > 0 then greatest(x.seats, 1) else x.seats + 5 end
   from (select cohort_id, count(*) filter (where enrollment_holds_seat(status)) as seats,
           count(*) filter (where status = 'waitlisted') as waiting from enrollments group by cohort_id) x
   where x.cohort_id = c.id and c.id in (select id from b_cohorts)`,
);
// The overlap rule (enrollments_refuse_overlap): no person holds two active places in overlapping cohorts of a course.
const [overlap] = await q(
  `select count(*)::int as n from enrollments e join cohorts c on c.id = e.cohort_id
   join enrollments e2 on e2.user_id = e.user_id and e2.id <> e.id join cohorts c2 on c2.id = e2.cohort_id
   where c2.course_id = c.course_id and c2.id <> c.id
     and e.status in ('applied', 'waitlisted', 'offered', 'pending_payment', 'confirmed')
     and e2.status in ('applied', 'waitlisted', 'offered', 'pending_payment', 'confirmed')
     and c.starts_on <= c2.ends_on and c2.starts_on <= c.ends_on`,
);
if (overlap.n > 0) throw new Error(`generated data breaks the overlap rule (${overlap.n} places)`);
step("seats counted, overlap checked");

// ---------------------------------------------------------------------------------------------------------------
// Subsidies: one programme per fiscal year with two budget lines; every cohort linked to its start year's
// programme; a claim for one in five places of lecturers and founders of verified startups, as the app's
// eligibility check and calculation make them: the rule in force before any claim of the year is filed; a startup
// registered before it enrols and within the rule's age (five years) when its claim is decided; each beneficiary's
// claims within the yearly cap (the claim that reaches it is cut to what is left, none is made after). Paid claims
// carry a payment order (UNC) number of their own; forfeited subsidy is billed back; every paid payment has its
// receipt. Then, in the report year only, a few deliberate breaches of each rule check (counted into
// `ruleBreaches` of the manifest), so the report's checks have something to find and can be checked against it.
const reportYear = Number(today.slice(0, 4));
const reportFrom = `${reportYear}-01-01`;
const nowIso = now.toISOString();
const YEARLY_CAP = 30_000_000;
const BREACHES_WANTED = {
  overYearlyCap: 2,
  startupPastAge: 2,
  filedBeforeRule: 2,
  paymentReferenceReused: 2,
  paymentWithoutReceipt: 3,
  forfeitNotBilled: 3,
};
const breachesPlaced: Record<keyof typeof BREACHES_WANTED, number> = {
  overYearlyCap: 0,
  startupPastAge: 0,
  filedBeforeRule: 0,
  paymentReferenceReused: 0,
  paymentWithoutReceipt: 0,
  forfeitNotBilled: 0,
};
/** The instant a Vietnam day starts, in SQL. */
const vnDayStart = (day: string) => `('${day}'::date)::timestamp at time zone 'Asia/Ho_Chi_Minh'`;
await q(
  `create temp table b_subsidy as
   select y as year, gen_random_uuid() as id, gen_random_uuid() as rule_id, gen_random_uuid() as rule2_id,
     gen_random_uuid() as line_st, gen_random_uuid() as line_central,
     make_date(y - 1, 10, 15)::timestamp at time zone 'Asia/Ho_Chi_Minh' as created_at,
     make_date(y - 1, 11, 1)::timestamp at time zone 'Asia/Ho_Chi_Minh' as effective_from
   from (select distinct extract(year from starts_on)::int as y from b_cohorts) years`,
);
await q(
  `insert into subsidy_programmes (id, programme_id, name_vi, name_en, fiscal_year, owner_organisation_id, decision_ref, created_by, created_at, updated_at)
   select s.id, $1::uuid, 'Hỗ trợ đào tạo khởi nghiệp ' || s.year || ' — các lớp mở rộng', 'Startup training support ' || s.year || ' — extended cohorts',
     s.year, $2::uuid, 'Kế hoạch năm ' || s.year || ' theo Quyết định 1394/QĐ-UBND (dữ liệu kiểm thử tải)', $3::uuid,
     s.created_at, s.created_at
   from b_subsidy s`,
  [ids.programme_id, ids.dost_id, ids.staff_id],
);
const ruleColumns = `subsidy_programme_id, version, effective_from, beneficiary_kinds, cost_categories, share_bps,
     cap_per_claim_vnd, cap_per_beneficiary_year_vnd, cap_per_hour_vnd, min_attendance_bps, require_assessments_passed, claim_window_days,
     startup_max_age_years, province, require_verified_registration, note, created_by, created_at`;
const ruleValues = `'{lecturer,startup,project_team,training_institution}',
     '{platform_course_fee,external_course_domestic,external_course_international,coaching_advisory,curriculum}', 7000,
     20000000, ${YEARLY_CAP}, 500000, 8000, false, 90, 5, 'Hải Phòng', true`;
await q(
  `insert into subsidy_rule_versions (id, ${ruleColumns})
   select s.rule_id, s.id, 1, s.effective_from, ${ruleValues}, 'Mức hỗ trợ 70% chi phí (dữ liệu kiểm thử tải).', $1::uuid, s.created_at
   from b_subsidy s`,
  [ids.staff_id],
);
await q(
  `insert into subsidy_cohort_links (cohort_id, subsidy_programme_id, linked_by, linked_at)
   select b.id, s.id, $1::uuid, (b.starts_on - 50)::timestamptz from b_cohorts b join b_subsidy s on s.year = extract(year from b.starts_on)`,
  [ids.staff_id],
);
// The candidates: one place in five of a lecturer or a founder of a verified startup registered before enrolling.
await q(
  `create temp table b_claims as
   select e.e, gen_random_uuid() as id, gen_random_uuid() as check_id, e.id as enrollment_id, e.cohort_id, e.user_id, e.enrolled_at,
     e.starts_on, e.ends_on, e.fee, co.hours, co.id as course_id, co.title_vi, s.id as subsidy_id, s.year, s.rule_id, 1 as rule_version,
     case when pg_temp.h((e.e * 29)) % 10 < 6 then s.line_st else s.line_central end as line_id,
     case when e.user_kind = 'lecturer' then 'lecturer' else 'startup' end::subsidy_beneficiary_kind as kind,
     case when e.user_kind = 'lecturer' then 'user:' || e.user_id else 'org:' || o.id end as beneficiary_key,
     o.id as org_id,
     least(floor(e.fee * 0.7), 20000000, floor(co.hours * 500000))::bigint as base,
     0::bigint as amount,
     case e.status when 'confirmed' then 'estimated' when 'withdrawn' then 'cancelled' when 'not_completed' then 'forfeited'
       else case when e.ends_on < $1::date - 45 then 'paid' else 'earned' end end::subsidy_claim_status as status,
     e.user_kind = 'lecturer' or e.ends_on + 3 <= (o.business_registered_on + interval '5 years')::date as age_ok,
     null::int as unc_seq
   from b_enrollments e join b_cohorts b on b.n = e.cohort_n join courses co on co.id = b.course_id
   join b_subsidy s on s.year = extract(year from e.starts_on)
   join b_orgs bo on bo.n = e.org_n join organisations o on o.id = bo.id
   where e.status in ('confirmed', 'withdrawn', 'completed', 'not_completed') and e.fee > 0 and e.e % 5 = 0
     and (e.user_kind = 'lecturer' or (o.kind = 'startup' and o.registration_verified_at is not null
       and o.business_registered_on <= (e.enrolled_at at time zone 'Asia/Ho_Chi_Minh')::date))`,
  [today],
);
await q(`alter table b_claims add primary key (e)`);
// A startup past the age: no claim, but for a few decided (earned or paid) in the report year — breaches.
breachesPlaced.startupPastAge = (
  await q(
    `select e from b_claims where not age_ok and kind = 'startup' and status in ('earned', 'paid')
       and ends_on + 3 >= $1::date and ends_on + 3 < $2::date order by e limit $3`,
    [reportFrom, today, BREACHES_WANTED.startupPastAge],
  )
).length;
await q(
  `delete from b_claims where not age_ok and e not in (select e from b_claims where not age_ok and kind = 'startup'
     and status in ('earned', 'paid') and ends_on + 3 >= $1::date and ends_on + 3 < $2::date order by e limit $3)`,
  [reportFrom, today, BREACHES_WANTED.startupPastAge],
);
// The yearly cap, claim after claim in the order they were filed: what is left of the cap when the claim is made.
// Counting every claim made (also those released later) keeps the net at any instant within the cap.
await q(
  `update b_claims c set amount = least(x.cum, $1::bigint) - least(x.cum - c.base, $1::bigint)
   from (select e, sum(base) over (partition by subsidy_id, beneficiary_key order by enrolled_at, e) as cum from b_claims) x
   where x.e = c.e`,
  [YEARLY_CAP],
);
// Over the cap: a few startups of the report year's programme whose claims were not cut (their net commitments
// before now, places neither withdrawn nor forfeited, exceed the cap; one commitment falls in the report year).
{
  const over = await q(
    `select c.subsidy_id, c.beneficiary_key from b_claims c join b_subsidy s on s.id = c.subsidy_id
     where s.year = $1 and c.kind = 'startup'
     group by c.subsidy_id, c.beneficiary_key
     having sum(c.base) filter (where c.status not in ('cancelled', 'forfeited') and c.enrolled_at < $2::timestamptz) > $3::bigint
       and bool_or(c.enrolled_at >= ${vnDayStart(reportFrom)} and c.enrolled_at < $2::timestamptz)
     order by c.beneficiary_key limit $4`,
    [reportYear, nowIso, YEARLY_CAP, BREACHES_WANTED.overYearlyCap],
  );
  breachesPlaced.overYearlyCap = over.length;
  await q(
    `update b_claims set amount = base where subsidy_id = any($1::uuid[]) and beneficiary_key = any($2::text[])`,
    [over.map((r) => r.subsidy_id), over.map((r) => r.beneficiary_key)],
  );
}
await q(`delete from b_claims where amount = 0`);
// A past-age claim cut to nothing by the cap is gone: count those left.
breachesPlaced.startupPastAge = (await q(`select count(*)::int as n from b_claims where not age_ok`))[0].n;
// Filed before its rule: an amendment (version 2) takes effect the day after the report year's last filing, and a
// few claims filed in the report year are judged by it.
{
  const early = await q(
    `select c.e from b_claims c join b_subsidy s on s.id = c.subsidy_id
     where s.year = $1 and c.enrolled_at >= ${vnDayStart(reportFrom)} and c.enrolled_at < $2::timestamptz
     order by c.enrolled_at, c.e limit $3`,
    [reportYear, nowIso, BREACHES_WANTED.filedBeforeRule],
  );
  breachesPlaced.filedBeforeRule = early.length;
  if (early.length > 0) {
    await q(
      `insert into subsidy_rule_versions (id, ${ruleColumns})
       select s.rule2_id, s.id, 2, x.effective_from, ${ruleValues}, 'Sửa đổi: thủ tục hồ sơ (dữ liệu kiểm thử tải).', $2::uuid,
         least(x.effective_from, $3::timestamptz) - interval '7 days'
       from b_subsidy s, lateral (select ((max(c.enrolled_at) at time zone 'Asia/Ho_Chi_Minh')::date + 1)::timestamp
           at time zone 'Asia/Ho_Chi_Minh' as effective_from from b_claims c where c.subsidy_id = s.id) x
       where s.year = $1`,
      [reportYear, ids.staff_id, nowIso],
    );
    await q(
      `update b_claims c set rule_id = s.rule2_id, rule_version = 2 from b_subsidy s where s.id = c.subsidy_id and c.e = any($1::int[])`,
      [early.map((r) => r.e)],
    );
  }
}
// Payment order numbers, one per paid claim, in order within the year they were paid. In the report year, claim 2k
// is given the number of claim 2k − 1 (k = 1 … wanted): those numbers are used twice.
await q(
  `update b_claims c set unc_seq = x.seq
   from (select e, row_number() over (partition by extract(year from ends_on + 30) order by ends_on, e)::int as seq
         from b_claims where status = 'paid') x where x.e = c.e`,
);
{
  const [paid] = await q(
    `select count(*)::int as n from b_claims where status = 'paid' and extract(year from ends_on + 30) = $1`,
    [reportYear],
  );
  breachesPlaced.paymentReferenceReused = Math.min(BREACHES_WANTED.paymentReferenceReused, Math.floor(paid.n / 2));
  await q(
    `update b_claims set unc_seq = unc_seq - 1
     where status = 'paid' and extract(year from ends_on + 30) = $1 and unc_seq % 2 = 0 and unc_seq <= 2 * $2`,
    [reportYear, breachesPlaced.paymentReferenceReused],
  );
}
const uncReference = `'UNC ' || lpad(c.unc_seq::text, 6, '0') || '/' || extract(year from c.ends_on + 30) || '/KBNN-HP'`;
await q(
  `insert into subsidy_budget_lines (id, subsidy_programme_id, code, funding_source, source_name, allocated_vnd, available_vnd, position, created_by, created_at, fiscal_year)
   select l.id, s.id, l.code || '-' || s.year || '-MR', l.source::funding_source, l.source_name || ' năm ' || s.year,
     greatest(1000000000, ceil(coalesce((select sum(c.amount) from b_claims c where c.line_id = l.id), 0) * 1.25 / 1000000) * 1000000)::bigint, 0, l.position,
     $1::uuid, s.created_at, s.year
   from b_subsidy s, lateral (values (s.line_st, 'KHCN', 'city_science_technology', 'Ngân sách sự nghiệp khoa học và công nghệ thành phố Hải Phòng', 0),
     (s.line_central, 'DA844', 'central_programme', 'Đề án 844 — Hỗ trợ hệ sinh thái khởi nghiệp đổi mới sáng tạo quốc gia', 1)) l(id, code, source, source_name, position)`,
  [ids.staff_id],
);
await q(
  `insert into subsidy_eligibility_checks (id, subsidy_programme_id, rule_version_id, rule_version, user_id, organisation_id, cost_category,
     context, eligible, beneficiary_kind, reasons, facts, checked_at)
   select c.check_id, c.subsidy_id, c.rule_id, c.rule_version, c.user_id, c.org_id, 'platform_course_fee', 'enrollment', true, c.kind, '[]',
     jsonb_build_object('user', jsonb_build_object('id', c.user_id), 'organisation', jsonb_build_object('id', c.org_id), 'generated', true), c.enrolled_at
   from b_claims c`,
);
await q(
  `insert into subsidy_claims (id, subsidy_programme_id, rule_version_id, eligibility_check_id, route, status, claimant_user_id, organisation_id,
     beneficiary_kind, beneficiary_key, cost_category, course_key, course_title, provider_name, country, starts_on, ends_on, hours, fee_vnd,
     enrollment_id, cohort_id, requested_vnd, approved_vnd, budget_line_id, calculation, payment_reference, paid_on, filed_at, decided_at, created_at, updated_at)
   select c.id, c.subsidy_id, c.rule_id, c.check_id, 'platform', c.status, c.user_id, c.org_id, c.kind, c.beneficiary_key, 'platform_course_fee',
     'course:' || c.course_id, c.title_vi, 'Startup Academy Hải Phòng', 'VN', c.starts_on, c.ends_on, c.hours, c.fee, c.enrollment_id, c.cohort_id,
     c.amount, c.amount, c.line_id,
     jsonb_build_object('shareBps', 7000, 'amountVnd', c.amount, 'feeVnd', c.fee, 'hours', c.hours),
     case when c.status = 'paid' then ${uncReference} end,
     case when c.status = 'paid' then c.ends_on + 30 end,
     c.enrolled_at,
     case when c.status in ('earned', 'paid', 'forfeited') then (c.ends_on + 3 + time '10:00') at time zone 'Asia/Ho_Chi_Minh'
       when c.status = 'cancelled' then c.enrolled_at + interval '9 days' end,
     c.enrolled_at, c.enrolled_at
   from b_claims c order by c.enrolled_at`,
);
await q(
  `insert into subsidy_claim_events (claim_id, from_status, to_status, actor_id, note, data, at)
   select x.claim_id, x.from_status::subsidy_claim_status, x.to_status::subsidy_claim_status, x.actor_id, null, x.data, x.at from (
     select c.id as claim_id, null as from_status, 'estimated' as to_status, c.user_id as actor_id,
       jsonb_build_object('amountVnd', c.amount, 'budgetLineId', c.line_id) as data, c.enrolled_at as at from b_claims c
     union all
     select c.id, 'estimated', case c.status when 'paid' then 'earned' else c.status::text end, null, null,
       case when c.status = 'cancelled' then c.enrolled_at + interval '9 days' else (c.ends_on + 3 + time '10:00') at time zone 'Asia/Ho_Chi_Minh' end
     from b_claims c where c.status <> 'estimated'
     union all
     select c.id, 'earned', 'paid', $1::uuid,
       jsonb_build_object('amountVnd', c.amount, 'paymentReference', ${uncReference}, 'paidOn', (c.ends_on + 30)::text),
       (c.ends_on + 30 + time '15:00') at time zone 'Asia/Ho_Chi_Minh' from b_claims c where c.status = 'paid'
   ) x order by x.at`,
  [ids.staff_id],
);
await q(
  `insert into subsidy_ledger_entries (budget_line_id, claim_id, kind, amount_vnd, actor_id, reason, reference, at)
   select x.line_id, x.claim_id, x.kind::subsidy_ledger_kind, x.amount, x.actor_id, x.reason, x.reference, x.at from (
     select c.line_id, c.id as claim_id, 'commitment' as kind, c.amount, c.user_id as actor_id, 'estimate for enrolment ' || c.enrollment_id as reason,
       null as reference, c.enrolled_at as at from b_claims c
     union all
     select c.line_id, c.id, 'release', c.amount, null, case c.status when 'cancelled' then 'place withdrawn' else 'course not completed' end, null,
       case when c.status = 'cancelled' then c.enrolled_at + interval '9 days' else (c.ends_on + 3 + time '10:00') at time zone 'Asia/Ho_Chi_Minh' end
     from b_claims c where c.status in ('cancelled', 'forfeited')
     union all
     select c.line_id, c.id, 'payment', c.amount, $1::uuid, 'payment of claim ' || sc.seq, ${uncReference},
       (c.ends_on + 30 + time '15:00') at time zone 'Asia/Ho_Chi_Minh' from b_claims c join subsidy_claims sc on sc.id = c.id where c.status = 'paid'
   ) x order by x.at`,
  [ids.staff_id],
);
// What the ledger trigger keeps: allocation + amendments − commitments + releases + recoveries.
await q(
  `update subsidy_budget_lines l set available_vnd = l.allocated_vnd
     + coalesce((select sum(delta_vnd) from subsidy_budget_amendments a where a.budget_line_id = l.id), 0)
     - coalesce((select sum(case kind when 'commitment' then amount_vnd when 'release' then -amount_vnd when 'recovery' then -amount_vnd else 0 end)
                 from subsidy_ledger_entries le where le.budget_line_id = l.id), 0)
   where l.subsidy_programme_id in (select id from b_subsidy)`,
);
step("subsidy claims and ledger");

// Payments of the nett fee (fee less the subsidy estimate) for every place that held a seat, with the payer's
// organisation (the one the subsidy was judged for: the person's own) on the receipt. The transfer note is "SA" and
// eight base-32 characters of the place's number.
const transferReference = (n: string) =>
  `'SA' || (select string_agg(substr('ABCDEFGHIJKLMNOPQRSTUVWXYZ234567', (((${n}) >> (5 * d)) & 31) + 1, 1), '' order by d desc) from generate_series(0, 7) d)`;
await q(
  `insert into payments (kind, enrollment_id, cohort_id, payer_user_id, fee_vnd, subsidy_vnd, amount_vnd, method, status, transfer_reference,
     stripe_checkout_session_id, idempotency_key, paid_at, paid_via, payer_organisation_name, payer_tax_code, created_by, created_at, updated_at)
   select 'enrollment', e.id, e.cohort_id, e.user_id, e.fee, coalesce(c.amount, 0), e.fee - coalesce(c.amount, 0),
     case when e.e % 5 = 1 then 'stripe' else 'vietqr' end::payment_method, 'paid', ${transferReference("e.e")},
     case when e.e % 5 = 1 then 'cs_bench_' || e.e end, 'bench:' || e.id,
     e.enrolled_at + interval '2 hours', case when e.e % 5 = 1 then 'stripe:cs_bench_' || e.e else 'manual' end,
     o.name, o.tax_code, e.user_id, e.enrolled_at, e.enrolled_at
   from b_enrollments e left join b_claims c on c.e = e.e
   join b_orgs bo on bo.n = e.org_n join organisations o on o.id = bo.id
   where enrollment_holds_seat(e.status) and e.fee > 0`,
);
// Forfeited subsidy billed back to the learner two days after completion was decided (paid six days later, or still
// open), but for a few forfeited in the report year — breaches. The transfer notes of the bills count from 2^29,
// beyond every place's number.
{
  const unbilled = await q(
    `select e from b_claims where status = 'forfeited' and ends_on + 3 >= $1::date and ends_on + 3 < $2::date order by e limit $3`,
    [reportFrom, today, BREACHES_WANTED.forfeitNotBilled],
  );
  breachesPlaced.forfeitNotBilled = unbilled.length;
  await q(
    `insert into payments (kind, enrollment_id, cohort_id, payer_user_id, fee_vnd, subsidy_vnd, amount_vnd, method, status, transfer_reference,
       idempotency_key, paid_at, paid_via, payer_organisation_name, payer_tax_code, created_by, created_at, updated_at)
     select 'forfeit', c.enrollment_id, c.cohort_id, c.user_id, c.fee, 0, c.amount, 'vietqr',
       case when b.paid_at < $2::timestamptz then 'paid' else 'pending' end::payment_status, ${transferReference("c.e + 536870912")},
       'bench:forfeit:' || c.enrollment_id, case when b.paid_at < $2::timestamptz then b.paid_at end,
       case when b.paid_at < $2::timestamptz then 'manual' end, p.payer_organisation_name, p.payer_tax_code, $3::uuid, b.billed_at,
       case when b.paid_at < $2::timestamptz then b.paid_at else b.billed_at end
     from b_claims c
     left join payments p on p.enrollment_id = c.enrollment_id and p.kind = 'enrollment',
     lateral (select (c.ends_on + 5 + time '09:30') at time zone 'Asia/Ho_Chi_Minh' as billed_at,
                     (c.ends_on + 11 + time '14:00') at time zone 'Asia/Ho_Chi_Minh' as paid_at) b
     where c.status = 'forfeited' and c.e <> all($1::int[])`,
    [unbilled.map((r) => r.e), nowIso, ids.staff_id],
  );
}
// Receipts: one per paid payment, issued when it was paid, with the snapshot issueReceipt freezes, numbered
// BL-<year>-<000001> in order of issue within each Vietnam year, the seed's own receipts included (renumbered into
// that order). But for a few paid in the report year — breaches.
await q(
  `create temp table b_receipts as
   select p.id as payment_id, p.paid_at as issued_at, extract(year from p.paid_at at time zone 'Asia/Ho_Chi_Minh')::int as year, p.kind,
     p.transfer_reference
   from payments p where p.idempotency_key like 'bench:%' and p.status = 'paid'`,
);
breachesPlaced.paymentWithoutReceipt = (
  await q(
    `delete from b_receipts where payment_id in (select payment_id from b_receipts where kind = 'enrollment'
       and issued_at >= ${vnDayStart(reportFrom)} and issued_at < $1::timestamptz order by transfer_reference limit $2)
     returning payment_id`,
    [nowIso, BREACHES_WANTED.paymentWithoutReceipt],
  )
).length;
await q(
  `create temp table b_receipt_numbers as
   select payment_id, 'BL-' || year || '-' || lpad((row_number() over (partition by year order by issued_at, payment_id))::text, 6, '0') as number
   from (select payment_id, issued_at, year from b_receipts
         union all select payment_id, issued_at, extract(year from issued_at at time zone 'Asia/Ho_Chi_Minh')::int from receipts) r`,
);
await q(`update receipts set number = 'BENCH-' || id`);
await q(
  `insert into receipts (payment_id, number, issued_at, snapshot)
   select p.id, n.number, p.paid_at,
     jsonb_build_object('payerName', u.name, 'payerEmail', u.email, 'payerOrganisationName', p.payer_organisation_name,
       'payerTaxCode', p.payer_tax_code, 'cohortCode', co.code, 'courseTitleVi', cs.title_vi, 'courseTitleEn', cs.title_en,
       'feeVnd', p.fee_vnd, 'subsidyVnd', p.subsidy_vnd,
       'subsidyProgrammeVi', case when p.subsidy_vnd > 0 or p.kind = 'forfeit' then sp.name_vi end,
       'subsidyProgrammeEn', case when p.subsidy_vnd > 0 or p.kind = 'forfeit' then sp.name_en end,
       'fundingSource', bl.funding_source, 'fundingSourceName', bl.source_name, 'discountVnd', p.discount_vnd,
       'amountVnd', p.amount_vnd, 'method', p.method, 'transferReference', p.transfer_reference, 'kind', p.kind)
   from b_receipts r join b_receipt_numbers n on n.payment_id = r.payment_id join payments p on p.id = r.payment_id
   join users u on u.id = p.payer_user_id join cohorts co on co.id = p.cohort_id join courses cs on cs.id = co.course_id
   left join subsidy_claims sc on sc.enrollment_id = p.enrollment_id
   left join subsidy_programmes sp on sp.id = sc.subsidy_programme_id
   left join subsidy_budget_lines bl on bl.id = sc.budget_line_id`,
);
await q(
  `update receipts r set number = n.number from b_receipt_numbers n where n.payment_id = r.payment_id and r.number like 'BENCH-%'`,
);
step("payments, forfeit bills and receipts");

// Self-paced course enrolments for every (person, course) with a place, and lesson progress for some of them.
await q(
  `insert into course_enrollments (user_id, course_id, status, enrolled_at, updated_at)
   select e.user_id, b.course_id, case when bool_or(e.status = 'completed') then 'completed' else 'active' end::course_enrollment_status,
     min(e.enrolled_at), min(e.enrolled_at)
   from b_enrollments e join b_cohorts b on b.n = e.cohort_n group by e.user_id, b.course_id`,
);
const catalog = courseRows.reduce((best, c) => (c.lessons > best.lessons ? c : best), courseRows[0]);
const learnerRows = await q(
  `select u.email, u.id as "userId" from b_enrollments e join b_cohorts b on b.n = e.cohort_n join b_users u on u.n = e.user_n
   where b.course_id = $1 and e.status = 'confirmed' order by b.n desc, e.e limit 24`,
  [catalog.id],
);
await q(
  `insert into lesson_progress (user_id, lesson_id, first_opened_at, last_opened_at, watched_seconds, position_seconds, completed_at)
   select ce.user_id, l.id, ce.enrolled_at + l.rank * interval '2 days', ce.enrolled_at + l.rank * interval '2 days', 300, 300,
     ce.enrolled_at + l.rank * interval '2 days' + interval '20 minutes'
   from course_enrollments ce
   join lateral (select l.id, row_number() over (order by l.id) as rank from lessons l where l.course_id = ce.course_id) l on true
   where (ce.user_id = any($1::uuid[]) or pg_temp.h((hashtext(ce.user_id::text))) % 20 = 0)
     and l.rank <= greatest(2, (select count(*) from lessons x where x.course_id = ce.course_id) / 2)`,
  [learnerRows.map((r) => r.userId)],
);
step("course enrolments and lesson progress");

// Trainer certification: the trainers and one lecturer in ten hold the platform's certification when there is one.
await q(
  `insert into certification_awards (certification_id, user_id, status, valid_from, valid_until, issued_by, created_at, updated_at)
   select cert.id, u.id, 'active', now() - (u.n % 400) * interval '1 day', now() - (u.n % 400) * interval '1 day' + cert.validity_months * interval '1 month',
     $1::uuid, now() - (u.n % 400) * interval '1 day', now() - (u.n % 400) * interval '1 day'
   from b_users u, (select id, validity_months from certifications where active order by created_at limit 1) cert
   where u.kind = 'trainer' or (u.kind = 'lecturer' and u.n % 10 = 0)`,
  [ids.staff_id],
);

// The QR burst: a session of the running cohort that is open for check-in now (started five minutes ago).
const [qrCohort] = await q(`select id from b_cohorts where n = $1`, [qrN]);
const [qrSession] = await q(
  `insert into cohort_sessions (cohort_id, starts_at, ends_at, topic, created_by)
   values ($1, $2::timestamptz - interval '5 minutes', $2::timestamptz + interval '12 hours', 'Buổi thực hành: điểm danh bằng mã QR', $3)
   returning id`,
  [qrCohort.id, now.toISOString(), ids.staff_id],
);
await q(`update cohorts set ends_on = greatest(ends_on, $2::date) where id = $1`, [qrCohort.id, today]);
const [trainerRow] = await q(
  `select t.email, s.id as session_id from b_cohorts b join b_users t on t.n = b.trainer_n
   join b_sessions s on s.cohort_n = b.n and s.starts_at < $2::timestamptz where b.n = $1 order by s.starts_at desc limit 1`,
  [qrN, now.toISOString()],
);
const qrLearners = await q(
  `select u.email from b_enrollments e join b_users u on u.n = e.user_n where e.cohort_n = $1 and e.status = 'confirmed' order by e.e limit 500`,
  [qrN],
);
const [bigCohort] = await q(
  `select id, (select count(*) from enrollments where cohort_id = b.id)::int as participants from b_cohorts b where n = $1`,
  [bigN],
);
step("QR burst session, certifications");

await q("reset session_replication_role");
const drop = [
  "b_orgs",
  "b_users",
  "b_cohorts",
  "b_sessions",
  "b_enrollments",
  "b_completion",
  "b_subsidy",
  "b_claims",
  "b_receipts",
  "b_receipt_numbers",
];
for (const t of drop) await q(`drop table ${t}`);
// VACUUM too, so the visibility map is set as autovacuum would have it on a live database (index-only scans).
await q("vacuum (analyze)");
step("analyzed");

const countOf = async (table: string) => Number((await q(`select count(*) as n from ${table}`))[0].n);
const counts = {
  people: await countOf("users"),
  organisations: await countOf("organisations"),
  cohorts: await countOf("cohorts"),
  sessions: await countOf("cohort_sessions"),
  enrollments: await countOf("enrollments"),
  attendance: await countOf("attendance"),
  attendanceEvents: await countOf("attendance_events"),
  enrollmentEvents: await countOf("enrollment_events"),
  completionRecords: await countOf("completion_records"),
  subsidyClaims: await countOf("subsidy_claims"),
  ledgerEntries: await countOf("subsidy_ledger_entries"),
  payments: await countOf("payments"),
  receipts: await countOf("receipts"),
  courseEnrollments: await countOf("course_enrollments"),
  lessonProgress: await countOf("lesson_progress"),
  certificationAwards: await countOf("certification_awards"),
};
const [size] = await q(`select pg_size_pretty(pg_database_size(current_database())) as size`);
await client.end();

const generationSeconds = Math.round((performance.now() - started) / 100) / 10;
const manifest = {
  scale,
  database: databaseName,
  databaseUrl: databaseUrl.toString(),
  generatedAt: new Date().toISOString(),
  generationSeconds,
  password: PASSWORD,
  programmeSlug: ids.programme_slug,
  reportYear,
  /** The breaches each rule check of the report year's report must find (none in other years). */
  ruleBreaches: breachesPlaced,
  counts,
  databaseSize: size.size,
  catalog: { courseSlug: catalog.slug },
  learners: learnerRows,
  staff: { email: "staff@demo.vn" },
  trainer: { email: trainerRow.email, cohortId: qrCohort.id, rollCallSessionId: trainerRow.session_id },
  bigCohort: { cohortId: bigCohort.id, participants: bigCohort.participants },
  qrBurst: {
    cohortId: qrCohort.id,
    sessionId: qrSession.id,
    trainerEmail: trainerRow.email,
    learnerEmails: qrLearners.map((r) => r.email),
  },
};
const dir = resolve(process.cwd(), ".bench");
mkdirSync(dir, { recursive: true });
const file = resolve(dir, `${databaseName}.json`);
writeFileSync(file, JSON.stringify(manifest, null, 2) + "\n");
console.table(counts);
console.log(`[bench:data] ${databaseName}: ${size.size}, generated in ${generationSeconds} s; manifest ${file}`);
