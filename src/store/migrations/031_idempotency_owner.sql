-- Running claims renew their short lease by owner (src/application/idempotency): only unanswered
-- claims are looked up that way, so the index holds only those.
CREATE INDEX idempotency_keys_running_owner ON idempotency_keys (owner) WHERE status IS NULL;
-- The results of the commands a claimed request committed, in order, written in each command's own
-- transaction: a retry that takes over the claim of a request that committed and then died gets
-- these results back instead of running the commands again.
ALTER TABLE idempotency_keys ADD COLUMN effects jsonb NOT NULL DEFAULT '[]';
