import { describe, expect, it } from 'vitest';
import { EventTimeReference, peekEventTime } from '../../shared/normalize/eventTimeReference.ts';

const T0 = Date.UTC(2026, 10, 23, 0, 0, 0);
const MIN = 60_000;

/** References of a sequence of times (NaN: no time), in input order. */
function refs(times: number[]): number[] {
  const r = new EventTimeReference<number>();
  const out: Array<{ item: number; refTs: number }> = [];
  times.forEach((t, i) => out.push(...r.push(i, t)));
  out.push(...r.flush());
  expect(out.map((o) => o.item)).toEqual(times.map((_, i) => i)); // order kept
  return out.map((o) => o.refTs);
}

/** Seeded shuffle. */
function shuffled<T>(a: T[], seed = 7): T[] {
  const b = [...a];
  let x = seed;
  for (let i = b.length - 1; i > 0; i--) { x = (Math.imul(x, 1103515245) + 12345) >>> 0; const j = x % (i + 1); [b[i], b[j]] = [b[j], b[i]]; }
  return b;
}

describe('EventTimeReference', () => {
  it('is each line\'s own time for sorted input at any rate, to the last line', () => {
    for (const step of [1000, 20 * MIN, 3_600_000]) {
      const times = Array.from({ length: 300 }, (_, i) => T0 + i * step);
      expect(refs(times)).toEqual(times);
    }
  });

  it('gives far-off lines the median of their neighbours instead, whatever their number up to a few', () => {
    const times = Array.from({ length: 400 }, (_, i) => T0 + i * 1000);
    times[120] = Date.UTC(2099, 0, 1);
    times[121] = Date.UTC(2100, 0, 1);
    times[300] = T0 - 400 * 86_400_000;
    times[399] = Date.UTC(2099, 5, 1); // the last line: no look-ahead at all
    const r = refs(times);
    for (const i of [120, 121, 300, 399]) expect(Math.abs(r[i] - (T0 + i * 1000)), String(i)).toBeLessThan(60_000);
    for (let i = 0; i < times.length; i++) if (![120, 121, 300, 399].includes(i)) expect(r[i]).toBe(times[i]);
  });

  it('keeps every line of a shuffled day and of a file with a gap of days (their spread is wide)', () => {
    const day = shuffled(Array.from({ length: 2000 }, (_, i) => T0 + i * 43_000));
    expect(refs(day)).toEqual(day);
    const gap = [...Array.from({ length: 150 }, (_, i) => T0 + i * MIN), ...Array.from({ length: 150 }, (_, i) => T0 + 3 * 86_400_000 + i * MIN)];
    expect(refs(gap)).toEqual(gap);
  });

  it('keeps traffic that resumes after a quiet night, however few lines it has, and what follows a far-off line', () => {
    // Ten lines in the evening, four at three in the morning: the four agree with each other (what follows them).
    const night = [...Array.from({ length: 10 }, (_, i) => T0 + 22 * 3_600_000 + i * MIN), ...Array.from({ length: 4 }, (_, i) => T0 + 27 * 3_600_000 + i * MIN)];
    expect(refs(night)).toEqual(night);
    // A single line hours ahead of both its predecessors and its successors is out of place.
    const one = Array.from({ length: 40 }, (_, i) => T0 + i * MIN);
    one[20] = T0 + 9 * 3_600_000;
    const r = refs(one);
    expect(r[20]).not.toBe(one[20]);
    expect(Math.abs(r[20] - T0 - 20 * MIN)).toBeLessThan(15 * MIN);
  });

  it('takes no time from the future of the clock reading the file, even on its last line', () => {
    const now = T0 + 3_600_000;
    const r = new EventTimeReference<number>(undefined, () => now);
    const times = [T0, T0 + MIN, now + 86_400_000];
    const out = [...times.flatMap((t, i) => r.push(i, t)), ...r.flush()].map((o) => o.refTs);
    expect(out.slice(0, 2)).toEqual(times.slice(0, 2));
    expect(out[2]).toBeLessThanOrEqual(now);
  });

  it('gives lines without a time the reference of their neighbourhood, and NaN when nothing had one', () => {
    const r = refs([NaN, T0, T0 + 1000, NaN, T0 + 2000, NaN]);
    expect(r.map((x) => Number.isFinite(x))).toEqual([true, true, true, true, true, true]);
    expect(refs([NaN, NaN]).every(Number.isNaN)).toBe(true);
  });

  it('reads the event time of a raw line without parsing it, as normalizeRecord would', () => {
    expect(peekEventTime('{"requestId":"a","requestTimeEpoch":"1795428000123","x":1}')).toBe(1795428000123);
    expect(peekEventTime('{"requestTimeEpoch": 1795428000}')).toBe(1795428000000);
    expect(peekEventTime('{"requestTimeEpoch":"-","requestTime":"23/Nov/2026:10:00:00 +0000"}')).toBe(Date.UTC(2026, 10, 23, 10));
    expect(peekEventTime('GET / HTTP/1.1 200')).toBeNaN();
  });

  it('holds back a bounded number of lines, also when most have no time, and keeps their order', () => {
    const r = new EventTimeReference<number>();
    const items: number[] = [];
    for (let i = 0; i < 20_000; i++) {
      for (const x of r.push(i, i % 500 === 0 ? T0 + i : NaN)) items.push(x.item);
      expect(i + 1 - items.length).toBeLessThanOrEqual(4096);
    }
    for (const x of r.flush()) items.push(x.item);
    expect(items).toEqual(Array.from({ length: 20_000 }, (_, k) => k));
  });
});

