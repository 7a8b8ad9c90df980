CREATE TYPE "public"."certification_award_status" AS ENUM('active', 'renewed', 'revoked');--> statement-breakpoint
CREATE TYPE "public"."certificate_kind" AS ENUM('course_completion', 'trainer_certification');--> statement-breakpoint
CREATE TYPE "public"."panel_outcome" AS ENUM('approve', 'reject');--> statement-breakpoint
CREATE TYPE "public"."practicum_file_kind" AS ENUM('lesson_plan', 'recording');--> statement-breakpoint
CREATE TYPE "public"."practicum_mode" AS ENUM('live_session', 'recording');--> statement-breakpoint
CREATE TYPE "public"."practicum_result" AS ENUM('pass', 'resubmit', 'fail');--> statement-breakpoint
CREATE TYPE "public"."practicum_status" AS ENUM('submitted', 'resubmit', 'passed', 'failed');--> statement-breakpoint
CREATE TYPE "public"."signing_key_status" AS ENUM('active', 'retired');--> statement-breakpoint
CREATE TABLE "certificates" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"code" text NOT NULL,
	"kind" "certificate_kind" NOT NULL,
	"user_id" uuid NOT NULL,
	"source_key" text NOT NULL,
	"award_id" uuid,
	"course_id" uuid,
	"cohort_id" uuid,
	"holder_name" text NOT NULL,
	"achievement_key" text NOT NULL,
	"achievement_vi" text NOT NULL,
	"achievement_en" text NOT NULL,
	"description_vi" text NOT NULL,
	"description_en" text NOT NULL,
	"criteria_vi" text NOT NULL,
	"criteria_en" text NOT NULL,
	"hours" numeric(6, 1),
	"achieved_on" date NOT NULL,
	"issuer_name" text NOT NULL,
	"issuer_name_en" text NOT NULL,
	"issued_at" timestamp with time zone NOT NULL,
	"valid_from" timestamp with time zone NOT NULL,
	"valid_until" timestamp with time zone,
	"issued_by" uuid,
	"revoked_at" timestamp with time zone,
	"revoked_by" uuid,
	"revoked_reason" text,
	"status_list_id" text NOT NULL,
	"status_list_index" integer NOT NULL,
	"credential_jwt" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "certificates_code_unique" UNIQUE("code"),
	CONSTRAINT "certificates_sourceKey_unique" UNIQUE("source_key"),
	CONSTRAINT "certificates_status_entry_key" UNIQUE("status_list_id","status_list_index"),
	CONSTRAINT "certificates_status_index_range" CHECK ("certificates"."status_list_index" >= 0)
);
--> statement-breakpoint
CREATE TABLE "certification_awards" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"certification_id" uuid NOT NULL,
	"user_id" uuid NOT NULL,
	"status" "certification_award_status" DEFAULT 'active' NOT NULL,
	"valid_from" timestamp with time zone NOT NULL,
	"valid_until" timestamp with time zone NOT NULL,
	"issued_by" uuid NOT NULL,
	"panel_decision_id" uuid,
	"renews_award_id" uuid,
	"renewal_basis" jsonb,
	"reminders_sent" integer[] DEFAULT '{}'::integer[] NOT NULL,
	"revoked_at" timestamp with time zone,
	"revoked_by" uuid,
	"revoked_reason" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "certification_panel_decisions" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"certification_id" uuid NOT NULL,
	"candidate_id" uuid NOT NULL,
	"outcome" "panel_outcome" NOT NULL,
	"panel_members" text[] NOT NULL,
	"note" text,
	"decided_on" date NOT NULL,
	"recorded_by" uuid NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "certification_rubrics" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"certification_id" uuid NOT NULL,
	"version" integer NOT NULL,
	"criteria" jsonb NOT NULL,
	"pass_score" numeric(5, 2) NOT NULL,
	"resubmit_floor" numeric(5, 2) NOT NULL,
	"resubmissions_allowed" integer DEFAULT 1 NOT NULL,
	"source_hash" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "certification_rubrics_version_key" UNIQUE("certification_id","version")
);
--> statement-breakpoint
CREATE TABLE "certifications" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"slug" text NOT NULL,
	"name_vi" text NOT NULL,
	"name_en" text NOT NULL,
	"description_vi" text NOT NULL,
	"description_en" text NOT NULL,
	"criteria_vi" text NOT NULL,
	"criteria_en" text NOT NULL,
	"trainer_course_id" uuid,
	"validity_months" integer NOT NULL,
	"requirements" jsonb NOT NULL,
	"renewal_requirements" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"reminder_days" integer[] DEFAULT '{60,14}'::integer[] NOT NULL,
	"active" boolean DEFAULT true NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "certifications_slug_unique" UNIQUE("slug")
);
--> statement-breakpoint
CREATE TABLE "credential_signing_keys" (
	"kid" text PRIMARY KEY NOT NULL,
	"status" "signing_key_status" DEFAULT 'active' NOT NULL,
	"public_jwk" jsonb NOT NULL,
	"private_key" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"retired_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "credential_status_lists" (
	"id" text PRIMARY KEY NOT NULL,
	"purpose" text DEFAULT 'revocation' NOT NULL,
	"size" integer NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "practicum_evaluations" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"submission_id" uuid NOT NULL,
	"evaluator_id" uuid NOT NULL,
	"scores" jsonb NOT NULL,
	"weighted_score" numeric(5, 2) NOT NULL,
	"result" "practicum_result" NOT NULL,
	"improvements" text,
	"summary" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "practicum_evaluations_submission_key" UNIQUE("submission_id")
);
--> statement-breakpoint
CREATE TABLE "practicum_files" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"submission_id" uuid NOT NULL,
	"kind" "practicum_file_kind" NOT NULL,
	"file_name" text NOT NULL,
	"content_type" text NOT NULL,
	"size_bytes" integer NOT NULL,
	"sha256" text NOT NULL,
	"storage_key" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "practicum_submissions" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"certification_id" uuid NOT NULL,
	"rubric_id" uuid NOT NULL,
	"user_id" uuid NOT NULL,
	"attempt" integer NOT NULL,
	"topic" text NOT NULL,
	"mode" "practicum_mode" NOT NULL,
	"session_at" timestamp with time zone,
	"session_place" text,
	"recording_url" text,
	"reflection" text,
	"status" "practicum_status" DEFAULT 'submitted' NOT NULL,
	"submitted_at" timestamp with time zone DEFAULT now() NOT NULL,
	"decided_at" timestamp with time zone,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "practicum_submissions_attempt_key" UNIQUE("certification_id","user_id","attempt")
);
--> statement-breakpoint
CREATE TABLE "trainer_registry_entries" (
	"user_id" uuid PRIMARY KEY NOT NULL,
	"listed" boolean DEFAULT false NOT NULL,
	"headline_vi" text,
	"headline_en" text,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "certificates" ADD CONSTRAINT "certificates_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "certificates" ADD CONSTRAINT "certificates_award_id_certification_awards_id_fk" FOREIGN KEY ("award_id") REFERENCES "public"."certification_awards"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "certificates" ADD CONSTRAINT "certificates_course_id_courses_id_fk" FOREIGN KEY ("course_id") REFERENCES "public"."courses"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "certificates" ADD CONSTRAINT "certificates_issued_by_users_id_fk" FOREIGN KEY ("issued_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "certificates" ADD CONSTRAINT "certificates_revoked_by_users_id_fk" FOREIGN KEY ("revoked_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "certificates" ADD CONSTRAINT "certificates_status_list_id_credential_status_lists_id_fk" FOREIGN KEY ("status_list_id") REFERENCES "public"."credential_status_lists"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "certification_awards" ADD CONSTRAINT "certification_awards_certification_id_certifications_id_fk" FOREIGN KEY ("certification_id") REFERENCES "public"."certifications"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "certification_awards" ADD CONSTRAINT "certification_awards_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "certification_awards" ADD CONSTRAINT "certification_awards_issued_by_users_id_fk" FOREIGN KEY ("issued_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "certification_awards" ADD CONSTRAINT "certification_awards_panel_decision_id_certification_panel_decisions_id_fk" FOREIGN KEY ("panel_decision_id") REFERENCES "public"."certification_panel_decisions"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "certification_awards" ADD CONSTRAINT "certification_awards_revoked_by_users_id_fk" FOREIGN KEY ("revoked_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "certification_panel_decisions" ADD CONSTRAINT "certification_panel_decisions_certification_id_certifications_id_fk" FOREIGN KEY ("certification_id") REFERENCES "public"."certifications"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "certification_panel_decisions" ADD CONSTRAINT "certification_panel_decisions_candidate_id_users_id_fk" FOREIGN KEY ("candidate_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "certification_panel_decisions" ADD CONSTRAINT "certification_panel_decisions_recorded_by_users_id_fk" FOREIGN KEY ("recorded_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "certification_rubrics" ADD CONSTRAINT "certification_rubrics_certification_id_certifications_id_fk" FOREIGN KEY ("certification_id") REFERENCES "public"."certifications"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "certifications" ADD CONSTRAINT "certifications_trainer_course_id_courses_id_fk" FOREIGN KEY ("trainer_course_id") REFERENCES "public"."courses"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "practicum_evaluations" ADD CONSTRAINT "practicum_evaluations_submission_id_practicum_submissions_id_fk" FOREIGN KEY ("submission_id") REFERENCES "public"."practicum_submissions"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "practicum_evaluations" ADD CONSTRAINT "practicum_evaluations_evaluator_id_users_id_fk" FOREIGN KEY ("evaluator_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "practicum_files" ADD CONSTRAINT "practicum_files_submission_id_practicum_submissions_id_fk" FOREIGN KEY ("submission_id") REFERENCES "public"."practicum_submissions"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "practicum_submissions" ADD CONSTRAINT "practicum_submissions_certification_id_certifications_id_fk" FOREIGN KEY ("certification_id") REFERENCES "public"."certifications"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "practicum_submissions" ADD CONSTRAINT "practicum_submissions_rubric_id_certification_rubrics_id_fk" FOREIGN KEY ("rubric_id") REFERENCES "public"."certification_rubrics"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "practicum_submissions" ADD CONSTRAINT "practicum_submissions_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "trainer_registry_entries" ADD CONSTRAINT "trainer_registry_entries_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "certificates_user_idx" ON "certificates" USING btree ("user_id");--> statement-breakpoint
CREATE INDEX "certificates_award_idx" ON "certificates" USING btree ("award_id");--> statement-breakpoint
CREATE INDEX "certification_awards_user_idx" ON "certification_awards" USING btree ("user_id");--> statement-breakpoint
CREATE INDEX "certification_awards_valid_until_idx" ON "certification_awards" USING btree ("valid_until");--> statement-breakpoint
CREATE UNIQUE INDEX "certification_awards_one_active_key" ON "certification_awards" USING btree ("certification_id","user_id") WHERE status = 'active';--> statement-breakpoint
CREATE INDEX "certification_panel_decisions_candidate_idx" ON "certification_panel_decisions" USING btree ("candidate_id");--> statement-breakpoint
CREATE UNIQUE INDEX "credential_signing_keys_one_active_key" ON "credential_signing_keys" USING btree ("status") WHERE status = 'active';--> statement-breakpoint
CREATE INDEX "practicum_files_submission_idx" ON "practicum_files" USING btree ("submission_id");--> statement-breakpoint
CREATE INDEX "practicum_submissions_status_idx" ON "practicum_submissions" USING btree ("status","submitted_at");--> statement-breakpoint
CREATE INDEX "practicum_submissions_user_idx" ON "practicum_submissions" USING btree ("user_id");