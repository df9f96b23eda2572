-- Event ids a consumer has applied, written in the same transaction as the consumer's effect, so
-- at-least-once delivery still has exactly-once effects.
CREATE TABLE processed_events (
  consumer    text NOT NULL,
  event_id    text NOT NULL,
  applied_at  timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (consumer, event_id)
);
