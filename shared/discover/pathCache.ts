/**
 * A domain's memo of (method, path) -> resolution, in two levels: every path resolved since the last inference
 * (large, so each look-up misses the CPU caches) and, in front of it, the paths of the current window (small and
 * hot). About half of a window's requests repeat one of its paths, and the defects and scoring analyses then
 * look the same paths up again: most look-ups stay in the small level.
 *
 * @example
 * const cache = new PathCache<string>(200_000);
 * cache.set('GET', '/users/42', '/users/{user_id}');
 * cache.startWindow();
 * cache.get('GET', '/users/42') // '/users/{user_id}'
 */
export class PathCache<T> {
  private all = new Map<string, Map<string, T>>();
  private size = 0;
  private recent = new Map<string, Map<string, T>>();
  private recentSize = 0;

  /** `max`: entries kept before everything is dropped (then {@link set} returns true). */
  constructor(private readonly max: number) {}

  get(method: string, path: string): T | undefined {
    let window = this.recent.get(method);
    if (window === undefined) this.recent.set(method, (window = new Map()));
    let v = window.get(path);
    if (v === undefined) {
      v = this.all.get(method)?.get(path);
      if (v !== undefined) this.remember(method, window, path, v);
    }
    return v;
  }

  /** Stores a resolution; returns true when the memo was full and had to be dropped first. */
  set(method: string, path: string, v: T): boolean {
    const dropped = this.size >= this.max;
    if (dropped) this.clear();
    let byPath = this.all.get(method);
    if (byPath === undefined) this.all.set(method, (byPath = new Map()));
    byPath.set(path, v);
    this.size++;
    let window = this.recent.get(method);
    if (window === undefined) this.recent.set(method, (window = new Map()));
    this.remember(method, window, path, v);
    return dropped;
  }

  clear(): void {
    this.all.clear();
    this.size = 0;
    this.startWindow();
  }

  /** A new window: the small level starts empty (its entries stay in the large one). */
  startWindow(): void {
    this.recent.clear();
    this.recentSize = 0;
  }

  private remember(method: string, window: Map<string, T>, path: string, v: T): void {
    if (this.recentSize >= this.max) {
      // A window with more distinct paths than the bound: start the small level over.
      this.startWindow();
      window.clear();
      this.recent.set(method, window);
    }
    window.set(path, v);
    this.recentSize++;
  }
}
