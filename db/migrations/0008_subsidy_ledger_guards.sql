-- Guards of the subsidy ledger (see db/schema/subsidies.ts and docs/decisions/0006-subsidy-ledger.md).
--
-- SQLSTATEs raised here, read by app/modules/subsidy/ledger.server.ts:
--   SA001  the budget line cannot fund the entry (it would go below zero)
--   SA002  the entry does not fit the claim (release/payment above what is committed, recovery above what is paid)
--   SA003  the table is append-only, or the column may only change through the ledger
--
-- A budget line's available amount changes only here, in the same statement that locks the line row: two
-- transactions writing entries on one line queue on that row until the first ends, and in READ COMMITTED the
-- UPDATE's condition is re-evaluated against the latest committed balance. Under REPEATABLE READ or
-- SERIALIZABLE the second writer gets a serialization failure instead. Either way no line goes below zero.

CREATE OR REPLACE FUNCTION subsidy_ledger_apply() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
  effect bigint;
  outstanding bigint;
  paid_net bigint;
BEGIN
  effect := CASE NEW.kind
    WHEN 'commitment' THEN -NEW.amount_vnd
    WHEN 'release' THEN NEW.amount_vnd
    WHEN 'recovery' THEN NEW.amount_vnd
    ELSE 0
  END;
  UPDATE subsidy_budget_lines
     SET available_vnd = available_vnd + effect
   WHERE id = NEW.budget_line_id AND available_vnd + effect >= 0;
  IF NOT FOUND THEN
    RAISE EXCEPTION 'budget line % cannot fund % VND', NEW.budget_line_id, NEW.amount_vnd
      USING ERRCODE = 'SA001';
  END IF;
  -- The line is locked now, so this sum sees every committed entry of the claim on it.
  SELECT coalesce(sum(amount_vnd) FILTER (WHERE kind = 'commitment'), 0)
       - coalesce(sum(amount_vnd) FILTER (WHERE kind = 'release'), 0)
       - coalesce(sum(amount_vnd) FILTER (WHERE kind = 'payment'), 0),
         coalesce(sum(amount_vnd) FILTER (WHERE kind = 'payment'), 0)
       - coalesce(sum(amount_vnd) FILTER (WHERE kind = 'recovery'), 0)
    INTO outstanding, paid_net
    FROM subsidy_ledger_entries
   WHERE claim_id = NEW.claim_id AND budget_line_id = NEW.budget_line_id;
  IF outstanding < 0 THEN
    RAISE EXCEPTION 'claim % has less committed on line % than this % of % VND', NEW.claim_id, NEW.budget_line_id, NEW.kind, NEW.amount_vnd
      USING ERRCODE = 'SA002';
  END IF;
  IF paid_net < 0 THEN
    RAISE EXCEPTION 'claim % has less paid on line % than this recovery of % VND', NEW.claim_id, NEW.budget_line_id, NEW.amount_vnd
      USING ERRCODE = 'SA002';
  END IF;
  RETURN NULL;
END
$$;
--> statement-breakpoint
CREATE TRIGGER subsidy_ledger_apply AFTER INSERT ON subsidy_ledger_entries FOR EACH ROW EXECUTE FUNCTION subsidy_ledger_apply();
--> statement-breakpoint
CREATE OR REPLACE FUNCTION subsidy_amendment_apply() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  UPDATE subsidy_budget_lines
     SET available_vnd = available_vnd + NEW.delta_vnd
   WHERE id = NEW.budget_line_id AND available_vnd + NEW.delta_vnd >= 0;
  IF NOT FOUND THEN
    RAISE EXCEPTION 'a cut of % VND would take budget line % below zero', -NEW.delta_vnd, NEW.budget_line_id
      USING ERRCODE = 'SA001';
  END IF;
  RETURN NULL;
