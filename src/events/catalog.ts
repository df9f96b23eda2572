// Every event type with the TypeBox schema of its data; a compile-time check keeps each equal to src/domain.
import { Type, type Static, type TSchema } from 'typebox';
import type { DomainEvent, DomainEventType } from '../domain/events.ts';
import type { CatalogEntry } from './codec.ts';
import {
  Address,
  BillingPeriod,
  CurrencyCode,
  DateTime,
  Id,
  Money,
  Nullable,
  PaymentMethod,
  TariffUnit,
  UsageType,
  UsageUnit,
} from './schemas.ts';

const data = <P extends Parameters<typeof Type.Object>[0]>(properties: P) =>
  Type.Object({ customerId: Id, at: DateTime, ...properties }, { additionalProperties: false });

const customer = {
  'customer.created': data({
    firstName: Type.String({ minLength: 1 }),
    lastName: Type.String({ minLength: 1 }),
    email: Type.String({ format: 'email' }),
    phone: Nullable(Type.String()),
    address: Address,
  }),
  'customer.contactUpdated': data({
    email: Type.String({ format: 'email' }),
    phone: Nullable(Type.String()),
    address: Address,
  }),
  'customer.suspended': data({ reason: Nullable(Type.String()) }),
  'customer.resumed': data({}),
  'customer.terminated': data({ reason: Nullable(Type.String()) }),
};

const OrderItem = Type.Object(
  { planId: Id, planName: Type.String(), planVersion: Type.Integer({ minimum: 1 }), monthlyPrice: Money },
  { additionalProperties: false },
);
const order = {
  'order.placed': data({
    orderId: Id,
    items: Type.Array(OrderItem, { minItems: 1 }),
    currency: CurrencyCode,
    monthlyTotal: Money,
  }),
  'order.approved': data({ orderId: Id }),
  'order.rejected': data({ orderId: Id, reason: Type.String() }),
  'order.completed': data({ orderId: Id, subscriptionIds: Type.Array(Id) }),
  'order.cancelled': data({ orderId: Id, reason: Nullable(Type.String()) }),
};

const subscription = {
  'subscription.activated': data({ subscriptionId: Id, orderId: Id, planId: Id }),
  'subscription.suspended': data({ subscriptionId: Id, reason: Nullable(Type.String()) }),
  'subscription.resumed': data({ subscriptionId: Id }),
  'subscription.cancelled': data({ subscriptionId: Id, reason: Nullable(Type.String()) }),
};

const usageRecord = {
  recordId: Id,
  subscriptionId: Id,
  usageType: UsageType,
  quantity: Type.Integer({ minimum: 1 }),
  unit: UsageUnit,
  startedAt: DateTime,
};
const usage = {
  'usage.rated': data({
    ...usageRecord,
    planId: Id,
    planVersion: Type.Integer({ minimum: 1 }),
    tariff: Money,
    tariffUnit: TariffUnit,
    amount: Money,
  }),
  'usage.rejected': data({
    ...usageRecord,
    reason: Type.Object(
      { code: Type.Literal('SUBSCRIPTION_NOT_ACTIVE'), message: Type.String() },
      { additionalProperties: false },
    ),
  }),
};

const RecurringLine = Type.Object(
  {
    kind: Type.Literal('recurring'),
    subscriptionId: Id,
    planId: Id,
    planVersion: Type.Integer(),
    description: Type.String(),
    monthlyPrice: Money,
    activeDays: Type.Integer({ minimum: 0 }),
    periodDays: Type.Integer({ minimum: 1 }),
    amount: Money,
  },
  { additionalProperties: false },
);
const UsageLine = Type.Object(
  {
    kind: Type.Literal('usage'),
    subscriptionId: Id,
    usageType: UsageType,
    description: Type.String(),
    records: Type.Integer({ minimum: 0 }),
    quantity: Type.Integer({ minimum: 0 }),
    unit: UsageUnit,
    amount: Money,
  },
  { additionalProperties: false },
);
const invoice = {
  'invoice.issued': data({
    invoiceId: Id,
    period: BillingPeriod,
    currency: CurrencyCode,
    lines: Type.Array(Type.Union([RecurringLine, UsageLine])),
    total: Money,
    dueAt: DateTime,
  }),
  'invoice.paid': data({ invoiceId: Id, paymentId: Nullable(Id), total: Money }),
  'invoice.overdue': data({ invoiceId: Id, dueAt: DateTime, outstanding: Money }),
  'invoice.cancelled': data({ invoiceId: Id, creditNoteId: Id, amount: Money, reason: Type.String() }),
};

