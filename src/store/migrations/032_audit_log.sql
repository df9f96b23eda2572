-- The queryable copy of the audit trail (GET /api/v1/audit): each row is also a CloudEvent on the
-- audit topic, written in the same transaction.
CREATE TABLE IF NOT EXISTS audit_log (
  seq         bigserial PRIMARY KEY,
  event_id    uuid NOT NULL UNIQUE,
  at          timestamptz NOT NULL,
  actor       text NOT NULL,
  role        text,
  action      text NOT NULL,
  target      text,
  parameters  jsonb NOT NULL DEFAULT '{}',
  outcome     text NOT NULL,
  status      integer
);
CREATE INDEX IF NOT EXISTS audit_log_action ON audit_log (action, seq);
CREATE INDEX IF NOT EXISTS audit_log_actor ON audit_log (actor, seq);
CREATE INDEX IF NOT EXISTS audit_log_at ON audit_log (at);
