// Calls to the BSS API with the signed-in credentials (kept in sessionStorage: gone when the tab closes).
// Errors are RFC 9457 problems; ApiError carries the detail the API gave.

export type Role = 'viewer' | 'operator' | 'admin';
export interface Credentials {
  readonly kind: 'api-key' | 'bearer';
  readonly secret: string;
}
export interface Me {
  readonly id: string;
  readonly role: Role;
  readonly via: 'api-key' | 'bearer';
}

const STORAGE_KEY = 'bss.console.credentials';
const RANK: Record<Role, number> = { viewer: 1, operator: 2, admin: 3 };

export const can = (me: Me | null, need: Role) => me !== null && RANK[me.role] >= RANK[need];

export class ApiError extends Error {
  readonly status: number;
  readonly code: string;
  constructor(status: number, code: string, detail: string) {
    super(detail);
    this.status = status;
    this.code = code;
  }
}

export function loadCredentials(): Credentials | null {
  const text = sessionStorage.getItem(STORAGE_KEY);
  return text ? (JSON.parse(text) as Credentials) : null;
}

export function saveCredentials(credentials: Credentials | null): void {
  if (credentials) sessionStorage.setItem(STORAGE_KEY, JSON.stringify(credentials));
  else sessionStorage.removeItem(STORAGE_KEY);
}

export function authHeaders(credentials = loadCredentials()): Record<string, string> {
  if (!credentials) return {};
  return credentials.kind === 'api-key'
    ? { 'x-api-key': credentials.secret }
    : { authorization: `Bearer ${credentials.secret}` };
}

export async function api<T>(path: string, init: { method?: string; body?: unknown; credentials?: Credentials } = {}) {
  const headers: Record<string, string> = { accept: 'application/json', ...authHeaders(init.credentials) };
  if (init.body !== undefined) headers['content-type'] = 'application/json';
  const response = await fetch(`/api/v1${path}`, {
    method: init.method ?? 'GET',
    headers,
    ...(init.body !== undefined ? { body: JSON.stringify(init.body) } : {}),
  });
  const text = await response.text();
  const body = text ? (JSON.parse(text) as unknown) : undefined;
  if (!response.ok) {
    const problem = (body ?? {}) as { code?: string; detail?: string };
    throw new ApiError(response.status, problem.code ?? 'HTTP_ERROR', problem.detail ?? response.statusText);
  }
  return body as T;
}

export const query = (params: Record<string, string | number | undefined>) =>
  new URLSearchParams(
    Object.entries(params).flatMap(([k, v]) => (v === undefined || v === '' ? [] : [[k, String(v)]])),
  ).toString();
