-- Event replay and time travel (src/replay).

-- Folded customer views of one log partition after the records before `offset`: reconstruction
-- loads the latest snapshot at or before the target position and folds only what follows.
-- `state` is gzip-compressed JSON {customerId: CustomerView}; `ts` is the last folded record's time.
CREATE TABLE replay_state_snapshots (
  topic       text NOT NULL,
  partition   integer NOT NULL,
  "offset"    bigint NOT NULL CHECK ("offset" >= 0),
  ts          bigint NOT NULL,
  customers   integer NOT NULL,
  state       bytea NOT NULL,
  created_at  timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (topic, partition, "offset")
);

-- Saved committed offsets of a consumer group, to restore the group to later.
CREATE TABLE replay_offset_snapshots (
  id          text PRIMARY KEY,
  name        text NOT NULL,
  group_id    text NOT NULL,
  topic       text NOT NULL,
  -- [{partition, committed}] (committed null = nothing committed yet)
  offsets     jsonb NOT NULL,
  created_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX replay_offset_snapshots_group ON replay_offset_snapshots (group_id, topic, created_at);
