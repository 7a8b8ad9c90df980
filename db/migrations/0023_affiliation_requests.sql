CREATE TYPE "public"."affiliation_status" AS ENUM('pending', 'approved', 'rejected');--> statement-breakpoint
CREATE TYPE "public"."signup_persona" AS ENUM('founder', 'team_member', 'lecturer', 'coach', 'other');--> statement-breakpoint
CREATE TABLE "affiliation_requests" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"user_id" uuid NOT NULL,
	"persona" "signup_persona" NOT NULL,
	"organisation_id" uuid,
	"institution_name" text,
	"status" "affiliation_status" DEFAULT 'pending' NOT NULL,
	"decided_by" uuid,
	"decided_at" timestamp with time zone,
	"decision_note" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "affiliation_requests" ADD CONSTRAINT "affiliation_requests_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "affiliation_requests" ADD CONSTRAINT "affiliation_requests_organisation_id_organisations_id_fk" FOREIGN KEY ("organisation_id") REFERENCES "public"."organisations"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "affiliation_requests" ADD CONSTRAINT "affiliation_requests_decided_by_users_id_fk" FOREIGN KEY ("decided_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "affiliation_requests_status_idx" ON "affiliation_requests" USING btree ("status");--> statement-breakpoint
CREATE INDEX "affiliation_requests_user_idx" ON "affiliation_requests" USING btree ("user_id");