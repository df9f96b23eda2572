import { assertNever } from '../event.ts';
import type { UsageEvent } from './events.ts';
import type { UsageState } from './state.ts';

export function evolve(state: UsageState, event: UsageEvent): UsageState {
  switch (event.type) {
    case 'usage.rated':
      return { status: 'RATED', ...event.data };
    case 'usage.rejected':
      return { status: 'REJECTED', ...event.data };
    default:
      return assertNever(event);
  }
}
