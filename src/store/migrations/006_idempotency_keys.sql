-- Idempotency-Key records: the first request with a key claims the row (status NULL while it runs),
-- its final response is stored, and retries with the same key and request get that response back.
-- Keys are scoped by caller (API key id or JWT subject): one client cannot replay another's answers.
CREATE TABLE idempotency_keys (
  caller        text NOT NULL,
  key           text NOT NULL,
  -- SHA-256 of method, path and canonical body: the same key on a different request is refused.
  fingerprint   text NOT NULL,
  -- The running request's claim; another request may take a claim over once locked_until has passed
  -- (the first one died without answering).
  owner         text,
  locked_until  timestamptz,
  status        integer,
  headers       jsonb,
  body          text,
  created_at    timestamptz NOT NULL DEFAULT now(),
  expires_at    timestamptz NOT NULL,
  PRIMARY KEY (caller, key)
);
CREATE INDEX idempotency_keys_expires_at ON idempotency_keys (expires_at);
