// pino JSON logs. Secrets and personal data never reach a log line: credential headers and fields
// such as email, phone and address are redacted, and request URLs are logged without query values
// (log-privacy.ts). Proven by test/api/log-privacy.unit.test.ts.
import { pino, type Logger } from 'pino';
import type { LogLevel } from '../config.ts';
import { REDACTED, REDACTED_PATHS, serializeRequest } from './log-privacy.ts';

export type { Logger };
export { REDACTED_PATHS };

export function createLogger(level: LogLevel, destination?: pino.DestinationStream): Logger {
  return pino(
    {
      level,
      redact: { paths: REDACTED_PATHS, censor: REDACTED },
      base: { service: 'bss' },
      // Fastify takes the logger's serializers over its own: request lines carry redacted URLs.
      serializers: { req: serializeRequest as never },
    },
    destination,
  );
}
