-- attendance_month_counts (db/schema/cohorts.ts) kept equal to a recount of attendance, in the same transaction
-- as every change: statement triggers with transition tables, so a roll call or an import of a thousand rows adds
-- one upsert, not a thousand. The triggers are ENABLE ALWAYS: they fire under session_replication_role = replica
-- too, which the benchmark generator and its reset use for bulk writes (the other triggers are skipped there).
--
-- The month is the Vietnam calendar month of the session's start; cohort_id is the session's cohort.
CREATE OR REPLACE FUNCTION attendance_month_of(starts_at timestamptz) RETURNS date
LANGUAGE sql IMMUTABLE AS $$
  SELECT date_trunc('month', starts_at AT TIME ZONE 'Asia/Ho_Chi_Minh')::date
$$;
--> statement-breakpoint
-- Adds signed counts to the summary in one upsert (atomic against a concurrent writer of the same key; keys in
-- order, so two writers wait for each other instead of deadlocking). A key whose records all went keeps a row of
-- zeros: deleting it could lose a concurrent writer's count. A count that would go below zero, or more attended
-- than records, means the summary has drifted from the records: the write is refused rather than leaving wrong
-- figures (rebuild_attendance_month_counts() repairs it).
CREATE OR REPLACE FUNCTION attendance_month_counts_add(delta jsonb) RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
  broken int;
BEGIN
  WITH d AS (
    SELECT x.month, x.cohort_id, x.enrollment_id, sum(x.records)::int AS records, sum(x.attended)::int AS attended
    FROM jsonb_to_recordset(delta) AS x(month date, cohort_id uuid, enrollment_id uuid, records int, attended int)
    GROUP BY 1, 2, 3
    HAVING sum(x.records) <> 0 OR sum(x.attended) <> 0
  ),
  up AS (
    INSERT INTO attendance_month_counts AS c (month, cohort_id, enrollment_id, records, attended)
    SELECT d.month, d.cohort_id, d.enrollment_id, d.records, d.attended FROM d ORDER BY 1, 2, 3
    ON CONFLICT (month, cohort_id, enrollment_id)
    DO UPDATE SET records = c.records + excluded.records, attended = c.attended + excluded.attended
    RETURNING c.records, c.attended
  )
  SELECT count(*) INTO broken FROM up WHERE up.attended < 0 OR up.attended > up.records;
  IF broken > 0 THEN
    RAISE EXCEPTION 'attendance_month_counts has drifted from attendance; run rebuild_attendance_month_counts()'
      USING ERRCODE = 'check_violation';
  END IF;
END
$$;
--> statement-breakpoint
CREATE OR REPLACE FUNCTION attendance_month_counts_on_attendance() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
  delta jsonb;
BEGIN
  IF TG_OP = 'INSERT' THEN
    SELECT jsonb_agg(r) INTO delta FROM (
      SELECT attendance_month_of(s.starts_at) AS month, s.cohort_id, n.enrollment_id,
        count(*) AS records, count(*) FILTER (WHERE n.status IN ('present', 'late')) AS attended
      FROM new_rows n JOIN cohort_sessions s ON s.id = n.session_id GROUP BY 1, 2, 3) r;
  ELSIF TG_OP = 'DELETE' THEN
    SELECT jsonb_agg(r) INTO delta FROM (
      SELECT attendance_month_of(s.starts_at) AS month, s.cohort_id, o.enrollment_id,
        -count(*) AS records, -count(*) FILTER (WHERE o.status IN ('present', 'late')) AS attended
      FROM old_rows o JOIN cohort_sessions s ON s.id = o.session_id GROUP BY 1, 2, 3) r;
  ELSE
    SELECT jsonb_agg(r) INTO delta FROM (
      SELECT attendance_month_of(s.starts_at) AS month, s.cohort_id, x.enrollment_id,
        sum(x.sign) AS records, sum(x.sign) FILTER (WHERE x.status IN ('present', 'late')) AS attended
      FROM (SELECT n.session_id, n.enrollment_id, n.status, 1 AS sign FROM new_rows n
            UNION ALL SELECT o.session_id, o.enrollment_id, o.status, -1 FROM old_rows o) x
      JOIN cohort_sessions s ON s.id = x.session_id GROUP BY 1, 2, 3) r;
  END IF;
  IF delta IS NOT NULL THEN
    PERFORM attendance_month_counts_add(delta);
  END IF;
  RETURN NULL;
