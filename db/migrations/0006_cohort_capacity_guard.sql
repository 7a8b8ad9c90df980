-- Cohort seats and enrolment rules enforced by the database (see db/schema/cohorts.ts).
--
-- 1. cohorts.seats_taken counts the enrolments holding a seat (offered, pending_payment, confirmed, completed,
--    not_completed). This trigger keeps it; the CHECK cohorts_seats_within_capacity then refuses any change that
--    would put more people in seats than the cohort has. The UPDATE of the cohort row also serialises concurrent
--    seat takers on that row, so an oversell is impossible even if application code forgot to lock.
CREATE OR REPLACE FUNCTION enrollment_holds_seat(s enrollment_status) RETURNS boolean
LANGUAGE sql IMMUTABLE AS $$
  SELECT s IN ('offered', 'pending_payment', 'confirmed', 'completed', 'not_completed')
$$;
--> statement-breakpoint
CREATE OR REPLACE FUNCTION enrollments_count_seats() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'UPDATE' AND OLD.cohort_id = NEW.cohort_id
     AND enrollment_holds_seat(OLD.status) = enrollment_holds_seat(NEW.status) THEN
    RETURN NULL;
  END IF;
  IF TG_OP IN ('UPDATE', 'DELETE') AND enrollment_holds_seat(OLD.status) THEN
    UPDATE cohorts SET seats_taken = seats_taken - 1 WHERE id = OLD.cohort_id;
  END IF;
  IF TG_OP IN ('INSERT', 'UPDATE') AND enrollment_holds_seat(NEW.status) THEN
    UPDATE cohorts SET seats_taken = seats_taken + 1 WHERE id = NEW.cohort_id;
  END IF;
  RETURN NULL;
END
$$;
--> statement-breakpoint
CREATE TRIGGER enrollments_count_seats
AFTER INSERT OR UPDATE OF status, cohort_id OR DELETE ON enrollments
FOR EACH ROW EXECUTE FUNCTION enrollments_count_seats();
--> statement-breakpoint
-- 2. A person holds at most one active place among overlapping cohorts of the same course (the unique index
--    enrollments_cohort_user_key already allows one row per cohort). The advisory lock per person and course
--    makes two concurrent enrolments of one person wait for each other, so both cannot slip through.
CREATE OR REPLACE FUNCTION enrollments_refuse_overlap() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
  mine record;
  clash uuid;
BEGIN
  IF NEW.status NOT IN ('applied', 'waitlisted', 'offered', 'pending_payment', 'confirmed') THEN
    RETURN NEW;
  END IF;
  IF TG_OP = 'UPDATE' AND OLD.status IN ('applied', 'waitlisted', 'offered', 'pending_payment', 'confirmed') THEN
    RETURN NEW;
  END IF;
  SELECT course_id, starts_on, ends_on INTO mine FROM cohorts WHERE id = NEW.cohort_id;
  PERFORM pg_advisory_xact_lock(hashtextextended(NEW.user_id::text || '/' || mine.course_id::text, 4));
  SELECT e.id INTO clash
    FROM enrollments e
    JOIN cohorts o ON o.id = e.cohort_id
   WHERE e.user_id = NEW.user_id
     AND e.id <> NEW.id
     AND o.course_id = mine.course_id
     AND e.status IN ('applied', 'waitlisted', 'offered', 'pending_payment', 'confirmed')
     AND o.starts_on <= mine.ends_on
     AND mine.starts_on <= o.ends_on
   LIMIT 1;
  IF clash IS NOT NULL THEN
    RAISE EXCEPTION 'enrolment % overlaps enrolment % in a cohort of the same course', NEW.id, clash
      USING ERRCODE = 'exclusion_violation', CONSTRAINT = 'enrollments_no_overlapping_cohorts';
  END IF;
  RETURN NEW;
END
$$;
--> statement-breakpoint
CREATE TRIGGER enrollments_refuse_overlap
BEFORE INSERT OR UPDATE OF status ON enrollments
FOR EACH ROW EXECUTE FUNCTION enrollments_refuse_overlap();
--> statement-breakpoint
-- 3. Histories are append-only: an enrolment or attendance change is never rewritten or removed.
CREATE OR REPLACE FUNCTION cohort_history_refuse_change() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION '% is append-only: % refused', TG_TABLE_NAME, TG_OP USING ERRCODE = 'insufficient_privilege';
END
$$;
--> statement-breakpoint
CREATE TRIGGER enrollment_events_append_only BEFORE UPDATE OR DELETE ON enrollment_events
FOR EACH ROW EXECUTE FUNCTION cohort_history_refuse_change();
--> statement-breakpoint
CREATE TRIGGER attendance_events_append_only BEFORE UPDATE OR DELETE ON attendance_events
FOR EACH ROW EXECUTE FUNCTION cohort_history_refuse_change();
