import { requirePlanVersionAt } from '../catalog/plan-version-at.ts';
import { requireActiveCustomer } from '../customer/require-customer.ts';
import { assertNever } from '../event.ts';
import { add, zero, type CurrencyCode, type Money } from '../money.ts';
import { conflict, invalid, invalidTransition, missing } from '../rejection.ts';
import { requireDateTime, requireNotBefore } from '../time.ts';
import { optionalText, requireDistinct, requireText } from '../validate.ts';
import type { CompleteOrder, OrderCommand, PlaceOrder } from './commands.ts';
import type { OrderContext } from './context.ts';
import type { OrderDecision, OrderItem } from './events.ts';
import type { Order, OrderState } from './state.ts';

export function decide(command: OrderCommand, state: OrderState, context: OrderContext): OrderDecision[] {
  const orderId = requireText(command.orderId, 'orderId');
  const atMs = requireDateTime(command.at, 'at');
  if (command.type === 'PlaceOrder') {
    if (state !== null) throw conflict('ORDER_ALREADY_EXISTS', `order ${orderId} already exists`);
    return place(command, context);
  }
  if (state === null) throw missing('ORDER_NOT_FOUND', `order ${orderId} does not exist`, 'orderId');
  requireNotBefore(atMs, state.updatedAt);
  const { customerId } = state;
  const at = command.at;

  switch (command.type) {
    case 'ApproveOrder':
      requireStatus(state, 'approve');
      requireActiveCustomer(context.customer, customerId);
      return [{ type: 'order.approved', data: { orderId, customerId, at } }];
    case 'RejectOrder':
      requireStatus(state, 'reject');
      return [
        {
          type: 'order.rejected',
          data: { orderId, customerId, reason: requireText(command.reason, 'reason', 500), at },
        },
      ];
    case 'CompleteOrder':
      requireStatus(state, 'complete');
      requireActiveCustomer(context.customer, customerId);
      return complete(command, state);
    case 'CancelOrder':
      requireStatus(state, 'cancel');
      return [
        { type: 'order.cancelled', data: { orderId, customerId, reason: optionalText(command.reason, 'reason'), at } },
      ];
    default:
      return assertNever(command);
  }
}

const ALLOWED_FROM = {
  approve: 'PENDING',
  reject: 'PENDING',
  complete: 'APPROVED',
  cancel: 'APPROVED',
} as const;

function requireStatus(order: Order, action: keyof typeof ALLOWED_FROM): void {
  if (order.status !== ALLOWED_FROM[action]) throw invalidTransition('order', order.status, action);
}

function place(command: PlaceOrder, context: OrderContext): OrderDecision[] {
  const customerId = requireText(command.customerId, 'customerId');
  requireActiveCustomer(context.customer, customerId);
  if (!Array.isArray(command.items) || command.items.length === 0) {
    throw invalid('REQUIRED', 'an order needs at least one item', 'items');
  }
  const items: OrderItem[] = command.items.map((item, i) => {
    const field = `items[${i}].planId`;
    const planId = requireText(item?.planId, field);
    const { plan, version } = requirePlanVersionAt(context.catalog, planId, command.at, field);
    return { planId, planName: plan.name, planVersion: version.version, monthlyPrice: version.monthlyPrice };
  });
  const currency = orderCurrency(items, context.accountCurrency);
  const monthlyTotal = items.reduce<Money>((total, item) => add(total, item.monthlyPrice), zero(currency));
  return [
    {
      type: 'order.placed',
      data: { orderId: command.orderId, customerId, items, currency, monthlyTotal, at: command.at },
    },
  ];
}

function orderCurrency(items: OrderItem[], accountCurrency: CurrencyCode | null): CurrencyCode {
  const expected = accountCurrency ?? items[0]!.monthlyPrice.currency;
  items.forEach((item, i) => {
    if (item.monthlyPrice.currency !== expected) {
      throw invalid(
        'CURRENCY_MISMATCH',
        `plan ${item.planId} is priced in ${item.monthlyPrice.currency}, the account bills in ${expected}`,
        `items[${i}].planId`,
        { expected, actual: item.monthlyPrice.currency },
      );
    }
  });
  return expected;
}

function complete(command: CompleteOrder, order: Order): OrderDecision[] {
  const ids = command.subscriptionIds;
  if (!Array.isArray(ids) || ids.length !== order.items.length) {
    throw invalid(
      'SUBSCRIPTION_IDS_MISMATCH',
      `give one subscription id per order item (${order.items.length})`,
      'subscriptionIds',
      { expected: order.items.length },
    );
  }
  ids.forEach((id, i) => requireText(id, `subscriptionIds[${i}]`));
  requireDistinct(ids, 'subscriptionIds');
  const { orderId, customerId } = order;
  const at = command.at;
  return [
    { type: 'order.completed', data: { orderId, customerId, subscriptionIds: [...ids], at } },
    ...order.items.map((item, i): OrderDecision => ({
      type: 'subscription.activated',
      data: { subscriptionId: ids[i]!, customerId, orderId, planId: item.planId, at },
    })),
  ];
}
