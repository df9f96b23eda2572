-- Transactional outbox (Kafka mode): a command writes its events here in its own transaction; the
-- relay publishes them in id order (so in order per partition) and marks them published.
CREATE TABLE outbox (
  id            bigserial PRIMARY KEY,
  topic         text NOT NULL,
  key           text NOT NULL,
  value         text NOT NULL,
  ts            bigint NOT NULL,
  headers       jsonb NOT NULL DEFAULT '{}',
  created_at    timestamptz NOT NULL DEFAULT now(),
  published_at  timestamptz
);
CREATE INDEX outbox_unpublished ON outbox (id) WHERE published_at IS NULL;
-- One row the active relay locks for the length of a publish round, so only one relay publishes
-- at a time and per-partition order is kept across instances.
CREATE TABLE outbox_relay_lock (id int PRIMARY KEY CHECK (id = 1));
INSERT INTO outbox_relay_lock VALUES (1);
