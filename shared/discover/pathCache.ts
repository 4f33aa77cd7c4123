/**
 * A domain's memo of (method, path) -> resolution, every path resolved since the last inference. Within a
 * window each distinct path is looked up once (see indexPaths), so one level is enough: a small per-window
 * level in front of it only paid off while every stage looked every request's path up again.
 *
 * @example
 * const cache = new PathCache<string>(200_000);
 * cache.set('GET', '/users/42', '/users/{user_id}');
 * cache.get('GET', '/users/42') // '/users/{user_id}'
 */
export class PathCache<T> {
  private all = new Map<string, Map<string, T>>();
  private size = 0;

  /** `max`: entries kept before everything is dropped (then {@link set} returns true). */
  constructor(private readonly max: number) {}

  get(method: string, path: string): T | undefined {
    return this.all.get(method)?.get(path);
  }

  /** Stores a resolution; returns true when the memo was full and had to be dropped first. */
  set(method: string, path: string, v: T): boolean {
    const dropped = this.size >= this.max;
    if (dropped) this.clear();
    let byPath = this.all.get(method);
    if (byPath === undefined) this.all.set(method, (byPath = new Map()));
    byPath.set(path, v);
    this.size++;
    return dropped;
  }

  clear(): void {
    this.all.clear();
    this.size = 0;
  }
}
