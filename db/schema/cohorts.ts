import { sql } from "drizzle-orm";
import {
  bigint,
  bigserial,
  boolean,
  check,
  date,
  index,
  integer,
  jsonb,
  numeric,
  pgEnum,
  pgTable,
  primaryKey,
  text,
  uniqueIndex,
  uuid,
} from "drizzle-orm/pg-core";
import { users } from "./accounts";
import { collatedText, createdAt, id, instant, updatedAt } from "./columns";
import { courseFormatEnum, courseLanguageEnum, courses } from "./courses";
import { organisations } from "./organisations";

/**
 * Cohorts: one run of a course, with its sessions, enrolments (and waitlist), attendance and completion.
 *
 * Seats: `cohorts.seats_taken` counts the enrolments that hold a seat; a trigger on `enrollments` keeps it
 * (migration `cohort_capacity_guard`) and the CHECK below makes the database refuse an oversell, whatever
 * the application does. The enrolling transaction also locks the cohort row, so concurrent enrolments queue.
 */

export const cohortAdmissionEnum = pgEnum("cohort_admission", ["open", "application"]);
export const cohortStatusEnum = pgEnum("cohort_status", ["draft", "published", "cancelled"]);

/**
 * applied → (accepted) confirmed | waitlisted, or rejected; waitlisted → offered → confirmed | lapsed | withdrawn;
 * pending_payment is a seat held until payment; confirmed → completed | not_completed | withdrawn.
 * Seat-holding statuses: offered, pending_payment, confirmed, completed, not_completed.
 */
export const enrollmentStatusEnum = pgEnum("enrollment_status", [
  "applied",
  "waitlisted",
  "offered",
  "pending_payment",
  "confirmed",
  "withdrawn",
  "rejected",
  "lapsed",
  "completed",
  "not_completed",
]);

export const attendanceStatusEnum = pgEnum("attendance_status", ["present", "late", "absent", "excused"]);
export const attendanceMethodEnum = pgEnum("attendance_method", ["qr", "roll_call"]);

export const cohorts = pgTable(
  "cohorts",
  {
    id: id(),
    courseId: uuid()
      .notNull()
      .references(() => courses.id),
    /** The organisation running the cohort (its admins manage it). */
    organisationId: uuid()
      .notNull()
      .references(() => organisations.id),
    /** A short human code, unique (e.g. KNDMST-2026-01). */
    code: text().notNull(),
    status: cohortStatusEnum().notNull().default("draft"),
    admission: cohortAdmissionEnum().notNull().default("open"),
    /** First and last day of the cohort (Vietnam dates); overlapping cohorts of a course are compared on these. */
    startsOn: date({ mode: "string" }).notNull(),
    endsOn: date({ mode: "string" }).notNull(),
    enrollmentOpensAt: instant().notNull(),
    enrollmentClosesAt: instant().notNull(),
    capacity: integer().notNull(),
    /** Enrolments holding a seat; maintained by a trigger, never written by the application. */
    seatsTaken: integer().notNull().default(0),
    language: courseLanguageEnum().notNull(),
    format: courseFormatEnum().notNull(),
    venueAddress: text(),
    venueRoom: text(),
    onlineUrl: text(),
    /** Whole VND; defaults to the course's list price when the cohort is made. */
    feeVnd: bigint({ mode: "number" }).notNull(),
    /** When true, only certified trainers may be assigned (certification/requirements.server.ts). */
    requiresCertifiedTrainer: boolean().notNull().default(false),
    description: text(),
    completionDecidedAt: instant(),
    completionDecidedBy: uuid().references(() => users.id),
    /** Set when the cohort is cancelled (status cancelled): when, by whom and why. */
    cancelledAt: instant(),
    cancelledBy: uuid().references(() => users.id),
    cancellationReason: text(),
    createdBy: uuid().references(() => users.id),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    uniqueIndex("cohorts_code_key").on(sql`lower(${t.code})`),
    index("cohorts_course_idx").on(t.courseId, t.startsOn),
    index("cohorts_organisation_idx").on(t.organisationId),
    check("cohorts_capacity_positive", sql`${t.capacity} > 0`),
    check("cohorts_seats_within_capacity", sql`${t.seatsTaken} >= 0 AND ${t.seatsTaken} <= ${t.capacity}`),
    check("cohorts_dates_ordered", sql`${t.endsOn} >= ${t.startsOn}`),
    check("cohorts_enrollment_window_ordered", sql`${t.enrollmentClosesAt} > ${t.enrollmentOpensAt}`),
    check("cohorts_fee_not_negative", sql`${t.feeVnd} >= 0`),
  ],
);

