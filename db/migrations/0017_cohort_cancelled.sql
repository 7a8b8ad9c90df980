ALTER TABLE "cohorts" ADD COLUMN "cancelled_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "cohorts" ADD COLUMN "cancelled_by" uuid;--> statement-breakpoint
ALTER TABLE "cohorts" ADD COLUMN "cancellation_reason" text;--> statement-breakpoint
ALTER TABLE "cohorts" ADD CONSTRAINT "cohorts_cancelled_by_users_id_fk" FOREIGN KEY ("cancelled_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;