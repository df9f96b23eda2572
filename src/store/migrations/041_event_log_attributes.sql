-- The CloudEvents type and source of each record (its ce_type and ce_source headers, which the codec
-- writes), in columns of their own with indexes beside the time, so a histogram filtered by type or
-- customer counts the whole log exactly in one statement (an index-only scan; an expression index on
-- the JSON read every matching row from the table: bench/results/CONSOLE.md).
ALTER TABLE event_log ADD COLUMN type text, ADD COLUMN source text;

-- Records appended before this migration have no such headers: read both from the JSON the codec
-- wrote, whose envelope names its source and type before its data.
UPDATE event_log
   SET type = substring(value from '"type":"([^"\\]*)"'),
       source = substring(value from '"source":"([^"\\]*)"')
 WHERE value LIKE '{"specversion":%';

CREATE INDEX event_log_by_type ON event_log (topic, type, ts);
CREATE INDEX event_log_by_key ON event_log (topic, key, ts);
