import { test } from 'node:test';
import assert from 'node:assert/strict';
import { murmur2 } from '@platformatic/kafka';
import { partitionFor } from '../../src/log/partitioner.ts';

// Vectors from Apache Kafka's UtilsTest.testMurmur2 (Java ints).
const vectors: Array<[string, number]> = [
  ['21', -973932308],
  ['foobar', -790332482],
  ['a-little-bit-long-string', -985981536],
  ['a-little-bit-longer-string', -1486304829],
  ['lkjh234lh9fiuh90y23oiuhsafujhadof229phr9h19h89h8', -58897971],
  ['abc', 479470107],
];

test('murmur2 matches Kafka (Java) for its own test vectors', () => {
  for (const [key, expected] of vectors) assert.equal(murmur2(Buffer.from(key)), expected, key);
});

test('partitionFor is toPositive(murmur2(key)) % n, as Kafka’s default partitioner', () => {
  for (const [key, hash] of vectors) assert.equal(partitionFor(key, 12), (hash & 0x7fffffff) % 12, key);
});

test('keys spread over all 12 partitions', () => {
  const used = new Set(Array.from({ length: 500 }, (_, i) => partitionFor(`customer-${i}`, 12)));
  assert.equal(used.size, 12);
});
