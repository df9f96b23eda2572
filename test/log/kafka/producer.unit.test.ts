// Which codec a produce request gets: none when its partition batches are small on average, else the configured one.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compressionFor } from '../../../src/log/kafka/producer.ts';

const to = (...partitions: number[]) =>
  partitions.map((partition) => ({ topic: 't', partition, key: 'k', value: 'v', timestamp: 0n }));
const options = { compression: 'zstd', compressMinBytes: 4096 } as const;

test('a request whose partition batches average under compressMinBytes goes uncompressed', () => {
  assert.equal(compressionFor(to(0), 4095, options), 'none');
  assert.equal(compressionFor(to(0, 1, 2, 3), 16_000, options), 'none', '4,000 bytes a partition');
});

test('batches at or over compressMinBytes use the configured codec', () => {
  assert.equal(compressionFor(to(0), 4096, options), 'zstd');
  assert.equal(compressionFor(to(0, 0, 1), 9000, options), 'zstd', 'two partitions, 4,500 bytes each');
  assert.equal(compressionFor(to(0), 1, { compression: 'lz4', compressMinBytes: 0 }), 'lz4', '0 compresses all');
});

test('an explicit none stays none whatever the size', () => {
  assert.equal(compressionFor(to(0), 1 << 20, { compression: 'none', compressMinBytes: 4096 }), 'none');
});
