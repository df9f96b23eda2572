-- ANALYZE sorts a sample of every column; for these documents (read-model state, stored answers, log
-- payloads) no query's plan uses what it finds, yet they made most of its cost: 0.1-0.5 s of CPU per
-- table, every autovacuum_naptime while the tables grow under load. Without them: 2.5 x cheaper
-- (bench/results/TUNING.md, "Seventh session: what made the tail").
ALTER TABLE customers ALTER COLUMN state SET STATISTICS 0;
ALTER TABLE orders ALTER COLUMN state SET STATISTICS 0;
ALTER TABLE subscriptions ALTER COLUMN state SET STATISTICS 0;
ALTER TABLE usage_records ALTER COLUMN state SET STATISTICS 0;
ALTER TABLE invoices ALTER COLUMN state SET STATISTICS 0;
ALTER TABLE payments ALTER COLUMN state SET STATISTICS 0;
ALTER TABLE balances ALTER COLUMN state SET STATISTICS 0;
ALTER TABLE idempotency_keys
  ALTER COLUMN body SET STATISTICS 0,
  ALTER COLUMN headers SET STATISTICS 0,
  ALTER COLUMN effects SET STATISTICS 0;
ALTER TABLE event_log ALTER COLUMN value SET STATISTICS 0, ALTER COLUMN headers SET STATISTICS 0;
ALTER TABLE outbox ALTER COLUMN value SET STATISTICS 0, ALTER COLUMN headers SET STATISTICS 0;
