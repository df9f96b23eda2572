import { Command, Option } from 'commander';
import { action, examples, jsonOption, serviceOptions, clientConfig, UsageError, type ServiceFlags } from './common.ts';
import { createApiClient } from './api-client.ts';

interface AuditFlags extends ServiceFlags {
  readonly action?: string;
  readonly actor?: string;
  readonly from?: string;
  readonly to?: string;
  readonly limit: string;
  readonly json?: boolean;
}

interface AuditEntry {
  at: string;
  actor: string;
  role: string | null;
  action: string;
  target: string | null;
  outcome: string;
  status: number | null;
}

export function auditCommand(): Command {
  const command = new Command('audit')
    .description('admin actions (replay, restore, rebuild, cache warm, debug sessions, keys): who, what, when')
    .option('--action <action>', 'only this action, e.g. replay.start, apikey.create')
    .option('--actor <actor>', 'only this caller, e.g. key:3f9a1c2b7d4e or jwt:alice')
    .option('--from <time>', 'entries at or after this ISO-8601 time')
    .option('--to <time>', 'entries before this ISO-8601 time')
    .addOption(new Option('--limit <n>', 'at most this many entries').default('100'))
    .addOption(jsonOption());
  serviceOptions(command);
  examples(command, 'bss audit', 'bss audit --action replay.start --from 2026-12-01T00:00:00Z', 'bss audit --json');
  return command.action(
    action(async (v: AuditFlags, out) => {
      const limit = Number(v.limit);
      if (!Number.isSafeInteger(limit) || limit < 1) throw new UsageError('--limit must be a positive integer');
      const api = createApiClient(clientConfig(v));
      const items: AuditEntry[] = [];
      let cursor: string | null = null;
      do {
        const query = new URLSearchParams({
          limit: String(Math.min(200, limit - items.length)),
          ...(v.action ? { action: v.action } : {}),
          ...(v.actor ? { actor: v.actor } : {}),
          ...(v.from ? { from: v.from } : {}),
          ...(v.to ? { to: v.to } : {}),
          ...(cursor ? { cursor } : {}),
        });
        const page: { items: AuditEntry[]; nextCursor: string | null } = await api.call('GET', `/audit?${query}`);
        items.push(...page.items);
        cursor = page.nextCursor;
      } while (cursor && items.length < limit);
      if (items.length === 0) out('no audit entries');
      for (const e of items) {
        out(
          `${e.at}  ${e.actor}${e.role ? ` (${e.role})` : ''}  ${e.action}${e.target ? ` ${e.target}` : ''}  ${e.outcome}${e.status ? ` ${e.status}` : ''}`,
        );
      }
      return { items };
    }),
  );
}
