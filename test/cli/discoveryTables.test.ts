import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { runReplay } from '../../cli/replay.ts';

const ROOT = join(import.meta.dirname, '..', '..');
const SAMPLE = join(ROOT, 'examples', 'access.ndjson.gz');

/**
 * `apiscope query` over the lake `apiscope replay` makes of the sample in examples/: the tables discovery adds
 * answer with the Athena table and column names, checked against the raw lines themselves.
 */
describe('file_assets and endpoint_changes in apiscope query, on a replay of examples/access.ndjson.gz', () => {
  let dir: string;
  let lake: string;
  const query = (sql: string) => {
    const r = spawnSync(process.execPath, ['bin/apiscope.mjs', 'query', '--data', lake, '--format', 'json', sql], { cwd: ROOT, encoding: 'utf8', timeout: 120_000 });
    expect(r.status, r.stderr).toBe(0);
    return r.stdout.trim().split('\n').filter(Boolean).map((l) => JSON.parse(l) as Record<string, any>);
  };
  const lines = () => gunzipSync(readFileSync(SAMPLE)).toString('utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l) as Record<string, string>);

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'discovery-tables-'));
    lake = join(dir, 'lake');
    await runReplay({ input: SAMPLE, out: lake, shards: 1, quiet: true });
  }, 120_000);
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('file_assets: the statement downloads of the day, as the raw lines count them', () => {
    const rows = query("SELECT day, domain_name, method, template, requests, downloads, unauth_downloads, bytes_total, distinct_ips, top_ips, file_types FROM file_assets WHERE dt >= '2026-11-23' ORDER BY template");
    const raw = lines().filter((l) => l.httpMethod === 'GET' && l.path.startsWith('/v1/statements/'));
    const served = raw.filter((l) => l.status.startsWith('2'));
    const byIp = new Map<string, number>();
    for (const l of served) byIp.set(l.ip, (byIp.get(l.ip) ?? 0) + 1);
    const [topIp, topCount] = [...byIp].sort((a, b) => b[1] - a[1])[0];
    expect(rows).toHaveLength(1);
    const r = rows[0];
    expect([r.day, r.domain_name, r.method, r.template]).toEqual(['2026-11-23', 'api.demobank.example', 'GET', '/v1/statements/{statementFile}']);
    // JSON lines give BIGINT as text (as Athena does).
    expect([r.requests, r.downloads, r.unauth_downloads, r.bytes_total].map(Number)).toEqual([
      raw.length, served.length, served.filter((l) => l.principalId === '-' && l.apiKeyId === '-').length, served.reduce((s, l) => s + Number(l.responseLength), 0),
    ]);
    expect(Number(r.unauth_downloads)).toBeGreaterThan(0);
    // DuckDB renders a MAP as key/value pairs. The heaviest downloader is first; its space-saving count is never
    // below the true one and above it by at most the smallest count kept (four times more are kept than named).
    expect(r.top_ips).toHaveLength(10);
    expect(r.top_ips[0].key).toBe(topIp);
    expect(Number(r.top_ips[0].value)).toBeGreaterThanOrEqual(topCount);
    expect(Number(r.top_ips[0].value)).toBeLessThanOrEqual(Math.ceil(topCount * 1.01));
    // A sketch: within 20% of the exact distinct count.
    expect(Math.abs(Number(r.distinct_ips) - byIp.size) / byIp.size).toBeLessThan(0.2);
  });

  it('endpoint_changes: every endpoint of the inventory was added, at its first request, under its key', () => {
    const changes = query("SELECT changed_at, change, domain_name, method, template, after_key FROM endpoint_changes WHERE dt >= '2026-11-23' ORDER BY changed_at");
    const endpoints = query("SELECT DISTINCT domain_name, method, template, first_seen FROM endpoints WHERE dt >= '2026-11-23'");
    const added = changes.filter((c) => c.change === 'added');
    expect(added.length).toBe(new Set(endpoints.map((e) => `${e.domain_name} ${e.method} ${e.template}`)).size);
    for (const e of endpoints) {
      const c = added.find((x) => x.after_key === `${e.domain_name} ${e.method} ${e.template}`);
      expect(c?.changed_at, `${e.method} ${e.template}`).toBe(e.first_seen);
    }
  });

  it('writes the OpenAPI export of each domain into the lake folder', () => {
    const domains = query('SELECT DISTINCT domain_name FROM endpoints ORDER BY 1').map((r) => r.domain_name as string);
    expect(domains.length).toBe(2);
    for (const d of domains) {
      const file = join(lake, 'openapi', `${d}.json`);
      expect(existsSync(file), file).toBe(true);
      const doc = JSON.parse(readFileSync(file, 'utf8'));
      expect(doc.openapi).toBe('3.1.0');
      expect(doc.servers).toEqual([{ url: `https://${d}` }]);
    }
  });
});
