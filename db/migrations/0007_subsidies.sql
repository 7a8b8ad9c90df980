CREATE TYPE "public"."funding_source" AS ENUM('central_programme', 'city_science_technology', 'city_other', 'other_lawful');--> statement-breakpoint
CREATE TYPE "public"."subsidy_beneficiary_kind" AS ENUM('lecturer', 'startup', 'project_team', 'training_institution');--> statement-breakpoint
CREATE TYPE "public"."subsidy_claim_file_kind" AS ENUM('invoice', 'certificate', 'other');--> statement-breakpoint
CREATE TYPE "public"."subsidy_claim_route" AS ENUM('platform', 'external');--> statement-breakpoint
CREATE TYPE "public"."subsidy_claim_status" AS ENUM('estimated', 'earned', 'forfeited', 'cancelled', 'submitted', 'under_review', 'info_requested', 'resubmitted', 'approved', 'rejected', 'paid', 'recovered');--> statement-breakpoint
CREATE TYPE "public"."subsidy_cost_category" AS ENUM('platform_course_fee', 'external_course_domestic', 'external_course_international', 'coaching_advisory', 'curriculum');--> statement-breakpoint
CREATE TYPE "public"."subsidy_ledger_kind" AS ENUM('commitment', 'release', 'payment', 'recovery');--> statement-breakpoint
CREATE TABLE "stored_files" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"owner_user_id" uuid NOT NULL,
	"purpose" text NOT NULL,
	"original_name" text NOT NULL,
	"content_type" text NOT NULL,
	"size_bytes" integer NOT NULL,
	"sha256" text NOT NULL,
	"storage_key" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "stored_files_storageKey_unique" UNIQUE("storage_key")
);
--> statement-breakpoint
CREATE TABLE "subsidy_budget_amendments" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"budget_line_id" uuid NOT NULL,
	"delta_vnd" bigint NOT NULL,
	"document_number" text NOT NULL,
	"document_date" date,
	"reason" text NOT NULL,
	"actor_id" uuid NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "subsidy_budget_amendments_delta_check" CHECK ("subsidy_budget_amendments"."delta_vnd" <> 0)
);
--> statement-breakpoint
CREATE TABLE "subsidy_budget_lines" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"subsidy_programme_id" uuid NOT NULL,
	"code" text NOT NULL,
	"funding_source" "funding_source" NOT NULL,
	"source_name" text NOT NULL,
	"allocated_vnd" bigint NOT NULL,
	"available_vnd" bigint DEFAULT 0 NOT NULL,
	"position" integer DEFAULT 0 NOT NULL,
	"created_by" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "subsidy_budget_lines_code_key" UNIQUE("subsidy_programme_id","code"),
	CONSTRAINT "subsidy_budget_lines_allocated_check" CHECK ("subsidy_budget_lines"."allocated_vnd" >= 0),
	CONSTRAINT "subsidy_budget_lines_available_check" CHECK ("subsidy_budget_lines"."available_vnd" >= 0)
);
--> statement-breakpoint
CREATE TABLE "subsidy_claim_events" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"claim_id" uuid NOT NULL,
	"from_status" "subsidy_claim_status",
	"to_status" "subsidy_claim_status" NOT NULL,
	"actor_id" uuid,
	"note" text,
	"data" jsonb,
	"at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "subsidy_claim_files" (
	"claim_id" uuid NOT NULL,
	"file_id" uuid NOT NULL,
	"kind" "subsidy_claim_file_kind" NOT NULL,
	"added_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "subsidy_claim_files_claim_id_file_id_pk" PRIMARY KEY("claim_id","file_id")
);
--> statement-breakpoint
CREATE TABLE "subsidy_claims" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"seq" bigserial NOT NULL,
	"subsidy_programme_id" uuid NOT NULL,
	"rule_version_id" uuid NOT NULL,
	"eligibility_check_id" uuid NOT NULL,
	"route" "subsidy_claim_route" NOT NULL,
	"status" "subsidy_claim_status" NOT NULL,
	"claimant_user_id" uuid NOT NULL,
	"organisation_id" uuid,
	"beneficiary_kind" "subsidy_beneficiary_kind" NOT NULL,
	"beneficiary_key" text NOT NULL,
	"cost_category" "subsidy_cost_category" NOT NULL,
	"course_key" text NOT NULL,
	"course_title" text NOT NULL,
	"provider_name" text NOT NULL,
	"country" text NOT NULL,
	"starts_on" date NOT NULL,
	"ends_on" date NOT NULL,
	"hours" numeric(6, 1) NOT NULL,
	"fee_vnd" bigint NOT NULL,
	"enrollment_id" uuid,
	"cohort_id" uuid,
	"requested_vnd" bigint NOT NULL,
	"approved_vnd" bigint,
	"budget_line_id" uuid,
	"calculation" jsonb NOT NULL,
	"decision" jsonb,
	"decision_note" text,
	"payment_reference" text,
	"paid_on" date,
	"filed_at" timestamp with time zone DEFAULT now() NOT NULL,
	"decided_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "subsidy_claims_seq_unique" UNIQUE("seq"),
	CONSTRAINT "subsidy_claims_enrollmentId_unique" UNIQUE("enrollment_id"),
	CONSTRAINT "subsidy_claims_platform_enrollment_check" CHECK ("subsidy_claims"."route" <> 'platform' or "subsidy_claims"."enrollment_id" is not null),
	CONSTRAINT "subsidy_claims_dates_check" CHECK ("subsidy_claims"."ends_on" >= "subsidy_claims"."starts_on"),
	CONSTRAINT "subsidy_claims_amounts_check" CHECK ("subsidy_claims"."fee_vnd" >= 0 and "subsidy_claims"."requested_vnd" >= 0 and coalesce("subsidy_claims"."approved_vnd", 0) >= 0)
);
--> statement-breakpoint
CREATE TABLE "subsidy_eligibility_checks" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"subsidy_programme_id" uuid NOT NULL,
	"rule_version_id" uuid,
	"rule_version" integer,
	"user_id" uuid NOT NULL,
	"organisation_id" uuid,
	"cost_category" "subsidy_cost_category" NOT NULL,
	"context" text NOT NULL,
	"eligible" boolean NOT NULL,
	"beneficiary_kind" "subsidy_beneficiary_kind",
	"reasons" jsonb NOT NULL,
	"facts" jsonb NOT NULL,
	"checked_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "subsidy_ledger_entries" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"budget_line_id" uuid NOT NULL,
	"claim_id" uuid NOT NULL,
	"kind" "subsidy_ledger_kind" NOT NULL,
	"amount_vnd" bigint NOT NULL,
	"actor_id" uuid,
	"reason" text NOT NULL,
	"reference" text,
	"at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "subsidy_ledger_entries_amount_check" CHECK ("subsidy_ledger_entries"."amount_vnd" > 0)
);
--> statement-breakpoint
CREATE TABLE "subsidy_programmes" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"programme_id" uuid NOT NULL,
	"name_vi" text NOT NULL,
	"name_en" text NOT NULL,
	"fiscal_year" integer NOT NULL,
	"owner_organisation_id" uuid NOT NULL,
	"decision_ref" text,
	"created_by" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "subsidy_programmes_name_key" UNIQUE("programme_id","fiscal_year","name_vi"),
	CONSTRAINT "subsidy_programmes_fiscal_year_check" CHECK ("subsidy_programmes"."fiscal_year" between 2000 and 2100)
);
--> statement-breakpoint
CREATE TABLE "subsidy_rule_versions" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"subsidy_programme_id" uuid NOT NULL,
	"version" integer NOT NULL,
	"effective_from" timestamp with time zone NOT NULL,
	"beneficiary_kinds" "subsidy_beneficiary_kind"[] NOT NULL,
	"cost_categories" "subsidy_cost_category"[] NOT NULL,
	"share_bps" integer NOT NULL,
	"cap_per_claim_vnd" bigint,
	"cap_per_beneficiary_year_vnd" bigint,
	"cap_per_hour_vnd" bigint,
	"min_attendance_bps" integer,
	"require_assessments_passed" boolean DEFAULT false NOT NULL,
	"claim_window_days" integer,
	"startup_max_age_years" integer DEFAULT 5 NOT NULL,
	"province" text NOT NULL,
	"require_verified_registration" boolean DEFAULT true NOT NULL,
	"note" text,
	"created_by" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "subsidy_rule_versions_version_key" UNIQUE("subsidy_programme_id","version"),
	CONSTRAINT "subsidy_rule_versions_share_check" CHECK ("subsidy_rule_versions"."share_bps" between 1 and 10000),
	CONSTRAINT "subsidy_rule_versions_attendance_check" CHECK ("subsidy_rule_versions"."min_attendance_bps" is null or "subsidy_rule_versions"."min_attendance_bps" between 0 and 10000),
	CONSTRAINT "subsidy_rule_versions_caps_check" CHECK (coalesce("subsidy_rule_versions"."cap_per_claim_vnd", 0) >= 0 and coalesce("subsidy_rule_versions"."cap_per_beneficiary_year_vnd", 0) >= 0 and coalesce("subsidy_rule_versions"."cap_per_hour_vnd", 0) >= 0)
);
--> statement-breakpoint
ALTER TABLE "stored_files" ADD CONSTRAINT "stored_files_owner_user_id_users_id_fk" FOREIGN KEY ("owner_user_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "subsidy_budget_amendments" ADD CONSTRAINT "subsidy_budget_amendments_budget_line_id_subsidy_budget_lines_id_fk" FOREIGN KEY ("budget_line_id") REFERENCES "public"."subsidy_budget_lines"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "subsidy_budget_amendments" ADD CONSTRAINT "subsidy_budget_amendments_actor_id_users_id_fk" FOREIGN KEY ("actor_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "subsidy_budget_lines" ADD CONSTRAINT "subsidy_budget_lines_subsidy_programme_id_subsidy_programmes_id_fk" FOREIGN KEY ("subsidy_programme_id") REFERENCES "public"."subsidy_programmes"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "subsidy_budget_lines" ADD CONSTRAINT "subsidy_budget_lines_created_by_users_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "subsidy_claim_events" ADD CONSTRAINT "subsidy_claim_events_claim_id_subsidy_claims_id_fk" FOREIGN KEY ("claim_id") REFERENCES "public"."subsidy_claims"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "subsidy_claim_events" ADD CONSTRAINT "subsidy_claim_events_actor_id_users_id_fk" FOREIGN KEY ("actor_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "subsidy_claim_files" ADD CONSTRAINT "subsidy_claim_files_claim_id_subsidy_claims_id_fk" FOREIGN KEY ("claim_id") REFERENCES "public"."subsidy_claims"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "subsidy_claim_files" ADD CONSTRAINT "subsidy_claim_files_file_id_stored_files_id_fk" FOREIGN KEY ("file_id") REFERENCES "public"."stored_files"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "subsidy_claims" ADD CONSTRAINT "subsidy_claims_subsidy_programme_id_subsidy_programmes_id_fk" FOREIGN KEY ("subsidy_programme_id") REFERENCES "public"."subsidy_programmes"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "subsidy_claims" ADD CONSTRAINT "subsidy_claims_rule_version_id_subsidy_rule_versions_id_fk" FOREIGN KEY ("rule_version_id") REFERENCES "public"."subsidy_rule_versions"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "subsidy_claims" ADD CONSTRAINT "subsidy_claims_eligibility_check_id_subsidy_eligibility_checks_id_fk" FOREIGN KEY ("eligibility_check_id") REFERENCES "public"."subsidy_eligibility_checks"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "subsidy_claims" ADD CONSTRAINT "subsidy_claims_claimant_user_id_users_id_fk" FOREIGN KEY ("claimant_user_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "subsidy_claims" ADD CONSTRAINT "subsidy_claims_organisation_id_organisations_id_fk" FOREIGN KEY ("organisation_id") REFERENCES "public"."organisations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "subsidy_claims" ADD CONSTRAINT "subsidy_claims_budget_line_id_subsidy_budget_lines_id_fk" FOREIGN KEY ("budget_line_id") REFERENCES "public"."subsidy_budget_lines"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "subsidy_eligibility_checks" ADD CONSTRAINT "subsidy_eligibility_checks_subsidy_programme_id_subsidy_programmes_id_fk" FOREIGN KEY ("subsidy_programme_id") REFERENCES "public"."subsidy_programmes"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "subsidy_eligibility_checks" ADD CONSTRAINT "subsidy_eligibility_checks_rule_version_id_subsidy_rule_versions_id_fk" FOREIGN KEY ("rule_version_id") REFERENCES "public"."subsidy_rule_versions"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "subsidy_eligibility_checks" ADD CONSTRAINT "subsidy_eligibility_checks_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "subsidy_eligibility_checks" ADD CONSTRAINT "subsidy_eligibility_checks_organisation_id_organisations_id_fk" FOREIGN KEY ("organisation_id") REFERENCES "public"."organisations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "subsidy_ledger_entries" ADD CONSTRAINT "subsidy_ledger_entries_budget_line_id_subsidy_budget_lines_id_fk" FOREIGN KEY ("budget_line_id") REFERENCES "public"."subsidy_budget_lines"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "subsidy_ledger_entries" ADD CONSTRAINT "subsidy_ledger_entries_claim_id_subsidy_claims_id_fk" FOREIGN KEY ("claim_id") REFERENCES "public"."subsidy_claims"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "subsidy_ledger_entries" ADD CONSTRAINT "subsidy_ledger_entries_actor_id_users_id_fk" FOREIGN KEY ("actor_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "subsidy_programmes" ADD CONSTRAINT "subsidy_programmes_programme_id_programmes_id_fk" FOREIGN KEY ("programme_id") REFERENCES "public"."programmes"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "subsidy_programmes" ADD CONSTRAINT "subsidy_programmes_owner_organisation_id_organisations_id_fk" FOREIGN KEY ("owner_organisation_id") REFERENCES "public"."organisations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "subsidy_programmes" ADD CONSTRAINT "subsidy_programmes_created_by_users_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "subsidy_rule_versions" ADD CONSTRAINT "subsidy_rule_versions_subsidy_programme_id_subsidy_programmes_id_fk" FOREIGN KEY ("subsidy_programme_id") REFERENCES "public"."subsidy_programmes"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "subsidy_rule_versions" ADD CONSTRAINT "subsidy_rule_versions_created_by_users_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "stored_files_owner_idx" ON "stored_files" USING btree ("owner_user_id");--> statement-breakpoint
CREATE INDEX "subsidy_budget_amendments_line_idx" ON "subsidy_budget_amendments" USING btree ("budget_line_id","created_at");--> statement-breakpoint
CREATE INDEX "subsidy_claim_events_claim_idx" ON "subsidy_claim_events" USING btree ("claim_id","id");--> statement-breakpoint
CREATE INDEX "subsidy_claims_status_idx" ON "subsidy_claims" USING btree ("status","filed_at");--> statement-breakpoint
CREATE INDEX "subsidy_claims_claimant_idx" ON "subsidy_claims" USING btree ("claimant_user_id","filed_at");--> statement-breakpoint
CREATE INDEX "subsidy_claims_beneficiary_idx" ON "subsidy_claims" USING btree ("subsidy_programme_id","beneficiary_key");--> statement-breakpoint
CREATE INDEX "subsidy_eligibility_checks_user_idx" ON "subsidy_eligibility_checks" USING btree ("user_id","checked_at");--> statement-breakpoint
CREATE INDEX "subsidy_ledger_entries_line_idx" ON "subsidy_ledger_entries" USING btree ("budget_line_id","id");--> statement-breakpoint
CREATE INDEX "subsidy_ledger_entries_claim_idx" ON "subsidy_ledger_entries" USING btree ("claim_id","id");--> statement-breakpoint
CREATE INDEX "subsidy_rule_versions_effective_idx" ON "subsidy_rule_versions" USING btree ("subsidy_programme_id","effective_from");