END
$$;
--> statement-breakpoint
CREATE TRIGGER attendance_month_counts_insert AFTER INSERT ON attendance
REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION attendance_month_counts_on_attendance();
--> statement-breakpoint
CREATE TRIGGER attendance_month_counts_update AFTER UPDATE ON attendance
REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION attendance_month_counts_on_attendance();
--> statement-breakpoint
CREATE TRIGGER attendance_month_counts_delete AFTER DELETE ON attendance
REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION attendance_month_counts_on_attendance();
--> statement-breakpoint
-- A session moved to another month (or cohort) takes its attendance with it. The app refuses to move a session
-- that has attendance; this keeps the summary right for any other writer.
CREATE OR REPLACE FUNCTION attendance_month_counts_on_session() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
  delta jsonb;
BEGIN
  SELECT jsonb_agg(r) INTO delta FROM (
    SELECT attendance_month_of(o.starts_at) AS month, o.cohort_id, a.enrollment_id,
      -count(*) AS records, -count(*) FILTER (WHERE a.status IN ('present', 'late')) AS attended
    FROM old_rows o JOIN new_rows n ON n.id = o.id JOIN attendance a ON a.session_id = o.id
    WHERE attendance_month_of(o.starts_at) <> attendance_month_of(n.starts_at) OR o.cohort_id <> n.cohort_id
    GROUP BY 1, 2, 3
    UNION ALL
    SELECT attendance_month_of(n.starts_at), n.cohort_id, a.enrollment_id,
      count(*), count(*) FILTER (WHERE a.status IN ('present', 'late'))
    FROM old_rows o JOIN new_rows n ON n.id = o.id JOIN attendance a ON a.session_id = n.id
    WHERE attendance_month_of(o.starts_at) <> attendance_month_of(n.starts_at) OR o.cohort_id <> n.cohort_id
    GROUP BY 1, 2, 3) r;
  IF delta IS NOT NULL THEN
    PERFORM attendance_month_counts_add(delta);
  END IF;
  RETURN NULL;
END
$$;
--> statement-breakpoint
CREATE TRIGGER attendance_month_counts_session_moved AFTER UPDATE ON cohort_sessions
REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION attendance_month_counts_on_session();
--> statement-breakpoint
CREATE OR REPLACE FUNCTION attendance_month_counts_on_truncate() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  DELETE FROM attendance_month_counts;
  RETURN NULL;
END
$$;
--> statement-breakpoint
CREATE TRIGGER attendance_month_counts_truncate AFTER TRUNCATE ON attendance
FOR EACH STATEMENT EXECUTE FUNCTION attendance_month_counts_on_truncate();
--> statement-breakpoint
ALTER TABLE attendance ENABLE ALWAYS TRIGGER attendance_month_counts_insert;
--> statement-breakpoint
ALTER TABLE attendance ENABLE ALWAYS TRIGGER attendance_month_counts_update;
--> statement-breakpoint
ALTER TABLE attendance ENABLE ALWAYS TRIGGER attendance_month_counts_delete;
--> statement-breakpoint
ALTER TABLE attendance ENABLE ALWAYS TRIGGER attendance_month_counts_truncate;
--> statement-breakpoint
ALTER TABLE cohort_sessions ENABLE ALWAYS TRIGGER attendance_month_counts_session_moved;
--> statement-breakpoint
-- Recounts the whole summary from the raw rows: the backfill below, and the repair if it ever drifted.
CREATE OR REPLACE FUNCTION rebuild_attendance_month_counts() RETURNS void
LANGUAGE sql AS $$
  DELETE FROM attendance_month_counts;
  INSERT INTO attendance_month_counts (month, cohort_id, enrollment_id, records, attended)
  SELECT attendance_month_of(s.starts_at), s.cohort_id, a.enrollment_id,
    count(*), count(*) FILTER (WHERE a.status IN ('present', 'late'))
  FROM attendance a JOIN cohort_sessions s ON s.id = a.session_id
  GROUP BY 1, 2, 3;
$$;
--> statement-breakpoint
SELECT rebuild_attendance_month_counts();