/**
 * A discount the staff running a cohort give on its fee: a fixed amount in whole VND or a share in basis
 * points (exactly one), with the reason, who set it and when. At most one per cohort; removing it deletes the
 * row (the audit log keeps what it was). It is taken off the fee when a place opens its payment, and the
 * payment keeps the amount it took, so a later change does not alter what someone already owes.
 */
export const cohortDiscounts = pgTable(
  "cohort_discounts",
  {
    id: id(),
    cohortId: uuid()
      .notNull()
      .references(() => cohorts.id, { onDelete: "cascade" }),
    amountVnd: bigint({ mode: "number" }),
    /** 10000 = 100 %. */
    shareBps: integer(),
    reason: text().notNull(),
    setBy: uuid()
      .notNull()
      .references(() => users.id),
    setAt: instant().notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex("cohort_discounts_cohort_key").on(t.cohortId),
    check("cohort_discounts_one_kind", sql`(${t.amountVnd} IS NULL) <> (${t.shareBps} IS NULL)`),
    check("cohort_discounts_amount_positive", sql`${t.amountVnd} IS NULL OR ${t.amountVnd} > 0`),
    check("cohort_discounts_share_range", sql`${t.shareBps} IS NULL OR (${t.shareBps} > 0 AND ${t.shareBps} <= 10000)`),
  ],
);

export const cohortTrainers = pgTable(
  "cohort_trainers",
  {
    cohortId: uuid()
      .notNull()
      .references(() => cohorts.id, { onDelete: "cascade" }),
    userId: uuid()
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    addedBy: uuid().references(() => users.id),
    addedAt: createdAt(),
  },
  (t) => [primaryKey({ columns: [t.cohortId, t.userId] }), index("cohort_trainers_user_idx").on(t.userId)],
);

export const cohortSessions = pgTable(
  "cohort_sessions",
  {
    id: id(),
    cohortId: uuid()
      .notNull()
      .references(() => cohorts.id, { onDelete: "cascade" }),
    startsAt: instant().notNull(),
    endsAt: instant().notNull(),
    topic: text(),
    /** Empty: the cohort's venue or link. */
    venueAddress: text(),
    venueRoom: text(),
    onlineUrl: text(),
    /** iCalendar SEQUENCE: raised each time the session moves, so calendar programs update it. */
    sequence: integer().notNull().default(0),
    /** The start time the day-before reminder was sent for (a moved session gets a new reminder). */
    reminderSentFor: instant(),
    createdBy: uuid().references(() => users.id),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    index("cohort_sessions_cohort_idx").on(t.cohortId, t.startsAt),
    index("cohort_sessions_starts_idx").on(t.startsAt),
    check("cohort_sessions_time_ordered", sql`${t.endsAt} > ${t.startsAt}`),
  ],
);

/** The per-session secret the rotating check-in code is derived from; made when the QR screen first opens. */
export const cohortSessionSecrets = pgTable("cohort_session_secrets", {
  sessionId: uuid()
    .primaryKey()
    .references(() => cohortSessions.id, { onDelete: "cascade" }),
  secret: text().notNull(),
  createdAt: createdAt(),
});

/**
 * Check-in tickets that have been used, each bound to the one person who used it first: a ticket passed on to
 * someone else checks nobody else in. Only the SHA-256 of the ticket is kept.
 */
export const checkInTicketUses = pgTable(
  "check_in_ticket_uses",
  {
    ticketHash: text().primaryKey(),
    sessionId: uuid()
      .notNull()
      .references(() => cohortSessions.id, { onDelete: "cascade" }),
    userId: uuid()
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    usedAt: createdAt(),
  },
  (t) => [index("check_in_ticket_uses_used_idx").on(t.usedAt)],
);

