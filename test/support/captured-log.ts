// A logger whose lines a test can read back: to prove what the service logs, and what it never does.
import { Writable } from 'node:stream';
import { createLogger, type Logger } from '../../src/observability/logger.ts';

export function capturedLog(level: Parameters<typeof createLogger>[0]): { logger: Logger; text(): string } {
  let text = '';
  const sink = new Writable({
    write(chunk, _encoding, done) {
      text += String(chunk);
      done();
    },
  });
  return { logger: createLogger(level, sink), text: () => text };
}
