CREATE TABLE "attendance_month_counts" (
	"month" date NOT NULL,
	"cohort_id" uuid NOT NULL,
	"enrollment_id" uuid NOT NULL,
	"records" integer NOT NULL,
	"attended" integer NOT NULL,
	CONSTRAINT "attendance_month_counts_month_cohort_id_enrollment_id_pk" PRIMARY KEY("month","cohort_id","enrollment_id")
);
--> statement-breakpoint
ALTER TABLE "attendance_month_counts" ADD CONSTRAINT "attendance_month_counts_cohort_id_cohorts_id_fk" FOREIGN KEY ("cohort_id") REFERENCES "public"."cohorts"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "attendance_month_counts" ADD CONSTRAINT "attendance_month_counts_enrollment_id_enrollments_id_fk" FOREIGN KEY ("enrollment_id") REFERENCES "public"."enrollments"("id") ON DELETE cascade ON UPDATE no action;