import { codeOfDigest, digestOfCode, ringAdd } from './state.ts';

/** The ring's keys in ring order, as a set too when keys are strings, and what the ring looked like when last seen. */
interface Entry<K> { keys: K[]; set: Set<K> | null; lookup: { has(k: K): boolean }; last: string | undefined; used: number }

/** Membership by scanning the keys (in place: sees the list's later changes). */
class KeyScan<K> {
  constructor(private readonly keys: K[]) {}
  has(k: K): boolean { return this.keys.includes(k); }
}

/**
 * Membership beside profile rings (`Profile.ids`, `Profile.ips`: plain string arrays, what state persists).
 * Asking "was this id used before?" of a 64-entry array of strings reads every string, and so does building
 * a Set from it; the keys are therefore kept from one window to the next for the rings of recently active actors, and
 * updated by `addAll` together with the ring. A ring changed behind the index's back (state reloaded, a
 * profile replaced) is another array or has another size or last value, and gets fresh keys.
 *
 * Keys are `keyOf(value)`: id digests are keyed by their 32-bit code, and a scan of 64 small integers (a few
 * cache lines) is as fast as a Set look-up and needs no Set; string keys (addresses) get a Set as well.
 * A ring with a value that has no key, or with a value twice (neither is ever written by this code), keeps
 * plain array semantics.
 * @example
 * const ids = new RingIndex(codeOfDigest, digestOfCode, false);
 * ids.addAll(p.ids, [idCode('42')], RING_IDS); // ringAdd of idDigest('42'), with the keys kept in step
 * ids.setOf(p.ids).has(idCode('42'));          // true, without reading the ring's strings
 * ids.endWindow();                             // forget rings no actor used this window
 */
export class RingIndex<K> {
  private readonly entries = new Map<string[], Entry<K> | null>();
  private window = 0;

  constructor(private readonly keyOf: (v: string) => K | null, private readonly valueOf: (k: K) => string, private readonly hashed: boolean) {}

  /**
   * Membership of the ring's values, by key. Always the same kind of object for one index (a Set, or a scan of
   * the keys), also for an empty ring: the callers' look-ups stay monomorphic.
   */
  setOf(ring: string[]): { has(k: K): boolean } {
    const e = ring.length === 0 ? null : this.entry(ring);
    if (e !== null) return e.lookup;
    const keys: K[] = [];
    if (ring.length > 0) for (const v of new Set(ring)) { const k = this.keyOf(v); if (k !== null) keys.push(k); }
    return this.hashed ? new Set(keys) : new KeyScan(keys);
  }

  /** `ringAdd` of the value of each key after the first `skip` (push if absent, drop the oldest past `cap`). */
  addAll(ring: string[], keys: ReadonlySet<K> | readonly K[], cap: number, skip = 0): void {
    const e = this.entry(ring);
    // forEach: the same loop over a Set or an array, with no iterator result per key.
    keys.forEach((k: K) => {
      if (skip > 0) { skip--; return; }
      if (e === null) { ringAdd(ring, this.valueOf(k), cap); return; }
      if (e.set === null ? e.keys.includes(k) : e.set.has(k)) return;
      const v = this.valueOf(k);
      ring.push(v); e.keys.push(k); e.set?.add(k);
      if (ring.length > cap) { ring.shift(); const old = e.keys.shift()!; e.set?.delete(old); }
      e.last = v;
    });
  }

  /** Drops the keys of rings not used in the last `KEEP_WINDOWS` windows: memory stays bounded by the last hour's actors. */
  endWindow(): void {
    for (const [ring, e] of this.entries) if (e === null || this.window - e.used >= KEEP_WINDOWS) this.entries.delete(ring);
    this.window++;
  }

  /** The ring's entry (fresh when the ring changed behind our back), or null when it keeps array semantics. */
  private entry(ring: string[]): Entry<K> | null {
    let e = this.entries.get(ring);
    if (e === null) return null;
    if (e === undefined || e.keys.length !== ring.length || e.last !== ring[ring.length - 1]) {
      e = this.build(ring);
      this.entries.set(ring, e);
      if (e === null) return null;
    }
    e.used = this.window;
    return e;
  }

  private build(ring: string[]): Entry<K> | null {
    const keys: K[] = [];
    for (const v of ring) {
      const k = this.keyOf(v);
      if (k === null) return null;
      keys.push(k);
    }
    const set = new Set(keys);
    if (set.size !== ring.length) return null;
    return this.hashed
      ? { keys, set, lookup: set, last: ring[ring.length - 1], used: this.window }
      : { keys, set: null, lookup: new KeyScan(keys), last: ring[ring.length - 1], used: this.window };
  }
}

/** Callers that come back within the hour (5-minute windows) find their keys ready. */
const KEEP_WINDOWS = 12;

/** The rings buildWindow reads and observe updates: id digests (keyed by code) and IP addresses. */
export interface ProfileRings {
  ids: RingIndex<number>;
  ips: RingIndex<string>;
}

export function newProfileRings(): ProfileRings {
  return { ids: new RingIndex(codeOfDigest, digestOfCode, false), ips: new RingIndex((v) => v, (v) => v, true) };
}
