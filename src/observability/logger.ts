// Credential headers and personal fields are redacted and URLs logged without query values (log-privacy.ts).
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
      serializers: { req: serializeRequest as never },
    },
    destination,
  );
}
