ALTER TABLE "course_enrolments" RENAME TO "course_enrollments";--> statement-breakpoint
ALTER TYPE "public"."course_enrolment_status" RENAME TO "course_enrollment_status";--> statement-breakpoint
ALTER TABLE "course_enrollments" RENAME CONSTRAINT "course_enrolments_pkey" TO "course_enrollments_pkey";--> statement-breakpoint
ALTER TABLE "course_enrollments" RENAME CONSTRAINT "course_enrolments_user_course_key" TO "course_enrollments_user_course_key";--> statement-breakpoint
ALTER TABLE "course_enrollments" RENAME CONSTRAINT "course_enrolments_user_id_users_id_fk" TO "course_enrollments_user_id_users_id_fk";--> statement-breakpoint
ALTER TABLE "course_enrollments" RENAME CONSTRAINT "course_enrolments_course_id_courses_id_fk" TO "course_enrollments_course_id_courses_id_fk";--> statement-breakpoint
ALTER INDEX "course_enrolments_course_idx" RENAME TO "course_enrollments_course_idx";--> statement-breakpoint
-- Hand-written, not from drizzle-kit: bridges for a rolling upgrade. Servers still running the previous release
-- read and write "course_enrolments" and cast to "course_enrolment_status" until they restart; a plain view is
-- updatable (ON CONFLICT included) and a domain over the renamed enum accepts the old cast. Both go in the
-- release after this one, once no server runs the old code (docs/deployment.md, "contract").
CREATE VIEW "course_enrolments" AS SELECT * FROM "course_enrollments";--> statement-breakpoint
CREATE DOMAIN "public"."course_enrolment_status" AS "public"."course_enrollment_status";
