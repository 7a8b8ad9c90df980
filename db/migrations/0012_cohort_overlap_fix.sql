-- A second row for one person in the same cohort is the unique index's to refuse (enrollments_cohort_user_key,
-- 23505), not the overlap trigger's: the overlap check now looks only at other cohorts of the course.
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
     AND o.id <> NEW.cohort_id
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
