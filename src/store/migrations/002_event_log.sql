-- The database event log (embedded and single-server modes): partitioned, offset-addressed,
-- timestamped records with consumer groups, the same model as a Kafka topic.
CREATE TABLE event_log_topics (
  name          text PRIMARY KEY,
  partitions    integer NOT NULL CHECK (partitions > 0),
  -- -1 = keep forever (time travel needs the history).
  retention_ms  bigint NOT NULL DEFAULT -1,
  created_at    timestamptz NOT NULL DEFAULT now()
);

-- One row per partition, the partition's sequencer: an appender locks it, takes the next offsets and
-- holds the lock until commit, so offsets are dense and become visible in offset order.
CREATE TABLE event_log_partitions (
  topic         text NOT NULL REFERENCES event_log_topics (name) ON DELETE CASCADE,
  partition     integer NOT NULL CHECK (partition >= 0),
  next_offset   bigint NOT NULL DEFAULT 0,
  -- The first offset still kept (raised when retention deletes old records).
  start_offset  bigint NOT NULL DEFAULT 0,
  -- The latest record timestamp (ms since the epoch): timestamps never decrease within a partition.
  last_ts       bigint NOT NULL DEFAULT 0,
  PRIMARY KEY (topic, partition)
);

-- No foreign key to event_log_partitions: every insert already holds that row's lock, and a per-row
-- check would only slow the hottest statement down.
CREATE TABLE event_log (
  topic      text NOT NULL,
  partition  integer NOT NULL,
  "offset"   bigint NOT NULL,
  ts         bigint NOT NULL,
  key        text NOT NULL,
  value      text NOT NULL,
  headers    jsonb NOT NULL DEFAULT '{}',
  PRIMARY KEY (topic, partition, "offset")
);
-- offsetForTime: the first record at or after a time; timestamps rise with offsets in a partition.
CREATE INDEX event_log_by_time ON event_log (topic, partition, ts, "offset");

-- Committed offsets: per group and partition, the next offset the group will consume.
CREATE TABLE event_log_offsets (
  group_id    text NOT NULL,
  topic       text NOT NULL,
  partition   integer NOT NULL,
  committed   bigint NOT NULL CHECK (committed >= 0),
  updated_at  timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (group_id, topic, partition)
);

-- Live members of a group; a member whose heartbeat stops expires and no longer counts for the shares.
-- Expiry uses the database clock, so instances with skewed clocks still agree.
CREATE TABLE event_log_members (
  group_id    text NOT NULL,
  topic       text NOT NULL,
  member_id   text NOT NULL,
  expires_at  timestamptz NOT NULL,
  PRIMARY KEY (group_id, topic, member_id)
);

-- Which member consumes a partition for a group; an expired lease may be taken over by another member.
CREATE TABLE event_log_leases (
  group_id    text NOT NULL,
  topic       text NOT NULL,
  partition   integer NOT NULL,
  owner       text NOT NULL,
  expires_at  timestamptz NOT NULL,
  PRIMARY KEY (group_id, topic, partition)
);
