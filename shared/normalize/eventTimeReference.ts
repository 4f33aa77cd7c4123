import { DEFAULT_MAX_FUTURE_MS, parseClfTime } from './normalizeRecord.ts';

const EPOCH_KEY = '"requestTimeEpoch":';
const CLF_KEY = '"requestTime":"';

/**
 * The event time a raw access-log line states (recommended keys: `requestTimeEpoch`, else the CLF
 * `requestTime`), read without parsing the line; NaN when it states none. Seconds become milliseconds, as in
 * normalizeRecord.
 */
export function peekEventTime(line: string): number {
  let i = line.indexOf(EPOCH_KEY);
  if (i >= 0) {
    i += EPOCH_KEY.length;
    while (line.charCodeAt(i) === 32) i++;
    if (line.charCodeAt(i) === 34) i++;
    let e = i;
    while (e < line.length && e - i < 20) { const c = line.charCodeAt(e); if ((c >= 48 && c <= 57) || c === 46) e++; else break; }
    const n = e > i ? Number(line.slice(i, e)) : NaN;
    if (n > 0) return n < 1e11 ? n * 1000 : n;
  }
  const c = line.indexOf(CLF_KEY);
  if (c < 0) return NaN;
  const end = line.indexOf('"', c + CLF_KEY.length);
  return end < 0 ? NaN : parseClfTime(line.slice(c + CLF_KEY.length, end));
}

/** Lines on each side of a line that its reference is the median of. */
const HALF_WINDOW = 50;
/** Items held back at most, waiting for their look-ahead. */
const MAX_WAITING = 4096;
/** Hampel's multiple of the scaled median absolute deviation beyond which a time is an outlier. */
const HAMPEL_K = 3;
const MAD_SCALE = 1.4826;

export interface Referenced<T> {
  item: T;
  /** The item's own time when it agrees with its neighbours, else their median; NaN when nothing had a time. */
  refTs: number;
}

/** Inserts into / removes from an ascending array. */
function insertSorted(a: number[], v: number): void {
  let lo = 0, hi = a.length;
  while (lo < hi) { const mid = (lo + hi) >> 1; if (a[mid] < v) lo = mid + 1; else hi = mid; }
  a.splice(lo, 0, v);
}
function removeSorted(a: number[], v: number): void {
  let lo = 0, hi = a.length;
  while (lo < hi) { const mid = (lo + hi) >> 1; if (a[mid] < v) lo = mid + 1; else hi = mid; }
  a.splice(lo, 1);
}
const medianOf = (a: readonly number[]): number => {
  const n = a.length;
  return n % 2 ? a[(n - 1) >> 1] : (a[n / 2 - 1] + a[n / 2]) / 2;
};

/**
 * A robust reference time for each line of a file, which has no stream arrival time to bound event time by.
 * A line is out of place only when it disagrees with the lines before it and with the lines after it (up to
 * 50 on each side): its time is further from each side's median than 5 minutes and three scaled median
 * absolute deviations of that side (Hampel's test, per side, so sorted input is its own reference at any rate
 * and a shuffled file, with its wide spread, keeps its lines). Traffic that resumes after a quiet night agrees
 * with what follows it, so it stays; one or a few far-off lines in the middle disagree with both sides and get
 * the median of their predecessors as their reference instead, which the normalizer then rejects as
 * `timestamp_out_of_range`. A side without lines (the ends of a file) says nothing; a time in the future of the
 * clock of the machine reading the file is out of place wherever it is. Items without a time keep their place
 * and take the reference of the next line that has one.
 *
 * @example
 * const ref = new EventTimeReference<Line>();
 * for (const l of lines) for (const r of ref.push(l, peekEventTime(l.text))) use(r);
 * for (const r of ref.flush()) use(r);
 */
