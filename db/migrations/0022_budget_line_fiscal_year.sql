ALTER TABLE "subsidy_budget_lines" ADD COLUMN "fiscal_year" integer;--> statement-breakpoint
-- A line's fiscal year: until now the year of its subsidy programme.
UPDATE "subsidy_budget_lines" bl SET "fiscal_year" = sp."fiscal_year" FROM "subsidy_programmes" sp WHERE sp."id" = bl."subsidy_programme_id";--> statement-breakpoint
CREATE OR REPLACE FUNCTION subsidy_budget_line_fiscal_year() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF NEW.fiscal_year IS NULL THEN
    SELECT sp.fiscal_year INTO NEW.fiscal_year FROM subsidy_programmes sp WHERE sp.id = NEW.subsidy_programme_id;
  END IF;
  RETURN NEW;
END $$;--> statement-breakpoint
CREATE TRIGGER subsidy_budget_lines_fiscal_year BEFORE INSERT ON "subsidy_budget_lines"
  FOR EACH ROW EXECUTE FUNCTION subsidy_budget_line_fiscal_year();--> statement-breakpoint
ALTER TABLE "subsidy_budget_lines" ALTER COLUMN "fiscal_year" SET DEFAULT null;--> statement-breakpoint
ALTER TABLE "subsidy_budget_lines" ALTER COLUMN "fiscal_year" SET NOT NULL;--> statement-breakpoint
ALTER TABLE "subsidy_budget_lines" ADD CONSTRAINT "subsidy_budget_lines_fiscal_year_check" CHECK ("subsidy_budget_lines"."fiscal_year" between 2000 and 2100);
