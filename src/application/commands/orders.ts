import { randomUUID } from 'node:crypto';
import { order } from '../../domain/index.ts';
import type { CustomerBalance, catalog as catalogTypes, customer } from '../../domain/index.ts';
import type { UnitOfWork } from '../read-model/unit-of-work.ts';
import type { CommandBus, RunOptions } from './command-bus.ts';
import { customerContextRows, rowsOfOwner } from './customer-context.ts';
import { expectVersion, type ExpectedVersion } from './expect-version.ts';
import type { Clock } from '../clock.ts';

export type PlaceOrderInput = Omit<order.PlaceOrder, 'type' | 'at'>;

export interface OrderCommands {
  place(input: PlaceOrderInput): Promise<string>;
  approve(orderId: string, expectedVersion?: ExpectedVersion): Promise<void>;
  reject(orderId: string, reason: string, expectedVersion?: ExpectedVersion): Promise<void>;
  complete(orderId: string, expectedVersion?: ExpectedVersion): Promise<string[]>;
  cancel(orderId: string, reason?: string, expectedVersion?: ExpectedVersion): Promise<void>;
}

export const newSubscriptionId = (): string => `sub_${randomUUID()}`;

/** The customer is share-locked so a concurrent suspension cannot slip between the check and the commit. */
async function loadContext(
  uow: UnitOfWork,
  customerId: string,
  plans: catalogTypes.Catalog,
): Promise<order.OrderContext> {
  const { state: customerState } = await uow.load<customer.Customer>('customer', customerId, 'share');
  const { state: balance } = await uow.load<CustomerBalance>('balance', customerId);
  return { customer: customerState, catalog: plans, accountCurrency: balance?.currency ?? null };
}

type Build = (at: string, current: order.Order | null) => order.OrderCommand;

export function orderCommands(bus: CommandBus, clock: Clock, plans: catalogTypes.Catalog): OrderCommands {
  /** customerId: a new order's, known before its row exists. */
  const decide = async (
    orderId: string,
    expectedVersion: ExpectedVersion | undefined,
    build: Build,
    customerId?: string,
  ) => {
    const rows: RunOptions = {
      prefetch: [{ kind: 'order', ids: [orderId] }, ...(customerId ? customerContextRows(customerId) : [])],
      prefetchThen: rowsOfOwner('order', orderId, customerContextRows),
    };
    const committed = await bus.run(async (uow) => {
      const { state, version } = await uow.load<order.Order>('order', orderId);
      if (state !== null) expectVersion('order', version, expectedVersion);
      const command = build(clock(), state);
      const customerId = state?.customerId ?? (command.type === 'PlaceOrder' ? command.customerId : undefined);
      const context =
        customerId === undefined
          ? { customer: null, catalog: plans, accountCurrency: null }
          : await loadContext(uow, customerId, plans);
      return { events: order.decide(command, state, context), result: command };
    }, rows);
    return committed.result;
  };

  return {
    async place(input) {
      await decide(input.orderId, undefined, (at) => ({ type: 'PlaceOrder', ...input, at }), input.customerId);
      return input.orderId;
    },
    async approve(orderId, expected) {
      await decide(orderId, expected, (at) => ({ type: 'ApproveOrder', orderId, at }));
    },
    async reject(orderId, reason, expected) {
      await decide(orderId, expected, (at) => ({ type: 'RejectOrder', orderId, reason, at }));
    },
    async complete(orderId, expected) {
      // New ids on a retried attempt are harmless: the earlier attempt never committed.
      const command = await decide(orderId, expected, (at, current) => ({
        type: 'CompleteOrder',
        orderId,
        subscriptionIds: (current?.items ?? []).map(newSubscriptionId),
        at,
      }));
      return command.type === 'CompleteOrder' ? command.subscriptionIds : [];
    },
    async cancel(orderId, reason, expected) {
      await decide(orderId, expected, (at) => ({ type: 'CancelOrder', orderId, ...(reason ? { reason } : {}), at }));
    },
  };
}
