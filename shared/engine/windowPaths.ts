import type { AccessEvent } from '../normalize/types.ts';

/**
 * The distinct (domain, method, path) of one window's events, numbered in order of first appearance, and each
 * event's number. A window repeats about two thirds of its paths, and discovery, defects and scoring all work
 * per path: with the numbers each keeps what it worked out for a path in an array, instead of each hashing
 * every event's path into maps of its own.
 *
 * @example
 * const paths = indexPaths(events);
 * const perPath = new Array(paths.size);
 * for (let i = 0; i < events.length; i++) perPath[paths.slotOf[i]] ??= work(events[i]);
 */
export interface WindowPaths {
  /** How many distinct (domain, method, path) the window holds. */
  readonly size: number;
  /** Per event, the number of its (domain, method, path): 0 .. size - 1. */
  readonly slotOf: Int32Array;
  /** Per number, the index of the first event with it. */
  readonly firstEvent: Int32Array;
}

export function indexPaths(events: readonly AccessEvent[]): WindowPaths {
  const n = events.length;
  const slotOf = new Int32Array(n);
  const firstEvent = new Int32Array(n);
  const domains = new Map<string, Map<string, Map<string, number>>>();
  let size = 0;
  // Consecutive events mostly share a domain and often a method: those are compared before any look-up.
  let lastDomain: string | null = null, lastMethod: string | null = null;
  let methods: Map<string, Map<string, number>> | undefined;
  let paths: Map<string, number> | undefined;
  for (let i = 0; i < n; i++) {
    const e = events[i];
    if (e.domainName !== lastDomain) {
      lastDomain = e.domainName; lastMethod = null;
      methods = domains.get(lastDomain);
      if (methods === undefined) domains.set(lastDomain, (methods = new Map()));
    }
    if (e.method !== lastMethod) {
      lastMethod = e.method;
      paths = methods!.get(lastMethod);
      if (paths === undefined) methods!.set(lastMethod, (paths = new Map()));
    }
    let s = paths!.get(e.path);
    if (s === undefined) { s = size++; paths!.set(e.path, s); firstEvent[s] = i; }
    slotOf[i] = s;
  }
  return { size, slotOf, firstEvent: firstEvent.subarray(0, size) };
}

/** The window's path numbers from the context when the pipeline made them, else made here. */
export function windowPathsOf(events: readonly AccessEvent[], given: WindowPaths | undefined): WindowPaths {
  return given !== undefined && given.slotOf.length === events.length ? given : indexPaths(events);
}
