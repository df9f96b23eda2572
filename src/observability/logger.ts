// pino JSON logs. Secrets never reach a log line: request headers that carry credentials are redacted.
import { pino, type Logger } from 'pino';
import type { LogLevel } from '../config.ts';

export type { Logger };

export const REDACTED_PATHS = [
  'req.headers.authorization',
  'req.headers["x-api-key"]',
  'req.headers.cookie',
  '*.password',
  '*.apiKey',
];

export function createLogger(level: LogLevel, destination?: pino.DestinationStream): Logger {
  return pino(
    { level, redact: { paths: REDACTED_PATHS, censor: '[redacted]' }, base: { service: 'bss' } },
    destination,
  );
}
