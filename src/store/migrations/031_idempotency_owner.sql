-- Running claims renew their short lease by owner (src/application/idempotency): only unanswered
-- claims are looked up that way, so the index holds only those.
CREATE INDEX idempotency_keys_running_owner ON idempotency_keys (owner) WHERE status IS NULL;
