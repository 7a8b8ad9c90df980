CREATE TABLE "cohort_discounts" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"cohort_id" uuid NOT NULL,
	"amount_vnd" bigint,
	"share_bps" integer,
	"reason" text NOT NULL,
	"set_by" uuid NOT NULL,
	"set_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "cohort_discounts_one_kind" CHECK (("cohort_discounts"."amount_vnd" IS NULL) <> ("cohort_discounts"."share_bps" IS NULL)),
	CONSTRAINT "cohort_discounts_amount_positive" CHECK ("cohort_discounts"."amount_vnd" IS NULL OR "cohort_discounts"."amount_vnd" > 0),
	CONSTRAINT "cohort_discounts_share_range" CHECK ("cohort_discounts"."share_bps" IS NULL OR ("cohort_discounts"."share_bps" > 0 AND "cohort_discounts"."share_bps" <= 10000))
);
--> statement-breakpoint
ALTER TABLE "cohort_discounts" ADD CONSTRAINT "cohort_discounts_cohort_id_cohorts_id_fk" FOREIGN KEY ("cohort_id") REFERENCES "public"."cohorts"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "cohort_discounts" ADD CONSTRAINT "cohort_discounts_set_by_users_id_fk" FOREIGN KEY ("set_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "cohort_discounts_cohort_key" ON "cohort_discounts" USING btree ("cohort_id");