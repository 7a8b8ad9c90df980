CREATE TYPE "public"."refund_status" AS ENUM('due', 'paid');--> statement-breakpoint
ALTER TABLE "refunds" ADD COLUMN "status" "refund_status" DEFAULT 'paid' NOT NULL;--> statement-breakpoint
ALTER TABLE "refunds" ADD COLUMN "transferred_on" date;--> statement-breakpoint
ALTER TABLE "refunds" ADD COLUMN "settled_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "refunds" ADD COLUMN "settled_by" uuid;--> statement-breakpoint
ALTER TABLE "refunds" ADD CONSTRAINT "refunds_settled_by_users_id_fk" FOREIGN KEY ("settled_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "refunds_due_idx" ON "refunds" USING btree ("created_at","id") WHERE "refunds"."status" = 'due';--> statement-breakpoint
ALTER TABLE "refunds" ADD CONSTRAINT "refunds_settled_has_reference" CHECK ("refunds"."settled_at" IS NULL OR ("refunds"."status" = 'paid' AND "refunds"."bank_reference" IS NOT NULL AND "refunds"."transferred_on" IS NOT NULL));