import type { GetOptions, Loader } from './cache.ts';
import type { CacheCore } from './core.ts';
import { familyOfKey } from './keys.ts';
import type { L1Entry } from './l1.ts';
import type { L2Read } from './redis-l2.ts';
import { xfetchShouldRecompute } from './xfetch.ts';

type Generations = ReadonlyArray<string | null>;

const sameList = (a: ReadonlyArray<string | null>, b: ReadonlyArray<string | null>) =>
  a.length === b.length && a.every((x, i) => x === b[i]);

const current = (read: L2Read, tags: readonly string[]) =>
  read.entry && sameList(read.entry.t, tags) && sameList(read.entry.g, read.gens) ? read.entry : undefined;

export async function readThrough<T>(core: CacheCore, key: string, loader: Loader<T>, options: GetOptions): Promise<T> {
  const { l1, rec, flights } = core;
  const family = familyOfKey(key);
  const tags = options.tags ?? [];
  const hit = l1.get(key, tags);
  const t = core.now();
  if (hit && t < hit.expiry) {
    rec.request(family, 'l1', 'hit');
    if (
      !core.closed &&
      !flights.has(key) &&
      xfetchShouldRecompute(t, hit.expiry, hit.deltaMs, core.beta, core.random)
    ) {
      core.track(flights.run(key, tags, () => fetch(core, key, loader, options, hit, true)));
    }
    return hit.value as T;
  }
  rec.request(family, 'l1', 'miss');
  return flights.run(key, tags, () => fetch(core, key, loader, options, hit, false));
}

async function fetch<T>(
  core: CacheCore,
  key: string,
  loader: Loader<T>,
  options: GetOptions,
  stale: L1Entry | undefined,
  early: boolean,
): Promise<T> {
  const { l1, l2, rec } = core;
  const family = familyOfKey(key);
  const tags = options.tags ?? [];
  const tick = l1.tick();
  // Servable while another instance recomputes: L1's value (early refresh only) or a still-current L2 entry.
  let staleValue = early && stale ? { value: stale.value } : undefined;
  if (!l2) return load(core, key, loader, options, tick);
  if (!l2.isReady) {
    rec.error('read');
    return load(core, key, loader, options, tick);
  }
  let gens: Generations;
  try {
    const read = await l2.read(key, tags);
    gens = read.gens;
    const e = current(read, tags);
    if (e) {
      // An early refresh takes L2's value only if another instance already refreshed it.
      if (core.now() < e.e && !(early && stale && e.e <= stale.expiry)) {
        rec.request(family, 'l2', 'hit');
        l1.set(key, { value: e.v, deltaMs: e.d, expiry: e.e, tags, tick });
        return e.v as T;
      }
      staleValue = { value: e.v };
    } else if (read.entry) {
      staleValue = undefined; // invalidated in Redis, perhaps not yet here
    }
  } catch {
    rec.error('read');
    return load(core, key, loader, options, tick);
  }
  rec.request(family, 'l2', 'miss');
  // Our own lease (held or asked for) is a load this process started before an invalidation forgot it: its
  // value is stale.
  if (core.leasesHeld.has(key)) return load(core, key, loader, options, tick, gens);
  const leased = await tryLease(core, key);
  if (!leased) {
    if (staleValue) return staleValue.value as T;
    const other = await waitForOther(core, key, tags, tick);
    if ('value' in other) return other.value as T;
    return load(core, key, loader, options, tick, gens, other.leased);
  }
  return load(core, key, loader, options, tick, gens, leased);
}

/** Counted from the moment it is asked for: a load started while the answer is on its way is not made to wait. */
async function tryLease(core: CacheCore, key: string): Promise<boolean> {
  core.leasesHeld.add(key);
  const leased = await core.safely('lease', true, (r) => r.acquireLease(key, core.leaseMs));
  if (!leased) core.leasesHeld.drop(key);
  return leased;
}

function releaseLease(core: CacheCore, key: string): Promise<void> {
  core.leasesHeld.drop(key);
  return core.safely('lease', undefined, (r) => r.releaseLease(key));
}

async function load<T>(
  core: CacheCore,
  key: string,
  loader: Loader<T>,
  options: GetOptions,
  tick: number,
  gens?: Generations,
  leased = false,
): Promise<T> {
  const started = core.now();
  let value: T;
  try {
    value = await loader();
  } catch (error) {
    if (leased) await releaseLease(core, key);
    throw error;
  }
  const finished = core.now();
  core.rec.load(familyOfKey(key));
  const tags = options.tags ?? [];
  const entry: L1Entry = { value, deltaMs: finished - started, expiry: finished + options.ttlMs, tags, tick };
  core.l1.set(key, entry);
  if (gens) {
    // Generations read before loading: an invalidation during the load makes this entry a miss.
    const stored = { v: value, d: entry.deltaMs, e: entry.expiry, t: tags, g: gens };
    // Issued in the same tick, node-redis pipelines the two: one round trip.
    await Promise.all([
      core.safely('write', undefined, (r) => r.write(key, stored, options.ttlMs + core.staleMs)),
      leased ? releaseLease(core, key) : undefined,
    ]);
  }
  return value;
}

/** The holder's value once it is in L2, or the lease once the holder let it go without a current value
 * (its load met an invalidation): waiting out `waitMs` then would serve nobody. */
async function waitForOther(
  core: CacheCore,
  key: string,
  tags: readonly string[],
  tick: number,
): Promise<{ value: unknown } | { leased: boolean }> {
  const { now, l2 } = core;
  const deadline = now() + core.waitMs;
  while (now() < deadline && l2?.isReady) {
    await new Promise((resolve) => setTimeout(resolve, core.pollMs));
    const read = await core.safely('read', undefined, (r) => r.read(key, tags));
    if (!read) return { leased: false };
    const e = current(read, tags);
    if (e && now() < e.e) {
      core.l1.set(key, { value: e.v, deltaMs: e.d, expiry: e.e, tags, tick });
      return { value: e.v };
    }
    if (await tryLease(core, key)) return { leased: true };
  }
  return { leased: false };
}
