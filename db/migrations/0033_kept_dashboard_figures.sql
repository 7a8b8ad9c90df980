CREATE TABLE "kept_dashboard_figures" (
	"programme_id" uuid NOT NULL,
	"period_start" date NOT NULL,
	"period_end" date NOT NULL,
	"as_of" timestamp with time zone NOT NULL,
	"computed_ms" integer NOT NULL,
	"figures" jsonb NOT NULL,
	"version" integer NOT NULL,
	"refreshing_since" timestamp with time zone,
	CONSTRAINT "kept_dashboard_figures_programme_id_period_start_period_end_pk" PRIMARY KEY("programme_id","period_start","period_end"),
	CONSTRAINT "kept_dashboard_figures_period_check" CHECK ("kept_dashboard_figures"."period_end" >= "kept_dashboard_figures"."period_start"),
	CONSTRAINT "kept_dashboard_figures_computed_check" CHECK ("kept_dashboard_figures"."computed_ms" >= 0)
);
--> statement-breakpoint
ALTER TABLE "kept_dashboard_figures" ADD CONSTRAINT "kept_dashboard_figures_programme_id_programmes_id_fk" FOREIGN KEY ("programme_id") REFERENCES "public"."programmes"("id") ON DELETE cascade ON UPDATE no action;