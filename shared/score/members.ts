/**
 * A set of objects that keeps its first two members in fields: an id value is typically met by one or two
 * actors (the caller's IP and account) in a window, and two identity compares beat hashing and a Set per
 * actor. A popular id (one config object every client fetches) spills into a Set, so marking stays O(1).
 * @example
 * const m = new Members<object>();
 * m.add(actor); // true: first time
 * m.add(actor); // false
 */
export class Members<T> {
  private a: T | null = null;
  private b: T | null = null;
  private more: Set<T> | null = null;

  has(x: T): boolean {
    return x === this.a || x === this.b || (this.more !== null && this.more.has(x));
  }

  /** Adds `x`; true when it was not a member yet. */
  add(x: T): boolean {
    if (this.has(x)) return false;
    if (this.a === null) this.a = x;
    else if (this.b === null) this.b = x;
    else (this.more ??= new Set()).add(x);
    return true;
  }
}
