-- Seal audit entries into the chain at COMMIT instead of at INSERT.
-- Before: the chain lock was taken when an entry was inserted and held to the end of the transaction, so a
-- transaction that wrote its audit entry before locking a cohort or budget line could deadlock with one that
-- locked the row first. Now an entry is inserted unsealed; a deferred constraint trigger takes the chain lock at
-- commit, when the transaction holds every row lock it will ever hold, gives the entry its place (seq) and hash.
-- The chain follows commit order.
ALTER TABLE audit_log ADD COLUMN seq bigint;
--> statement-breakpoint
CREATE OR REPLACE FUNCTION audit_log_refuse_change() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  -- The only change ever allowed: sealing an unsealed entry (seq, prev_hash, hash), nothing else.
  IF TG_OP = 'UPDATE' AND OLD.seq IS NULL AND NEW.seq IS NOT NULL
     AND NEW.id = OLD.id AND NEW.at = OLD.at
     AND NEW.actor_id IS NOT DISTINCT FROM OLD.actor_id AND NEW.ip_address IS NOT DISTINCT FROM OLD.ip_address
     AND NEW.action = OLD.action AND NEW.entity_type = OLD.entity_type AND NEW.entity_id IS NOT DISTINCT FROM OLD.entity_id
     AND NEW.before IS NOT DISTINCT FROM OLD.before AND NEW.after IS NOT DISTINCT FROM OLD.after THEN
    RETURN NEW;
  END IF;
  RAISE EXCEPTION 'audit_log is append-only: % refused', TG_OP USING ERRCODE = 'insufficient_privilege';
END
$$;
--> statement-breakpoint
UPDATE audit_log SET seq = id WHERE seq IS NULL;
--> statement-breakpoint
CREATE UNIQUE INDEX audit_log_seq_key ON audit_log (seq);
--> statement-breakpoint
DROP TRIGGER audit_log_chain ON audit_log;
--> statement-breakpoint
CREATE OR REPLACE FUNCTION audit_log_prepare() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  -- Whatever the writer sent, an entry starts unsealed; its time is kept to the microsecond it is hashed at.
  NEW.at := date_trunc('microseconds', coalesce(NEW.at, now()));
  NEW.seq := NULL;
  NEW.prev_hash := NULL;
  NEW.hash := '';
  RETURN NEW;
END
$$;
--> statement-breakpoint
CREATE TRIGGER audit_log_prepare BEFORE INSERT ON audit_log FOR EACH ROW EXECUTE FUNCTION audit_log_prepare();
--> statement-breakpoint
CREATE OR REPLACE FUNCTION audit_log_seal() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
  entry audit_log;
  last_hash text;
  last_seq bigint;
BEGIN
  PERFORM pg_advisory_xact_lock(7215900131);
  SELECT seq, hash INTO last_seq, last_hash FROM audit_log WHERE seq IS NOT NULL ORDER BY seq DESC LIMIT 1;
  SELECT * INTO entry FROM audit_log WHERE id = NEW.id;
  entry.seq := coalesce(last_seq, 0) + 1;
  entry.prev_hash := last_hash;
  entry.hash := audit_entry_hash(entry);
  UPDATE audit_log SET seq = entry.seq, prev_hash = entry.prev_hash, hash = entry.hash WHERE id = NEW.id;
  RETURN NULL;
END
$$;
--> statement-breakpoint
CREATE CONSTRAINT TRIGGER audit_log_seal AFTER INSERT ON audit_log DEFERRABLE INITIALLY DEFERRED
  FOR EACH ROW EXECUTE FUNCTION audit_log_seal();
