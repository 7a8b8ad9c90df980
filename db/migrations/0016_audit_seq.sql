-- Schema snapshot catch-up only: the seq column and its unique index were created by 0015_audit_chain_at_commit.
SELECT 1;
