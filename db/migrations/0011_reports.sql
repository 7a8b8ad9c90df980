CREATE TYPE "public"."programme_outcome_kind" AS ENUM('project_supported', 'raised_investment', 'incorporated', 'st_enterprise_certified', 'support_centre');--> statement-breakpoint
CREATE TYPE "public"."report_period_kind" AS ENUM('month', 'quarter', 'half_year', 'year');--> statement-breakpoint
CREATE TYPE "public"."report_status" AS ENUM('queued', 'running', 'ready', 'failed');--> statement-breakpoint
CREATE TABLE "programme_outcomes" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"programme_id" uuid NOT NULL,
	"organisation_id" uuid NOT NULL,
	"kind" "programme_outcome_kind" NOT NULL,
	"occurred_on" date NOT NULL,
	"evidence_reference" text NOT NULL,
	"evidence_file_id" uuid,
	"note" text,
	"recorded_by" uuid NOT NULL,
	"recorded_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "programme_reports" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"seq" integer GENERATED ALWAYS AS IDENTITY (sequence name "programme_reports_seq_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 2147483647 START WITH 1 CACHE 1),
	"programme_id" uuid NOT NULL,
	"period_kind" "report_period_kind" NOT NULL,
	"year" integer NOT NULL,
	"period_index" integer NOT NULL,
	"period_start" date NOT NULL,
	"period_end" date NOT NULL,
	"status" "report_status" DEFAULT 'queued' NOT NULL,
	"progress" integer DEFAULT 0 NOT NULL,
	"error" text,
	"requested_by" uuid NOT NULL,
	"requested_at" timestamp with time zone DEFAULT now() NOT NULL,
	"generated_at" timestamp with time zone,
	"snapshot" jsonb,
	"snapshot_sha256" text,
	"xlsx" "bytea",
	"xlsx_sha256" text,
	"pdf" "bytea",
	"pdf_sha256" text,
	CONSTRAINT "programme_reports_period_check" CHECK ("programme_reports"."period_end" >= "programme_reports"."period_start"),
	CONSTRAINT "programme_reports_progress_check" CHECK ("programme_reports"."progress" between 0 and 100)
);
--> statement-breakpoint
ALTER TABLE "programme_outcomes" ADD CONSTRAINT "programme_outcomes_programme_id_programmes_id_fk" FOREIGN KEY ("programme_id") REFERENCES "public"."programmes"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "programme_outcomes" ADD CONSTRAINT "programme_outcomes_organisation_id_organisations_id_fk" FOREIGN KEY ("organisation_id") REFERENCES "public"."organisations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "programme_outcomes" ADD CONSTRAINT "programme_outcomes_evidence_file_id_stored_files_id_fk" FOREIGN KEY ("evidence_file_id") REFERENCES "public"."stored_files"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "programme_outcomes" ADD CONSTRAINT "programme_outcomes_recorded_by_users_id_fk" FOREIGN KEY ("recorded_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "programme_reports" ADD CONSTRAINT "programme_reports_programme_id_programmes_id_fk" FOREIGN KEY ("programme_id") REFERENCES "public"."programmes"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "programme_reports" ADD CONSTRAINT "programme_reports_requested_by_users_id_fk" FOREIGN KEY ("requested_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "programme_outcomes_programme_idx" ON "programme_outcomes" USING btree ("programme_id","kind","occurred_on");--> statement-breakpoint
CREATE INDEX "programme_outcomes_organisation_idx" ON "programme_outcomes" USING btree ("organisation_id");--> statement-breakpoint
CREATE INDEX "programme_reports_programme_idx" ON "programme_reports" USING btree ("programme_id","requested_at");