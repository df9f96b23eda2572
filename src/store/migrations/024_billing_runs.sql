-- The history of bill runs (GET /api/v1/billing/runs): one row per call of POST /billing/runs, with its
-- summary and the ids of the invoices it issued. Operational history, not a read model: the invoices
-- themselves are events in the log.
CREATE TABLE billing_runs (
  id text PRIMARY KEY,
  period_from text NOT NULL,
  summary jsonb NOT NULL,
  seq bigint GENERATED ALWAYS AS IDENTITY,
  created_at timestamptz NOT NULL
);
CREATE UNIQUE INDEX billing_runs_seq ON billing_runs (seq);
CREATE INDEX billing_runs_created_at ON billing_runs (created_at);