END
$$;
--> statement-breakpoint
CREATE TRIGGER subsidy_amendment_apply AFTER INSERT ON subsidy_budget_amendments FOR EACH ROW EXECUTE FUNCTION subsidy_amendment_apply();
--> statement-breakpoint
-- A new line starts with its allocation available, whatever the insert said.
CREATE OR REPLACE FUNCTION subsidy_budget_line_open() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  NEW.available_vnd := NEW.allocated_vnd;
  RETURN NEW;
END
$$;
--> statement-breakpoint
CREATE TRIGGER subsidy_budget_line_open BEFORE INSERT ON subsidy_budget_lines FOR EACH ROW EXECUTE FUNCTION subsidy_budget_line_open();
--> statement-breakpoint
-- History is never rewritten: the allocation and the funding source change only by amendments (or not at
-- all), the available amount only through the ledger and amendment triggers (trigger depth > 1).
CREATE OR REPLACE FUNCTION subsidy_budget_line_guard() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'DELETE' THEN
    RAISE EXCEPTION 'budget lines are never deleted' USING ERRCODE = 'SA003';
  END IF;
  IF NEW.id <> OLD.id
     OR NEW.subsidy_programme_id <> OLD.subsidy_programme_id
     OR NEW.funding_source <> OLD.funding_source
     OR NEW.source_name <> OLD.source_name
     OR NEW.allocated_vnd <> OLD.allocated_vnd
     OR NEW.created_at <> OLD.created_at THEN
    RAISE EXCEPTION 'a budget line''s source and allocation are history: record an amendment instead' USING ERRCODE = 'SA003';
  END IF;
  IF NEW.available_vnd <> OLD.available_vnd AND pg_trigger_depth() < 2 THEN
    RAISE EXCEPTION 'the available amount changes only through the ledger' USING ERRCODE = 'SA003';
  END IF;
  RETURN NEW;
END
$$;
--> statement-breakpoint
CREATE TRIGGER subsidy_budget_line_guard BEFORE UPDATE OR DELETE ON subsidy_budget_lines FOR EACH ROW EXECUTE FUNCTION subsidy_budget_line_guard();
--> statement-breakpoint
CREATE OR REPLACE FUNCTION subsidy_refuse_change() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION '% is append-only: % refused', TG_TABLE_NAME, TG_OP USING ERRCODE = 'SA003';
END
$$;
--> statement-breakpoint
CREATE TRIGGER subsidy_ledger_entries_append_only BEFORE UPDATE OR DELETE ON subsidy_ledger_entries FOR EACH ROW EXECUTE FUNCTION subsidy_refuse_change();
--> statement-breakpoint
CREATE TRIGGER subsidy_ledger_entries_no_truncate BEFORE TRUNCATE ON subsidy_ledger_entries FOR EACH STATEMENT EXECUTE FUNCTION subsidy_refuse_change();
--> statement-breakpoint
CREATE TRIGGER subsidy_budget_amendments_append_only BEFORE UPDATE OR DELETE ON subsidy_budget_amendments FOR EACH ROW EXECUTE FUNCTION subsidy_refuse_change();
--> statement-breakpoint
CREATE TRIGGER subsidy_budget_amendments_no_truncate BEFORE TRUNCATE ON subsidy_budget_amendments FOR EACH STATEMENT EXECUTE FUNCTION subsidy_refuse_change();
--> statement-breakpoint
CREATE TRIGGER subsidy_rule_versions_append_only BEFORE UPDATE OR DELETE ON subsidy_rule_versions FOR EACH ROW EXECUTE FUNCTION subsidy_refuse_change();
--> statement-breakpoint
CREATE TRIGGER subsidy_claim_events_append_only BEFORE UPDATE OR DELETE ON subsidy_claim_events FOR EACH ROW EXECUTE FUNCTION subsidy_refuse_change();
--> statement-breakpoint
CREATE TRIGGER subsidy_eligibility_checks_append_only BEFORE UPDATE OR DELETE ON subsidy_eligibility_checks FOR EACH ROW EXECUTE FUNCTION subsidy_refuse_change();
