-- attendance.session_id: how many distinct sessions the planner believes the records hold. ANALYZE reads a sample of
-- 30,000 rows, and a session's records are written together (a class's check-ins and its roll call), so the sample
-- sees few sessions and PostgreSQL guesses far too few: at scale L it counted 36,802 sessions among 10.6 million
-- records (289 a session) where 123,963 have records (86 a session). With that guess a cohort's attendance counts
-- (the participant export, the progress of a whole cohort) looked expensive enough to run in parallel, and the
-- parallel plan read all 140,000 sessions to find a cohort's 16: 345 ms where the index answers in 1 ms
-- (docs/performance.md, "Round 8: the lead's L findings"). The figure is set from what a session is, not from the
-- sample: about fifty records a session (a negative n_distinct is a share of the rows, so it holds as the table
-- grows). ANALYZE applies it now rather than at the next automatic analyze.
ALTER TABLE "attendance" ALTER COLUMN "session_id" SET (n_distinct = -0.02);--> statement-breakpoint
ANALYZE "attendance";
