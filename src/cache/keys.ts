// The one place that names cache keys and tags. A key is `<family>:<id>` (family = the metrics label
// `cache`); tags group entries so one write can invalidate many without pattern deletes. Readers
// build their entries with these helpers so writers (write path, NOTIFY, events) hit the same names.
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

/** Read-model table → family (NOTIFY payloads name tables). */
export const FAMILY_OF_TABLE: Readonly<Record<string, CacheFamily>> = {
  customers: 'customer',
  orders: 'order',
  subscriptions: 'subscription',
  usage_records: 'usage',
  invoices: 'invoice',
  payments: 'payment',
  balances: 'balance',
};

/** One entity by id; a balance's id is its customer's id. */
export const entityKey = (family: CacheFamily, id: string): string => `${family}:${id}`;

/** Every entry of a family: bumped when a write's ids are unknown (table-wide NOTIFY, TRUNCATE). */
export const familyTag = (family: CacheFamily): string => `${family}:all`;

/** Lists of a family across customers (by status, global pages). Any write to the family bumps it. */
export const familyListsTag = (family: CacheFamily): string => `${family}:lists`;

/** Every list scoped to one customer (their orders, invoices, usage...). */
export const customerListsTag = (customerId: string): string => `customer:${customerId}:lists`;

export interface EntrySpec {
  readonly key: string;
  readonly tags: readonly string[];
}

/** The cache entry of one entity. */
export function entityEntry(family: CacheFamily, id: string): EntrySpec {
  return { key: entityKey(family, id), tags: [familyTag(family)] };
}

/**
 * A list page. `query` is the caller's canonical encoding of filter + cursor + limit (e.g. a
 * URLSearchParams string with sorted keys); with a customerId the page is invalidated by any write to
 * that customer, without one by any write to the family.
 */
export function listEntry(family: CacheFamily, query: string, customerId?: string): EntrySpec {
  return customerId === undefined
    ? { key: `${family}:list:${query}`, tags: [familyListsTag(family), familyTag(family)] }
    : {
        key: `${family}:list:c=${customerId}:${query}`,
        tags: [customerListsTag(customerId), familyTag(family)],
      };
}

/** The metrics label of a key: its family (text before the first colon). */
export function familyOfKey(key: string): string {
  const colon = key.indexOf(':');
  return colon < 0 ? key : key.slice(0, colon);
}

/** Families never cached by id: usage records are read only in lists, and a key per CDR costs the write path. */
const LISTED_ONLY: ReadonlySet<CacheFamily> = new Set<CacheFamily>(['usage']);

/** Whether entries of a family are cached by id (entityEntry); reads of the others go to the database. */
export const cachedById = (family: CacheFamily): boolean => !LISTED_ONLY.has(family);

/** What one changed row invalidates: its entity (if cached by id), its customer's lists and the family's lists. */
export function rowInvalidation(family: CacheFamily, id: string, customerId: string | undefined) {
  const tags = [familyListsTag(family)];
  if (customerId !== undefined) tags.push(customerListsTag(customerId));
  return { keys: cachedById(family) ? [entityKey(family, id)] : [], tags };
}

/** The id in an entity key (`customer:<id>` → `<id>`), for warming loaders; undefined for list keys. */
export function idOfEntityKey(key: string): string | undefined {
  const rest = key.slice(familyOfKey(key).length + 1);
  return rest === '' || rest.startsWith('list:') ? undefined : rest;
}