/** Questions an applicant answers when admission is by application. */
export const cohortQuestions = pgTable(
  "cohort_questions",
  {
    id: id(),
    cohortId: uuid()
      .notNull()
      .references(() => cohorts.id, { onDelete: "cascade" }),
    position: integer().notNull(),
    prompt: text().notNull(),
    required: boolean().notNull().default(true),
    createdAt: createdAt(),
  },
  (t) => [index("cohort_questions_cohort_idx").on(t.cohortId, t.position)],
);

/** The answers as given, with the question's wording at that moment. */
export type ApplicationAnswer = { questionId: string; prompt: string; answer: string };

export const enrollments = pgTable(
  "enrollments",
  {
    id: id(),
    cohortId: uuid()
      .notNull()
      .references(() => cohorts.id),
    userId: uuid()
      .notNull()
      .references(() => users.id),
    status: enrollmentStatusEnum().notNull(),
    /** Place in the cohort's waitlist (1 = next); kept after promotion for the record. */
    waitlistPosition: integer(),
    waitlistedAt: instant(),
    offeredAt: instant(),
    offerExpiresAt: instant(),
    confirmedAt: instant(),
    withdrawnAt: instant(),
    /** A withdrawal after the cohort started is recorded; the seat is not offered again. */
    withdrawnAfterStart: boolean().notNull().default(false),
    /** The fee when the place was taken (whole VND), for payments and subsidies. */
    feeVnd: bigint({ mode: "number" }).notNull(),
    applicationAnswers: jsonb().$type<ApplicationAnswer[]>(),
    /**
     * The person's name as the cohort's lists sort it (`person_sort_key(users.name)`: accents and case folded,
     * then the name itself, in byte order), copied here so a page of a big cohort can walk an index in name
     * order instead of sorting the whole cohort. Written by the database only: set from `users.name` on every
     * insert or change of person, rewritten when a person is renamed (ADR 0022); the default is never kept.
     */
    nameSortKey: collatedText().notNull().default(""),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    /** A page of a cohort's list in name order: LIMIT 50 reads 50 entries. */
    index("enrollments_cohort_name_idx").on(t.cohortId, t.nameSortKey, t.id),
    /** One place per person and cohort, whatever its status (a re-enrolment reuses the row). */
    uniqueIndex("enrollments_cohort_user_key").on(t.cohortId, t.userId),
    uniqueIndex("enrollments_waitlist_position_key")
      .on(t.cohortId, t.waitlistPosition)
      .where(sql`${t.status} = 'waitlisted'`),
    index("enrollments_user_idx").on(t.userId),
    index("enrollments_cohort_status_idx").on(t.cohortId, t.status),
    index("enrollments_offer_expiry_idx")
      .on(t.offerExpiresAt)
      .where(sql`${t.status} = 'offered'`),
  ],
);

/** Every change of an enrolment: who (null = the system), when, why, from → to. Append-only. */
export const enrollmentEvents = pgTable(
  "enrollment_events",
  {
    id: bigserial({ mode: "number" }).primaryKey(),
    enrollmentId: uuid()
      .notNull()
      .references(() => enrollments.id),
    cohortId: uuid()
      .notNull()
      .references(() => cohorts.id),
    actorId: uuid().references(() => users.id),
    fromStatus: enrollmentStatusEnum(),
    toStatus: enrollmentStatusEnum().notNull(),
    reason: text(),
    createdAt: instant()
      .notNull()
      .default(sql`clock_timestamp()`),
  },
  (t) => [
    index("enrollment_events_enrollment_idx").on(t.enrollmentId, t.id),
    index("enrollment_events_cohort_idx").on(t.cohortId),
  ],
);

export const attendance = pgTable(
  "attendance",
  {
    id: id(),
    sessionId: uuid()
      .notNull()
      .references(() => cohortSessions.id),
    enrollmentId: uuid()
      .notNull()
      .references(() => enrollments.id),
    status: attendanceStatusEnum().notNull(),
    /** Excused absences carry a note (the reason given). */
    note: text(),
    method: attendanceMethodEnum().notNull(),
    recordedBy: uuid().references(() => users.id),
    recordedAt: instant()
      .notNull()
      .default(sql`clock_timestamp()`),
    updatedAt: updatedAt(),
  },
  (t) => [
    uniqueIndex("attendance_session_enrollment_key").on(t.sessionId, t.enrollmentId),
    index("attendance_enrollment_idx").on(t.enrollmentId),
  ],
);

