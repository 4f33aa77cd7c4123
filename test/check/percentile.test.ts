import { describe, expect, it } from 'vitest';
import { percentile } from '../../shared/check/util.ts';

/** Nearest rank over a full sort: what percentile must answer, however it gets there. */
const reference = (values: number[], p: number): number => {
  if (values.length === 0) return 0;
  const s = [...values].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))];
};

describe('percentile', () => {
  it('answers the nearest-rank value for small and large samples, with ties and negatives', () => {
    let x = 11;
    const rnd = () => (x = (x * 1103515245 + 12345) % 2147483648) / 2147483648;
    for (let k = 0; k < 400; k++) {
      const n = k % 5 === 0 ? 33 + Math.floor(rnd() * 3000) : Math.floor(rnd() * 40);
      const spread = [3, 50, 1e6][k % 3];
      const values = Array.from({ length: n }, () => Math.floor(rnd() * spread) - (k % 2 ? spread / 4 : 0));
      for (const p of [0, 1, 25, 50, 90, 95, 99, 100]) expect(percentile(values, p)).toBe(reference(values, p));
    }
  });

  it('leaves its input as it was and answers 0 for no values', () => {
    const values = [5, 1, 4, ...Array.from({ length: 40 }, (_, i) => 40 - i)];
    const copy = [...values];
    expect(percentile(values, 50)).toBe(reference(copy, 50));
    expect(values).toEqual(copy);
    expect(percentile([], 50)).toBe(0);
  });
});
