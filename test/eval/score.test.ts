import { describe, expect, it } from 'vitest';
import { addSummaries, scoreTemplates, type Prediction, type TruthPath } from '../../eval/broad/score.ts';

const D = 'api.example.net';
const truth = (path: string, template: string | null, extra: Partial<TruthPath> = {}): TruthPath => ({ api: 'a', domainName: D, method: 'GET', path, template, count: 1, ...extra });
const pred = (path: string, template: string): Prediction => ({ domainName: D, method: 'GET', path, template });

// Hand-made case: /u/{id} recovered; /o/{id} split in two; /x/a and /x/b (two literal routes) merged into one
// cluster; /n/{id} has one path without prediction (its own singleton, correct since it is alone); one
// prediction on a noise path and one on a path not in the truth.
const T: TruthPath[] = [
  truth('/u/1', '/u/{id}', { count: 3 }), truth('/u/2', '/u/{id}'),
  truth('/o/1', '/o/{id}'), truth('/o/a', '/o/{id}'),
  truth('/x/a', '/x/a', { count: 5 }), truth('/x/b', '/x/b'),
  truth('/n/7', '/n/{id}'),
  truth('/.env', null),
];
const P: Prediction[] = [
  pred('/u/1', '/u/{userId}'), pred('/u/2', '/u/{userId}'),
  pred('/o/1', '/o/{id}'), pred('/o/a', '/o/a'),
  pred('/x/a', '/x/{p}'), pred('/x/b', '/x/{p}'),
  pred('/.env', '/.env'), pred('/other', '/other'),
];

describe('broad evaluation scorer (score.mjs definitions)', () => {
  const { score } = scoreTemplates(T, P);

  it('counts clusters, correct clusters and recovered templates by hand', () => {
    // Clusters: /u/{userId} ok, /o/{id} (only /o/1) wrong, /o/a wrong, /x/{p} mixed, singleton /n/7 ok.
    expect(score.overall.predictedClusters).toBe(5);
    expect(score.overall.correctClusters).toBe(2);
    // Templates: /u ok, /o split, /x/a and /x/b merged, /n ok.
    expect(score.overall.trueTemplates).toBe(5);
    expect(score.overall.precision).toBe(0.4);
    expect(score.overall.recall).toBe(0.4);
    expect(score.overall.f1).toBe(0.4);
  });

  it('reports over- and under-merges and line-weighted recall', () => {
    expect(score.overall.overMerging).toEqual({ clusters: 1, templatesInvolved: 2, pathsInMixedClusters: 2 });
    expect(score.overall.underMerging).toEqual({ templates: 1, extraFragments: 1 });
    // Lines: /u 4, /o 2, /x/a 5, /x/b 1, /n 1 = 13; recovered /u and /n = 5.
    expect(score.overall.lineWeightedRecall).toBe(Number((5 / 13).toFixed(4)));
  });

  it('ignores predictions on noise paths and counts the unresolved ones', () => {
    expect(score.noisePathsExcluded).toBe(1);
    expect(score.predictionsOnNoisePaths).toBe(1);
    expect(score.predictionsUnresolved).toBe(1);
    expect(score.truthPathsWithoutPrediction).toBe(1);
  });

  it('rounds like score.mjs: F1 from precision and recall rounded to 4 places', () => {
    // 1 correct of 3 clusters, 1 recovered of 2 templates: P 0.3333, R 0.5, F1 from those = 0.4.
    const t = [truth('/a/1', '/a/{id}'), truth('/a/2', '/a/{id}'), truth('/b', '/b')];
    const s = scoreTemplates(t, [pred('/a/1', '/a/1'), pred('/a/2', '/a/2'), pred('/b', '/b')]).score.overall;
    expect([s.precision, s.recall]).toEqual([0.3333, 0.5]);
    expect(s.f1).toBe(Number(((2 * 0.3333 * 0.5) / 0.8333).toFixed(4)));
  });

  it('adds up APIs scored apart to what scoring them together gives', () => {
    const other = T.map((t) => ({ ...t, api: 'b', domainName: 'other.example.net', proxied: true }));
    const otherP = P.slice(0, 4).map((p) => ({ ...p, domainName: 'other.example.net' }));
    const together = scoreTemplates([...T, ...other], [...P, ...otherP]).score.overall;
    const apart = addSummaries([scoreTemplates(T, P).score.overall, scoreTemplates(other, otherP).score.overall]);
    expect(apart).toEqual(together);
  });

  it('scores the proxied templates apart', () => {
    const t = [truth('/p/1', '/p/{id}', { proxied: true }), truth('/p/2', '/p/{id}', { proxied: true }), truth('/r', '/r')];
    const s = scoreTemplates(t, [pred('/p/1', '/p/1'), pred('/p/2', '/p/2'), pred('/r', '/r')]).score;
    expect(s.proxiedApis.trueTemplates).toBe(1);
    expect(s.proxiedApis.f1).toBe(0);
    expect(s.nonProxiedApis.f1).toBe(1);
  });
});
