/** Distinct values kept by default: a container's domains, stages, protocols, routes and user agents. */
export const DEFAULT_INTERNED_MAX = 20_000;

/**
 * Returns one string object per distinct content among the values it is given. A window holds thousands of
 * events whose domain, route template and user agent are a handful of values: held as one object each they
 * cost no memory per event (less for the garbage collector to copy while events wait for their window) and
 * later Map and Set look-ups on them compare by reference. Bounded: when full it starts over.
 *
 * `transform` (the masker's maskText) is applied once per distinct value, and its result is what comes back:
 * few-valued fields are then masked for the price of the look-up that interning pays anyway.
 *
 * @example
 * const intern = createInterner(10_000);
 * intern(JSON.parse(a).userAgent) === intern(JSON.parse(b).userAgent) // true when the contents are equal
 */
export function createInterner(max = DEFAULT_INTERNED_MAX, transform?: (s: string) => string): (s: string) => string {
  const seen = new Map<string, string>();
  return (s: string): string => {
    const hit = seen.get(s);
    if (hit !== undefined) return hit;
    if (seen.size >= max) seen.clear();
    const v = transform ? transform(s) : s;
    seen.set(s, v);
    return v;
  };
}