/**
 * Attendance counted per place and per Vietnam month of the session's start: how many records and how many of
 * them present or late. Kept by statement triggers on attendance and cohort_sessions in the same transaction as
 * every change (db/migrations, attendance_month_counts_*), so it always equals a recount of the raw rows. The
 * period figures read it for the whole months they cover instead of every attendance record (ADR 0020).
 * `cohortId` is the session's cohort. A place whose records of a month were all deleted keeps a row of zeros.
 */
export const attendanceMonthCounts = pgTable(
  "attendance_month_counts",
  {
    /** The first day of the Vietnam month in which the sessions started. */
    month: date().notNull(),
    cohortId: uuid()
      .notNull()
      .references(() => cohorts.id, { onDelete: "cascade" }),
    enrollmentId: uuid()
      .notNull()
      .references(() => enrollments.id, { onDelete: "cascade" }),
    records: integer().notNull(),
    attended: integer().notNull(),
  },
  (t) => [primaryKey({ columns: [t.month, t.cohortId, t.enrollmentId] })],
);

/** Every attendance change: who, when, old and new value, why. Append-only. */
export const attendanceEvents = pgTable(
  "attendance_events",
  {
    id: bigserial({ mode: "number" }).primaryKey(),
    attendanceId: uuid()
      .notNull()
      .references(() => attendance.id),
    sessionId: uuid()
      .notNull()
      .references(() => cohortSessions.id),
    enrollmentId: uuid()
      .notNull()
      .references(() => enrollments.id),
    actorId: uuid().references(() => users.id),
    oldStatus: attendanceStatusEnum(),
    newStatus: attendanceStatusEnum().notNull(),
    oldNote: text(),
    newNote: text(),
    reason: text(),
    method: attendanceMethodEnum().notNull(),
    createdAt: instant()
      .notNull()
      .default(sql`clock_timestamp()`),
  },
  (t) => [
    index("attendance_events_attendance_idx").on(t.attendanceId, t.id),
    index("attendance_events_session_idx").on(t.sessionId),
  ],
);

/** A personal calendar feed: the secret in the feed's address (random, replaced on regeneration). */
export const calendarFeedTokens = pgTable("calendar_feed_tokens", {
  userId: uuid()
    .primaryKey()
    .references(() => users.id, { onDelete: "cascade" }),
  token: text().notNull().unique(),
  createdAt: createdAt(),
});

/**
 * A completion decision with the figures it used. Decided again (attendance corrected), the earlier row is
 * kept with `current = false`; subsidies read the current one.
 */
export const completionRecords = pgTable(
  "completion_records",
  {
    id: id(),
    enrollmentId: uuid()
      .notNull()
      .references(() => enrollments.id),
    cohortId: uuid()
      .notNull()
      .references(() => cohorts.id),
    userId: uuid()
      .notNull()
      .references(() => users.id),
    completed: boolean().notNull(),
    current: boolean().notNull().default(true),
    sessionsTotal: integer().notNull(),
    sessionsAttended: integer().notNull(),
    /** attended / total, 0..1. */
    attendanceShare: numeric({ precision: 5, scale: 4, mode: "number" }).notNull(),
    minAttendanceShare: numeric({ precision: 4, scale: 3, mode: "number" }).notNull(),
    quizzesRequired: text().array().notNull(),
    quizzesPassed: text().array().notNull(),
    /** Why not completed: attendance_below_minimum, quiz_not_passed, withdrawn. */
    reasons: text().array().notNull(),
    decidedBy: uuid().references(() => users.id),
    decidedAt: instant()
      .notNull()
      .default(sql`clock_timestamp()`),
  },
  (t) => [
    uniqueIndex("completion_records_current_key")
      .on(t.enrollmentId)
      .where(sql`${t.current}`),
    index("completion_records_cohort_idx").on(t.cohortId),
    index("completion_records_user_idx").on(t.userId),
  ],
);
