CREATE TABLE "programme_periods" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"programme_id" uuid NOT NULL,
	"starts_on" date NOT NULL,
	"ends_on" date NOT NULL,
	"created_by" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "programme_periods_start_key" UNIQUE("programme_id","starts_on"),
	CONSTRAINT "programme_periods_dates_check" CHECK ("programme_periods"."ends_on" > "programme_periods"."starts_on")
);
--> statement-breakpoint
ALTER TABLE "programme_targets" DROP CONSTRAINT "programme_targets_key";--> statement-breakpoint
ALTER TABLE "programme_targets" ADD COLUMN "period_id" uuid;--> statement-breakpoint
ALTER TABLE "programme_periods" ADD CONSTRAINT "programme_periods_programme_id_programmes_id_fk" FOREIGN KEY ("programme_id") REFERENCES "public"."programmes"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "programme_periods" ADD CONSTRAINT "programme_periods_created_by_users_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "programme_targets" ADD CONSTRAINT "programme_targets_period_id_programme_periods_id_fk" FOREIGN KEY ("period_id") REFERENCES "public"."programme_periods"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "programme_targets" ADD CONSTRAINT "programme_targets_key" UNIQUE NULLS NOT DISTINCT("programme_id","period_id","key");--> statement-breakpoint
ALTER TABLE "programme_targets" ADD CONSTRAINT "programme_targets_value_check" CHECK ("programme_targets"."target_value" >= 0);