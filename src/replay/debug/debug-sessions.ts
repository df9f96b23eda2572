import { notFound } from '../../errors.ts';
import { openSession, type DebugSession, type OpenSessionOptions, type SessionInfo } from './debug-session.ts';
import type { ReconstructDeps } from '../time-travel/index.ts';

export interface DebugSessions {
  open(options: OpenSessionOptions): Promise<DebugSession>;
  /** Restarts its idle clock. */
  get(id: string): DebugSession;
  list(): SessionInfo[];
  close(id: string): boolean;
  closeAll(): void;
}

export function createDebugSessions(deps: ReconstructDeps, options: { idleMs?: number } = {}): DebugSessions {
  const idleMs = options.idleMs ?? 15 * 60_000;
  const sessions = new Map<string, { session: DebugSession; lastUsed: number }>();
  const sweep = setInterval(
    () => {
      const cutoff = Date.now() - idleMs;
      for (const entry of [...sessions.values()]) if (entry.lastUsed < cutoff) entry.session.close();
    },
    Math.max(50, Math.min(idleMs / 2, 60_000)),
  );
  sweep.unref();

  const touch = (id: string) => {
    const entry = sessions.get(id);
    if (entry) entry.lastUsed = Date.now();
  };

  return {
    async open(openOptions) {
      const session = await openSession(deps, openOptions, {
        touch,
        expiresAt: (id) => new Date((sessions.get(id)?.lastUsed ?? Date.now()) + idleMs).toISOString(),
        closed: (id) => void sessions.delete(id),
      });
      sessions.set(session.id, { session, lastUsed: Date.now() });
      return session;
    },
    get(id) {
      const entry = sessions.get(id);
      if (!entry || entry.lastUsed < Date.now() - idleMs) {
        entry?.session.close();
        throw notFound('debug session', id);
      }
      entry.lastUsed = Date.now();
      return entry.session;
    },
    list: () => [...sessions.values()].map((e) => e.session.info()),
    close(id) {
      const entry = sessions.get(id);
      entry?.session.close();
      return entry !== undefined;
    },
    closeAll() {
      for (const { session } of [...sessions.values()]) session.close();
      clearInterval(sweep);
    },
  };
}
