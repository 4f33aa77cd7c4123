import { describe, expect, it } from 'vitest';
import { expectationOf, loadFixtures, peerExpectationOf, runCase, type CaseResult, type PeerCase } from './peers/peerCase.ts';

/**
 * Path-templating test cases of other tools (test/discover/peers/*.json), run through apiscope's discovery.
 * Every case holds apiscope to its `apiscope` expectation; where that differs from the peer on purpose the case
 * says why (`differs`). The cases below are ones where apiscope is wrong today: they must keep failing until
 * discovery is fixed (then the entry goes, and the case passes like the others).
 */
const knownFailures: Record<string, string> = {
  'akto-dbsync-invalid-merge-parameterized-url':
    '/payment/history is folded into /payment/{} next to id1..id30: once a position holds word values, every non-recurring word becomes a parameter, even one whose shape differs from all its siblings (all `id<N>`).',
  'optic-structure-reduce-overlapping-constants':
    'the organisations are generalized but the repository names under them stay literal: the merged position (3 parents, 5 words, 6 edges) is below INFERENCE_TUNING.minEdgesMerged and wordsAreValues returns 0 for m >= 3.',
};

const fixtures = loadFixtures();
const cases: Array<[string, string, PeerCase]> = fixtures.flatMap((f) => f.cases.map((c): [string, string, PeerCase] => [f.tool, c.id, c]));

function actualOf(c: PeerCase): CaseResult {
  const r = runCase(c);
  return { templates: c.templates ? r.templates : [], resolved: r.resolved };
}

describe('peer templating cases', () => {
  it('fixtures name their source, licence and cases', () => {
    const ids = new Set<string>();
    for (const f of fixtures) {
      expect(f.repo, f.tool).toMatch(/^[\w.-]+\/[\w.-]+$/);
      expect(f.license.length, f.tool).toBeGreaterThan(2);
      expect(f.attribution, f.tool).toContain(f.repo);
      for (const c of f.cases) {
        expect(ids.has(c.id), `duplicate id ${c.id}`).toBe(false);
        ids.add(c.id);
        expect(c.source.file && c.source.test, c.id).toBeTruthy();
        expect(!!c.templates || (c.expect?.length ?? 0) > 0, `${c.id} expects nothing`).toBe(true);
        if (c.differs !== undefined) expect(c.differs.length, c.id).toBeGreaterThan(20);
        // A case says it differs exactly when apiscope is held to something else than the peer expects.
        const agrees = JSON.stringify(expectationOf(c)) === JSON.stringify(peerExpectationOf(c));
        expect(agrees, `${c.id}: ${agrees ? 'carries a differs reason but expects what the peer expects' : 'expects other than the peer without a differs reason'}`).toBe(c.differs === undefined);
      }
    }
    for (const id of Object.keys(knownFailures)) expect(ids.has(id), `known failure ${id} is no fixture case`).toBe(true);
  });

  it.each(cases.filter(([, id]) => !(id in knownFailures)))('%s: %s', (_tool, _id, c) => {
    expect(actualOf(c)).toEqual(expectationOf(c));
  });

  it.each(cases.filter(([, id]) => id in knownFailures))('%s: %s still fails (known)', (_tool, _id, c) => {
    // Fixed? Then drop it from knownFailures: the case joins the ones asserted to pass.
    expect(actualOf(c), knownFailures[c.id]).not.toEqual(expectationOf(c));
  });
});
