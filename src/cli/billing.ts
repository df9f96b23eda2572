// Calls again with resumeAfter until the run is complete, so a scheduler needs one command; pushes job
// bss_billing_run for the BSSBillingRunOverdue alert.
import { Command, Option } from 'commander';
import { loadPushgatewayUrl } from '../config.ts';
import { withJobResult } from '../observability/pushgateway.ts';
import { createApiClient } from './api-client.ts';
import { action, clientConfig, examples, jsonOption, serviceOptions, UsageError } from './common.ts';
import type { Out, ServiceFlags } from './common.ts';

interface BillingFlags extends ServiceFlags {
  readonly period?: string;
  readonly dueInDays?: string;
  readonly json?: boolean;
}

interface RunCall {
  runId: string;
  customers: number;
  invoices: number;
  skipped: number;
  nothingToBill: number;
  failures: Array<{ customerId: string; code: string; message: string }>;
  resumeAfter: string | null;
}

export interface BillingRunResult {
  period: { from: string; to: string };
  calls: number;
  customers: number;
  invoices: number;
  skipped: number;
  nothingToBill: number;
  failures: RunCall['failures'];
}

/** Default: the last month that has ended. */
export function billingPeriod(month: string | undefined, now = new Date()): { from: string; to: string } {
  let year: number;
  let index: number; // 0-based month
  if (month === undefined) {
    year = now.getUTCFullYear();
    index = now.getUTCMonth() - 1;
  } else {
    const match = /^(\d{4})-(0[1-9]|1[0-2])$/.exec(month);
    if (!match) throw new UsageError(`--period: a month as YYYY-MM, not ${JSON.stringify(month)}`);
    year = Number(match[1]);
    index = Number(match[2]) - 1;
  }
  const day = (y: number, m: number) => new Date(Date.UTC(y, m, 1)).toISOString().slice(0, 10);
  return { from: day(year, index), to: day(year, index + 1) };
}

async function runBilling(flags: BillingFlags, out: Out): Promise<BillingRunResult> {
  const period = billingPeriod(flags.period);
  const dueInDays = flags.dueInDays === undefined ? undefined : Number(flags.dueInDays);
  if (dueInDays !== undefined && !(Number.isInteger(dueInDays) && dueInDays >= 0)) {
    throw new UsageError('--due-in-days: a whole number of days ≥ 0');
  }
  const api = createApiClient(clientConfig(flags));
  const total: BillingRunResult = {
    period,
    calls: 0,
    customers: 0,
    invoices: 0,
    skipped: 0,
    nothingToBill: 0,
    failures: [],
  };
  let resumeAfter: string | null = null;
  do {
    const call: RunCall = await api.call<RunCall>('POST', '/billing/runs', {
      period,
      ...(dueInDays !== undefined ? { dueInDays } : {}),
      ...(resumeAfter ? { resumeAfter } : {}),
    });
    total.calls += 1;
    total.customers += call.customers;
    total.invoices += call.invoices;
    total.skipped += call.skipped;
    total.nothingToBill += call.nothingToBill;
    total.failures.push(...call.failures);
    resumeAfter = call.resumeAfter;
  } while (resumeAfter !== null);
  out(`billed ${period.from} … ${period.to}: ${total.invoices} invoices for ${total.customers} customers`);
  out(`  skipped (already billed) ${total.skipped}, nothing to bill ${total.nothingToBill}`);
  for (const f of total.failures) out(`  failed ${f.customerId}: ${f.code} ${f.message}`);
  return total;
}

export function billingCommand(): Command {
  const billing = new Command('billing').description('billing runs against a running service (operator key)');
  const run = serviceOptions(new Command('run'), 'an operator or admin')
    .description('bill one month for every customer (in arrears); re-runs skip what is billed')
    .addOption(new Option('--period <YYYY-MM>', 'the month to bill (default: the last month that has ended)'))
    .addOption(new Option('--due-in-days <n>', 'days until the invoices are due (default 14)'))
    .addOption(jsonOption())
    .addHelpText(
      'after',
      '\nWith BSS_PUSHGATEWAY_URL set, the result is pushed as job bss_billing_run (success = no customer failed).\nExit 1 when a customer could not be billed.',
    )
    .action(
      action(async (flags: BillingFlags, out) => {
        const result = await withJobResult(
          loadPushgatewayUrl(),
          'bss_billing_run',
          () => runBilling(flags, out),
          (r) => ({
            success: r.failures.length === 0,
            values: {
              bss_billing_run_invoices: { value: r.invoices, help: 'invoices the last billing run issued' },
              bss_billing_run_customers: { value: r.customers, help: 'customers the last billing run looked at' },
              bss_billing_run_failures: { value: r.failures.length, help: 'customers the last run could not bill' },
            },
          }),
        );
        if (result.failures.length > 0) process.exitCode = 1;
        return result;
      }),
    );
  examples(run, 'bss billing run', 'bss billing run --period 2026-11 --json');
  billing.addCommand(run);
  examples(billing, 'bss billing run --period 2026-11');
  return billing;
}