export class EventTimeReference<T> {
  /** Items not yet given a reference, in input order, with their times (NaN: none). */
  private queue: Array<{ item: T; t: number }> = [];
  /** Times of the timed items in input order, from index `base` on (older ones have left every window). */
  private times: number[] = [];
  private base = 0;
  /** Timed items seen, and the index (among them) of the next one to be referenced. */
  private seen = 0;
  private centre = 0;
  /** Times of the timed items centre-50 .. centre-1 and centre+1 .. centre+50 (those seen so far), ascending. */
  private before: number[] = [];
  private after: number[] = [];
  private lastMedian = NaN;

  constructor(private readonly minToleranceMs = DEFAULT_MAX_FUTURE_MS, private readonly now: () => number = Date.now) {}

  push(item: T, t: number): Array<Referenced<T>> {
    this.queue.push({ item, t });
    if (!Number.isFinite(t)) return this.queue.length > MAX_WAITING ? this.release() : [];
    const i = this.seen++;
    this.times.push(t);
    if (i > this.centre && i <= this.centre + HALF_WINDOW) insertSorted(this.after, t);
    return i >= this.centre + HALF_WINDOW ? this.emitNext() : [];
  }

  /**
   * Too many items waiting (a long stretch of lines without a time, such as another log format): the oldest
   * go now, with the window as it is, so that memory stays bounded whatever the input.
   */
  private release(): Array<Referenced<T>> {
    const out: Array<Referenced<T>> = [];
    while (this.queue.length > MAX_WAITING / 2) {
      if (this.centre < this.seen) out.push(...this.emitNext());
      else out.push({ item: this.queue.shift()!.item, refTs: this.lastMedian });
    }
    return out;
  }

  /** End of input: references for every item still waiting (their look-ahead is what there is). */
  flush(): Array<Referenced<T>> {
    const out: Array<Referenced<T>> = [];
    while (this.centre < this.seen) out.push(...this.emitNext());
    for (const q of this.queue) out.push({ item: q.item, refTs: this.lastMedian });
    this.queue = [];
    return out;
  }

  /** True when `t` disagrees with the side's times (none: no disagreement). */
  private disagrees(t: number, side: readonly number[]): boolean {
    if (side.length === 0) return false;
    const med = medianOf(side);
    const off = Math.abs(t - med);
    if (off <= this.minToleranceMs) return false;
    const mad = medianOf(side.map((x) => Math.abs(x - med)).sort((a, b) => a - b));
    return off > HAMPEL_K * MAD_SCALE * mad;
  }

  /** References the next timed item (and the untimed items before it), then slides the window by one. */
  private emitNext(): Array<Referenced<T>> {
    const t = this.times[this.centre - this.base];
    const neighbours = this.before.length ? this.before : this.after;
    const med = neighbours.length ? medianOf(neighbours) : t;
    let ref = t;
    const future = t > this.now() + this.minToleranceMs;
    if (future || (this.disagrees(t, this.before) && this.disagrees(t, this.after))) ref = future && !(med < t) ? this.now() : med;
    this.lastMedian = ref;
    const out: Array<Referenced<T>> = [];
    for (;;) {
      const q = this.queue.shift()!;
      const timed = Number.isFinite(q.t);
      out.push({ item: q.item, refTs: timed ? ref : med });
      if (timed) break;
    }
    // Slide: the centre joins the line before the next one (its own time: a rejected line's time is no reference).
    if (ref === t) insertSorted(this.before, t);
    else insertSorted(this.before, ref);
    this.centre++;
    const leave = this.centre - HALF_WINDOW - 1;
    if (leave >= 0) removeSorted(this.before, this.refAt(leave));
    if (this.centre < this.seen) removeSorted(this.after, this.times[this.centre - this.base]);
    const enter = this.centre + HALF_WINDOW;
    if (enter < this.seen) insertSorted(this.after, this.times[enter - this.base]);
    this.refs.push(ref);
    if (leave - this.base > 4096) { this.times = this.times.slice(leave + 1 - this.base); this.refs = this.refs.slice(leave + 1 - this.base); this.base = leave + 1; }
    return out;
  }

  /** The reference each referenced item got (what `before` holds), by its index among timed items. */
  private refs: number[] = [];
  private refAt(i: number): number {
    return this.refs[i - this.base];
  }
}
