// What a log line may say about a request: no credentials (headers are never serialized) and no
// personal data. Query values are free text (a search for an email or phone number), so they are
// replaced; path segments that look like an email address or a phone number are replaced too.
import type { IncomingMessage } from 'node:http';

export const REDACTED = '[redacted]';

/** Fields that hold secrets or personal data, wherever they are logged (pino redact paths). */
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
  // One level of wildcard only: deeper ones make every log line slower, and nothing logs bodies.
  // `address` only nested: at the top it is the listening address of "BSS listening".
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

/** `/api/v1/customers/search?q=anna%40x.org&limit=5` → `/api/v1/customers/search?q=[redacted]&limit=[redacted]`. */
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

/** Replaces Fastify's request serializer: method, redacted URL, host and peer, never headers. */
export function serializeRequest(request: IncomingMessage & { ip?: string }): Record<string, unknown> {
  return {
    method: request.method,
    url: redactUrl(request.url ?? ''),
    host: request.headers?.host,
    remoteAddress: request.ip ?? request.socket?.remoteAddress,
  };
}
