import type { CurrencyCode, Money } from '../money.ts';
import type { OrderItem } from './events.ts';

/** PENDING -> APPROVED | REJECTED; APPROVED -> COMPLETED | CANCELLED. */
export type OrderStatus = 'PENDING' | 'APPROVED' | 'REJECTED' | 'COMPLETED' | 'CANCELLED';

export type Order = {
  orderId: string;
  customerId: string;
  items: OrderItem[];
  currency: CurrencyCode;
  monthlyTotal: Money;
  status: OrderStatus;
  subscriptionIds: string[];
  reason: string | null;
  placedAt: string;
  updatedAt: string;
};

export type OrderState = Order | null;

export const initialState: OrderState = null;
