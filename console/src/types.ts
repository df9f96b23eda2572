// The shapes the console reads from the API (see /openapi.json); only the fields it shows.
import type { Money } from './format.ts';

export interface Customer {
  customerId: string;
  firstName: string;
  lastName: string;
  email: string;
  phone: string | null;
  status: string;
  createdAt: string;
  updatedAt: string;
}
export interface Subscription {
  subscriptionId: string;
  planId: string;
  status: string;
  activatedAt: string;
  cancelledAt: string | null;
}
export interface Invoice {
  invoiceId: string;
  period: { from: string; to: string };
  total: Money;
  outstanding: Money;
  status: string;
  dueAt: string;
}
export interface Payment {
  paymentId: string;
  amount: Money;
  method: string;
  status: string;
  createdAt: string;
}
export interface Balance {
  currency: string | null;
  invoiced: number;
  paid: number;
  refunded: number;
  credit: number;
  balance: number;
}
export interface UsageSummary {
  ratedRecords: number;
  rejectedRecords: number;
  ratedAmount: Money | null;
}
export interface UsageRecord {
  recordId: string;
  subscriptionId: string;
  usageType: string;
  quantity: number;
  startedAt: string;
  status: string;
  amount?: Money;
}
/** A customer's whole state: the read model now, or reconstruct-state's view at a moment. */
export interface CustomerView {
  customerId: string;
  customer: Customer | null;
  subscriptions: Record<string, Subscription>;
  invoices: Record<string, Invoice>;
  payments: Record<string, Payment>;
  usage?: Record<string, UsageSummary>;
  balance: Balance;
  asOf?: string | null;
}
export interface ChangingEvent {
  partition: number;
  offset: number;
  timestamp: number;
  type: string;
  id: string;
  data: unknown;
}
export interface StateDiff {
  from: number;
  to: number;
  changes: { customerId: string; path: string; before?: unknown; after?: unknown }[];
  events: ChangingEvent[];
}
export interface TimelineEvent {
  partition: number;
  offset: number;
  timestamp: number;
  customerId: string;
  id: string | null;
  type: string | null;
  source: string | null;
  subject: string | null;
  time: string | null;
  data: unknown;
  headers: Record<string, string>;
}
export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}
