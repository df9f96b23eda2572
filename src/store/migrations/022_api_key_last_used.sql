-- When each API key last authenticated a request (written at most once a minute per key).
ALTER TABLE api_keys ADD COLUMN IF NOT EXISTS last_used_at timestamptz;