const payment = {
  'payment.authorized': data({
    paymentId: Id,
    amount: Money,
    method: PaymentMethod,
    reference: Nullable(Type.String()),
  }),
  'payment.captured': data({ paymentId: Id, amount: Money }),
  'payment.failed': data({ paymentId: Id, reason: Type.String() }),
  'payment.refunded': data({
    paymentId: Id,
    refundId: Id,
    amount: Money,
    totalRefunded: Money,
    reason: Nullable(Type.String()),
  }),
  'payment.applied': data({ paymentId: Id, invoiceId: Id, amount: Money }),
};

export const EVENT_DATA_SCHEMAS = { ...customer, ...order, ...subscription, ...usage, ...invoice, ...payment };

const SUBJECT_FIELD: Record<string, string> = {
  customer: 'customerId',
  order: 'orderId',
  subscription: 'subscriptionId',
  usage: 'recordId',
  invoice: 'invoiceId',
  payment: 'paymentId',
};

export const EVENT_CATALOG: readonly CatalogEntry[] = Object.entries(EVENT_DATA_SCHEMAS).map(([type, schema]) => ({
  type,
  subject: SUBJECT_FIELD[type.split('.')[0] ?? ''] ?? 'customerId',
  data: schema as TSchema,
}));

type Schemas = typeof EVENT_DATA_SCHEMAS;
type DataOf<T extends DomainEventType> = Extract<DomainEvent, { type: T }>['data'];
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
type Mismatched = {
  [T in DomainEventType]: Same<Static<Schemas[T]>, DataOf<T>> extends true ? never : T;
}[DomainEventType];
type Missing = Exclude<DomainEventType, keyof Schemas>;
const catalogMatchesDomain: [Mismatched | Missing] extends [never] ? true : Mismatched | Missing = true;
void catalogMatchesDomain;

// Audit events: on their own topic, never folded into state.
const ApiKeyAudit = {
  keyId: Type.String({ minLength: 1 }),
  name: Type.String(),
  role: Type.Union([Type.Literal('viewer'), Type.Literal('operator'), Type.Literal('admin')]),
  /** `key:<keyId>`, `jwt:<subject>` or `cli:<user>@<host>`. */
  actor: Type.String({ minLength: 1 }),
  at: DateTime,
};
/** The data never holds the key or its hash. */
export const AUDIT_EVENT_SCHEMAS = {
  'apikey.created': Type.Object(ApiKeyAudit, { additionalProperties: false }),
  'apikey.revoked': Type.Object(ApiKeyAudit, { additionalProperties: false }),
};
export type AuditEventType = keyof typeof AUDIT_EVENT_SCHEMAS;
export type AuditEventData = Static<(typeof AUDIT_EVENT_SCHEMAS)['apikey.created']>;
/** Every other admin action; the replay tools fold bss.events and never read the audit topic. */
export const AdminActionAudit = Type.Object(
  {
    /** As above, plus `anonymous` for a refused caller and `ip:<address>` for a failed sign-in. */
    actor: Type.String({ minLength: 1 }),
    role: Type.Union([Type.Literal('viewer'), Type.Literal('operator'), Type.Literal('admin'), Type.Null()]),
    action: Type.String({ minLength: 1 }),
    target: Type.Union([Type.String(), Type.Null()]),
    parameters: Type.Record(Type.String(), Type.Unknown()),
    outcome: Type.Union([Type.Literal('SUCCEEDED'), Type.Literal('FAILED'), Type.Literal('REFUSED')]),
    status: Type.Union([Type.Integer(), Type.Null()]),
    at: DateTime,
  },
  { additionalProperties: false },
);
export type AdminActionData = Static<typeof AdminActionAudit>;
export const AUDIT_TOPIC = 'bss.audit';
