-- The instance (src/store/instance-liveness.ts) whose request holds a running claim: once that
-- instance's liveness lock is free (its process died), a retry takes the claim over at once instead of
-- waiting for the lease to lapse. NULL where no instance lock is kept (PGlite: one process).
ALTER TABLE idempotency_keys ADD COLUMN holder text;
