// Query values are free text (a search for an email), so they are replaced, as are email/phone path segments.
import type { IncomingMessage } from 'node:http';

export const REDACTED = '[redacted]';

const SENSITIVE_FIELDS = [
  'authorization',
  'cookie',
  'password',
  'apiKey',
  'plaintext',
  'secret',
  'token',
  'email',
  'phone',
  'address',
  'firstName',
  'lastName',
];

export const REDACTED_PATHS = [
  'req.headers.authorization',
  'req.headers["x-api-key"]',
  'req.headers.cookie',
  // One wildcard level only: deeper ones slow every line. `address` only nested: at the top it is the listen address.
  ...SENSITIVE_FIELDS.flatMap((field) => (field === 'address' ? [`*.${field}`] : [field, `*.${field}`])),
];

const PERSONAL = /@|^\+?[\d ()-]{7,}$/;

function redactSegment(segment: string): string {
  let decoded = segment;
  try {
    decoded = decodeURIComponent(segment);
  } catch {
    // not valid percent-encoding: judge it as sent
  }
  return PERSONAL.test(decoded) ? REDACTED : segment;
}

export function redactUrl(url: string): string {
  const at = url.indexOf('?');
  const path = (at === -1 ? url : url.slice(0, at)).split('/').map(redactSegment).join('/');
  if (at === -1) return path;
  const names = url
    .slice(at + 1)
    .split('&')
    .filter(Boolean)
    .map((pair) => `${pair.split('=')[0]}=${REDACTED}`);
  return `${path}?${names.join('&')}`;
}

/** Never headers. */
export function serializeRequest(request: IncomingMessage & { ip?: string }): Record<string, unknown> {
  return {
    method: request.method,
    url: redactUrl(request.url ?? ''),
    host: request.headers?.host,
    remoteAddress: request.ip ?? request.socket?.remoteAddress,
  };
}
