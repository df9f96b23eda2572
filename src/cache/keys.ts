// The one place that names cache keys (`<family>:<id>`) and tags, so every writer hits the readers' names.
export type CacheFamily = 'customer' | 'order' | 'subscription' | 'usage' | 'invoice' | 'payment' | 'balance';

export const CACHE_FAMILIES: readonly CacheFamily[] = [
  'customer',
  'order',
  'subscription',
  'usage',
  'invoice',
  'payment',
  'balance',
];

export const FAMILY_OF_TABLE: Readonly<Record<string, CacheFamily>> = {
  customers: 'customer',
  orders: 'order',
  subscriptions: 'subscription',
  usage_records: 'usage',
  invoices: 'invoice',
  payments: 'payment',
  balances: 'balance',
};

/** A balance's id is its customer's id. */
export const entityKey = (family: CacheFamily, id: string): string => `${family}:${id}`;

/** Bumped when a write's ids are unknown (table-wide NOTIFY, TRUNCATE). */
export const familyTag = (family: CacheFamily): string => `${family}:all`;

export const familyListsTag = (family: CacheFamily): string => `${family}:lists`;

export const customerListsTag = (customerId: string): string => `customer:${customerId}:lists`;

export interface EntrySpec {
  readonly key: string;
  readonly tags: readonly string[];
}

export function entityEntry(family: CacheFamily, id: string): EntrySpec {
  return { key: entityKey(family, id), tags: [familyTag(family)] };
}

/** `query`: the canonical filter + cursor + limit; with a customerId only that customer's writes invalidate it. */
export function listEntry(family: CacheFamily, query: string, customerId?: string): EntrySpec {
  return customerId === undefined
    ? { key: `${family}:list:${query}`, tags: [familyListsTag(family), familyTag(family)] }
    : {
        key: `${family}:list:c=${customerId}:${query}`,
        tags: [customerListsTag(customerId), familyTag(family)],
      };
}

export function familyOfKey(key: string): string {
  const colon = key.indexOf(':');
  return colon < 0 ? key : key.slice(0, colon);
}

/** Usage is read only in lists, and a key per CDR costs the write path. */
const LISTED_ONLY: ReadonlySet<CacheFamily> = new Set<CacheFamily>(['usage']);

export const cachedById = (family: CacheFamily): boolean => !LISTED_ONLY.has(family);

export function rowInvalidation(family: CacheFamily, id: string, customerId: string | undefined) {
  const tags = [familyListsTag(family)];
  if (customerId !== undefined) tags.push(customerListsTag(customerId));
  return { keys: cachedById(family) ? [entityKey(family, id)] : [], tags };
}

export function idOfEntityKey(key: string): string | undefined {
  const rest = key.slice(familyOfKey(key).length + 1);
  return rest === '' || rest.startsWith('list:') ? undefined : rest;
}
