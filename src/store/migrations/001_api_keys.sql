-- API keys are stored as SHA-256 hashes only; the plaintext is shown once when a key is made.
CREATE TABLE api_keys (
  key_id      text PRIMARY KEY,
  name        text NOT NULL,
  role        text NOT NULL CHECK (role IN ('viewer', 'operator', 'admin')),
  hash        text NOT NULL UNIQUE,
  created_at  timestamptz NOT NULL DEFAULT now(),
  revoked_at  timestamptz
);
