// Reads a topic from a real Kafka broker with kcat (Debian's Kafka CLI client) and checks that every
// record is a valid CloudEvent: for the official cloudevents SDK, and for the BSS catalog.
//   node scripts/kcat-validate.ts [topic=bss.events] [brokers=$BSS_KAFKA_BROKERS]
// Exit code 0 when every record is valid; 1 with the offending records listed otherwise.
import { execFileSync } from 'node:child_process';
import { CloudEvent } from 'cloudevents';
import { createEventCodec } from '../src/events/codec.ts';
import { EVENT_CATALOG } from '../src/events/catalog.ts';

export interface ValidationReport {
  readonly records: number;
  readonly invalid: ReadonlyArray<{ position: string; reason: string }>;
}

export function validateTopic(topic: string, brokers: string): ValidationReport {
  // One line per record: partition, offset, then the value (our JSON values never contain newlines).
  const output = execFileSync('kcat', ['-b', brokers, '-C', '-t', topic, '-e', '-q', '-f', '%p %o %s\\n'], {
    encoding: 'utf8',
    maxBuffer: 1024 * 1024 * 1024,
  });
  const codec = createEventCodec(EVENT_CATALOG);
  const invalid: Array<{ position: string; reason: string }> = [];
  let records = 0;
  for (const line of output.split('\n')) {
    if (line === '') continue;
    records++;
    const [partition, offset] = line.split(' ', 2);
    const value = line.slice(`${partition} ${offset} `.length);
    const position = `${topic}/${partition}/${offset}`;
    try {
      new CloudEvent(JSON.parse(value) as Record<string, unknown>, true);
    } catch (error) {
      invalid.push({ position, reason: `cloudevents SDK: ${(error as Error).message}` });
      continue;
    }
    const decoded = codec.decode({ value });
    if (!decoded.ok) invalid.push({ position, reason: decoded.reason });
  }
  return { records, invalid };
}

if (import.meta.main) {
  const topic = process.argv[2] ?? 'bss.events';
  const brokers = process.argv[3] ?? process.env['BSS_KAFKA_BROKERS'];
  if (!brokers) {
    process.stderr.write('usage: node scripts/kcat-validate.ts [topic] [brokers] (or set BSS_KAFKA_BROKERS)\n');
    process.exit(64);
  }
  const report = validateTopic(topic, brokers);
  for (const bad of report.invalid) process.stdout.write(`INVALID ${bad.position}: ${bad.reason}\n`);
  process.stdout.write(`${report.records} records read from ${topic}, ${report.invalid.length} invalid\n`);
  process.exit(report.invalid.length === 0 ? 0 : 1);
}
