import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { simulateTraffic } from '../../local/simulator.ts';
import { queryLake } from '../../local/lakeQuery.ts';
import { accessLine } from '../support/records.ts';

const BIN = join(import.meta.dirname, '..', '..', 'bin', 'apiscope.mjs');
const WORDS = ['alpha', 'bravo', 'charlie', 'delta', 'echo', 'foxtrot', 'golf', 'hotel', 'india', 'juliet', 'kilo', 'lima', 'mike'];

/**
 * Seeded bank traffic plus a proxied catalogue whose ids are plain words: the first hour sees three of them
 * (kept as literal templates), later hours dozens, and inference merges them into one parameter. The merged
 * templates keep their early rows in the endpoints table, which is what made the commands disagree.
 */
function seededTraffic(): string[] {
  const lines = [...simulateTraffic({ seed: 3, hours: 3, rate: 30 }).lines];
  const t0 = Date.UTC(2026, 10, 23, 8, 0, 0);
  for (let m = 0, n = 0; m < 180; m++) {
    for (let k = 0; k < 4; k++) {
      const id = m < 60 ? WORDS[(m + k) % 3] : `${WORDS[(m * 7 + k * 3) % WORDS.length]}${m % 40}`;
      lines.push(JSON.stringify(accessLine({ requestId: `cat-${n++}`, requestTimeEpoch: String(t0 + m * 60_000 + k * 9000), path: `/catalog/${id}/reviews`, resourcePath: '/{proxy+}', domainName: 'shop.example', principalId: `u-${(m * 4 + k) % 30}` })));
    }
  }
  return lines;
}

describe('every command counts the same endpoints', () => {
  let dir: string;
  const cli = (...args: string[]) => {
    const r = spawnSync(process.execPath, [BIN, ...args], { cwd: dir, encoding: 'utf8', timeout: 180_000 });
    expect(r.status, r.stderr).toBe(0);
    return r.stdout;
  };
  let replayOut: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'counts-'));
    writeFileSync(join(dir, 'in.ndjson'), seededTraffic().join('\n') + '\n');
    replayOut = cli('replay', '--input', join(dir, 'in.ndjson'), '--out', join(dir, 'lake'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('discover, the replay summary and the report agree on the inventory at the end', async () => {
    const summary = Number(/Endpoints discovered: (\d+) across/.exec(replayOut)?.[1]);
    const discover = Number(/, (\d+) endpoints on \d+ domains/.exec(cli('discover', '--input', join(dir, 'in.ndjson'), '--out', join(dir, 'disc')))?.[1]);
    cli('report', '--data', join(dir, 'lake'), '--out', join(dir, 'r.html'));
    const report = Number(/<b>(\d+)<\/b><span>API endpoints in inventory/.exec(readFileSync(join(dir, 'r.html'), 'utf8'))?.[1]);
    // The fixture does what it is for: templates merged away are still in the table's history.
    const everSeen = Number((await queryLake(join(dir, 'lake'), 'SELECT count(*) AS n FROM (SELECT DISTINCT domain_name, method, template FROM endpoints)')).rows[0].n);
    const catalogue = (await queryLake(join(dir, 'lake'), `SELECT DISTINCT template FROM endpoints WHERE domain_name = 'shop.example' ORDER BY 1`)).rows.map((r) => r.template);
    expect(catalogue).toEqual(['/catalog/alpha/reviews', '/catalog/bravo/reviews', '/catalog/charlie/reviews', '/catalog/{catalog_id}/reviews']);
    expect(everSeen).toBe(discover + 3);
    expect(summary).toBe(discover);
    expect(report).toBe(discover);
    expect(discover).toBeGreaterThan(10);
  });

  it('the summary says how many endpoints, defects and callers it does not list', () => {
    const total = Number(/Endpoints discovered: (\d+) across/.exec(replayOut)?.[1]);
    const block = replayOut.slice(replayOut.indexOf('Endpoints discovered:'), replayOut.indexOf('Open defects:')).trimEnd().split('\n');
    const listed = block.filter((l) => /^ {2}[A-Z]+ +\S/.test(l)).length;
    expect(listed).toBe(8);
    expect(block.at(-1)).toBe(`  ... and ${total - 8} more endpoints`);
    // One line per scenario on an API, naming its top caller and how many more it stands for.
    const callers = Number(/Risky callers: (\d+)/.exec(replayOut)?.[1]);
    const lines = replayOut.slice(replayOut.indexOf('Risky callers:')).split('\n').filter((l) => /^ +\d+ \w+:/.test(l));
    expect(lines.length).toBeGreaterThan(1);
    expect(lines.length).toBeLessThanOrEqual(10);
    const shown = lines.reduce((n, l) => n + 1 + Number(/ with (\d+) more callers? in this /.exec(l)?.[1] ?? 0), 0);
    expect(callers).toBeGreaterThanOrEqual(shown);
    if (callers > shown) expect(replayOut).toContain(`  ... and ${callers - shown} more risky callers`);
    else expect(replayOut).not.toContain('more risky callers');
  });
});
