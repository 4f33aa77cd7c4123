import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { simulateTraffic } from '../../local/simulator.ts';
import { runReplay } from '../../cli/replay.ts';
import { runDiscover } from '../../cli/discover.ts';
import { queryLake } from '../../local/lakeQuery.ts';
import { parseConfig } from '../../infra/config.ts';

const BIN = join(import.meta.dirname, '..', '..', 'bin', 'apiscope.mjs');
const RENAMES: Record<string, string> = { ip: 'sourceIp', resourcePath: 'routeKey', httpMethod: 'verb', requestTimeEpoch: 'epochMs', principalId: 'user', path: 'rawPath', domainName: 'host' };

let dir: string;
const cli = (args: string[]) => spawnSync(process.execPath, [BIN, ...args], { cwd: dir, encoding: 'utf8', timeout: 120_000 });

/** The message `cdk synth` gives for this fieldMapping in the deployment config (its lines without the frame). */
function synthIssues(fieldMapping: unknown): string[] {
  try {
    parseConfig({ createDemoApi: true, fieldMapping });
  } catch (e) {
    return (e as Error).message.split('\n').filter((l) => l.startsWith('  - ')).map((l) => l.slice(4));
  }
  throw new Error('parseConfig accepted the mapping');
}

describe('--field-mapping FILE', () => {
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'mapping-'));
    const { lines } = simulateTraffic({ seed: 11, hours: 2, rate: 30 });
    writeFileSync(join(dir, 'standard.ndjson'), lines.join('\n') + '\n');
    const renamed = lines.map((l) => JSON.stringify(Object.fromEntries(Object.entries(JSON.parse(l) as Record<string, string>).map(([k, v]) => [RENAMES[k] ?? k, v]))));
    writeFileSync(join(dir, 'renamed.ndjson'), renamed.join('\n') + '\n');
    writeFileSync(join(dir, 'mapping.json'), JSON.stringify(RENAMES));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('replay analyses lines in another key naming exactly like the recommended format', async () => {
    await runReplay({ input: join(dir, 'standard.ndjson'), out: join(dir, 'std'), shards: 1, quiet: true });
    const r = cli(['replay', '--input', join(dir, 'renamed.ndjson'), '--out', join(dir, 'mapped'), '--field-mapping', join(dir, 'mapping.json'), '--quiet']);
    expect(r.status, r.stderr).toBe(0);
    const rows = async (lake: string, sql: string) => (await queryLake(lake, sql)).rows.map((x) => JSON.stringify(x)).sort();
    for (const sql of ['SELECT * EXCLUDE (dt) FROM endpoints', 'SELECT * EXCLUDE (dt) FROM risk_events', 'SELECT * EXCLUDE (dt) FROM defects']) {
      const std = await rows(join(dir, 'std'), sql);
      expect(std.length, sql).toBeGreaterThan(0);
      expect(await rows(join(dir, 'mapped'), sql), sql).toEqual(std);
    }
    expect(await rows(join(dir, 'mapped'), 'SELECT * FROM quarantine')).toEqual([]);
  });

  it('without the mapping the same lines are rejected, with a hint to give one', () => {
    const r = cli(['replay', '--input', join(dir, 'renamed.ndjson'), '--out', join(dir, 'unmapped'), '--quiet']);
    expect(r.status).toBe(0);
    expect(r.stderr).toMatch(/none of the \d+ lines could be analysed .*give --field-mapping FILE/);
  });

  it('discover reads the mapped keys, raw paths included', async () => {
    await runDiscover({ input: join(dir, 'standard.ndjson'), out: join(dir, 'd-std') });
    const r = await runDiscover({ input: join(dir, 'renamed.ndjson'), out: join(dir, 'd-mapped'), fieldMapping: join(dir, 'mapping.json') });
    expect(r.rejected).toBe(0);
    const std = readFileSync(join(dir, 'd-std', 'paths.ndjson'), 'utf8');
    expect(std.split('\n').length).toBeGreaterThan(50);
    expect(readFileSync(join(dir, 'd-mapped', 'paths.ndjson'), 'utf8')).toBe(std);
  });

  it.each([
    ['an unknown apiscope key', { sourceIp: 'ip' }, /fieldMapping\.sourceIp: unknown apiscope field "sourceIp"; expected one of /],
    ['an empty source key', { ip: '' }, /fieldMapping\.ip: source key must not be empty/],
    ['not an object', ['ip'], /fieldMapping: /],
  ])('rejects %s with the message cdk synth gives, naming the key', (_what, mapping, pattern) => {
    const file = join(dir, `bad-${JSON.stringify(mapping).length}.json`);
    writeFileSync(file, JSON.stringify(mapping));
    for (const cmd of ['replay', 'discover']) {
      const out = join(dir, `bad-out-${cmd}`);
      const r = cli([cmd, '--input', join(dir, 'renamed.ndjson'), '--out', out, '--field-mapping', file]);
      expect(r.status, r.stderr).toBe(1);
      const line = r.stderr.trimEnd();
      expect(line.split('\n')).toHaveLength(1);
      expect(line).toMatch(pattern);
      expect(line.startsWith(`apiscope ${cmd}: --field-mapping ${file}: `)).toBe(true);
      expect(line.slice(`apiscope ${cmd}: --field-mapping ${file}: `.length)).toBe(synthIssues(mapping).join('; '));
      expect(existsSync(out)).toBe(false);
    }
  });

  it('rejects a file that is not JSON, naming the file', () => {
    writeFileSync(join(dir, 'broken.json'), '{ip: sourceIp}');
    const r = cli(['replay', '--input', join(dir, 'renamed.ndjson'), '--out', join(dir, 'x'), '--field-mapping', join(dir, 'broken.json')]);
    expect(r.status).toBe(1);
    expect(r.stderr.trimEnd()).toMatch(/^apiscope replay: --field-mapping .*broken\.json: not valid JSON \(.*\); write an object like/);
  });
});
