ALTER TABLE "enrollments" ADD COLUMN "name_sort_key" text COLLATE "C" DEFAULT '' NOT NULL;--> statement-breakpoint
-- enrollments.name_sort_key (db/schema/cohorts.ts): the person's name as the cohort's lists sort it, kept on the
-- enrolment so a page of a cohort walks (cohort_id, name_sort_key, id) in order and reads 50 entries, instead of
-- joining the whole cohort to users and sorting it. Written by the database only (ADR 0022).
--
-- The key: the name folded as foldSql (app/lib/fold.ts) folds it — Vietnamese accents and đ removed, lower case —
-- so "Đặng" sorts with "Dang" and "Ánh" with "Anh"; then byte 0x01 and the name itself, so names that fold alike
-- keep one order ("Anh" before "Ánh") and a shorter folded name still sorts first (0x01 is below every
-- character a name holds). The column is COLLATE "C": byte order, whatever the server's locale.
-- The translate() table must stay equal to fold.ts's (a test compares them letter by letter).
CREATE OR REPLACE FUNCTION person_sort_key(name text) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT lower(translate(name, 'AàÀáÁãÃảẢạẠăĂằẰắẮẵẴẳẲặẶâÂầẦấẤẫẪẩẨậẬEèÈéÉẽẼẻẺẹẸêÊềỀếẾễỄểỂệỆIìÌíÍĩĨỉỈịỊOòÒóÓõÕỏỎọỌôÔồỒốỐỗỖổỔộỘơƠờỜớỚỡỠởỞợỢUùÙúÚũŨủỦụỤưƯừỪứỨữỮửỬựỰYỳỲýÝỹỸỷỶỵỴđĐ', 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaeeeeeeeeeeeeeeeeeeeeeeeiiiiiiiiiiiooooooooooooooooooooooooooooooooooouuuuuuuuuuuuuuuuuuuuuuuyyyyyyyyyyydd')) || chr(1) || name
$$;
--> statement-breakpoint
-- Recomputes every key from users (the backfill below; a data-only load into a schema with the triggers can run
-- it afterwards). Returns how many keys it changed.
CREATE OR REPLACE FUNCTION rebuild_enrollment_name_sort_keys() RETURNS bigint
LANGUAGE plpgsql AS $$
DECLARE
  changed bigint;
BEGIN
  UPDATE enrollments e SET name_sort_key = person_sort_key(u.name)
  FROM users u
  WHERE u.id = e.user_id AND e.name_sort_key IS DISTINCT FROM person_sort_key(u.name);
  GET DIAGNOSTICS changed = ROW_COUNT;
  RETURN changed;
END
$$;
--> statement-breakpoint
SELECT rebuild_enrollment_name_sort_keys();
--> statement-breakpoint
-- A new enrolment (or one moved to another person) takes the person's key; a key written by anyone else is
-- replaced by the right one, so the column cannot be set wrong from outside. One index lookup of users per row.
CREATE OR REPLACE FUNCTION enrollments_name_sort_key_set() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  NEW.name_sort_key := (SELECT person_sort_key(u.name) FROM users u WHERE u.id = NEW.user_id);
  RETURN NEW;
END
$$;
--> statement-breakpoint
CREATE TRIGGER enrollments_name_sort_key_set BEFORE INSERT OR UPDATE OF user_id, name_sort_key ON enrollments
FOR EACH ROW EXECUTE FUNCTION enrollments_name_sort_key_set();
--> statement-breakpoint
-- A rename rewrites the person's enrolments (a handful of rows). Row-level with a WHEN clause, unlike the
-- statement triggers of attendance_month_counts: PostgreSQL refuses transition tables on a trigger limited to
-- some columns, so a statement trigger would run for every update of users (sign-ins, profile changes); this one
-- is skipped by the WHEN test, without calling any function, unless the name really changed.
CREATE OR REPLACE FUNCTION users_name_sort_key_renamed() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  UPDATE enrollments SET name_sort_key = person_sort_key(NEW.name) WHERE user_id = NEW.id;
  RETURN NULL;
END
$$;
--> statement-breakpoint
CREATE TRIGGER users_name_sort_key_renamed AFTER UPDATE OF name ON users
FOR EACH ROW WHEN (OLD.name IS DISTINCT FROM NEW.name) EXECUTE FUNCTION users_name_sort_key_renamed();
--> statement-breakpoint
-- Both fire under session_replication_role = replica too (the benchmark generator's bulk inserts).
ALTER TABLE enrollments ENABLE ALWAYS TRIGGER enrollments_name_sort_key_set;
--> statement-breakpoint
ALTER TABLE users ENABLE ALWAYS TRIGGER users_name_sort_key_renamed;
--> statement-breakpoint
CREATE INDEX "enrollments_cohort_name_idx" ON "enrollments" USING btree ("cohort_id","name_sort_key","id");