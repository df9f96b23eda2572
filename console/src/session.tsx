// Who is signed in: credentials in sessionStorage, the principal from GET /api/v1/me.
import { createContext } from 'preact';
import { useContext } from 'preact/hooks';
import type { Me } from './api.ts';

export interface Session {
  readonly me: Me;
  signOut(): void;
}

export const SessionContext = createContext<Session | null>(null);

export function useSession(): Session {
  const session = useContext(SessionContext);
  if (!session) throw new Error('useSession outside a signed-in console');
  return session;
}
