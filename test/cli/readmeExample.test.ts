import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const ROOT = join(import.meta.dirname, '..', '..');

describe("the README's replay example, from a checkout", () => {
  let dir: string;
  const run = (...args: string[]) => spawnSync(process.execPath, ['bin/apiscope.mjs', ...args], { cwd: ROOT, encoding: 'utf8', timeout: 180_000 });
  beforeAll(() => { dir = mkdtempSync(join(tmpdir(), 'readme-')); });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('replays examples/access.ndjson.gz and answers the example queries', () => {
    expect(statSync(join(ROOT, 'examples', 'access.ndjson.gz')).size).toBeLessThan(400_000);
    const lake = join(dir, 'lake');
    const r = run('replay', '--input', 'examples/access.ndjson.gz', '--out', lake);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toContain('events analysed: 6039');
    expect(r.stdout).toMatch(/Endpoints discovered: 16 across 2 API domain\(s\)\n(  .+\n){8}  \.\.\. and 8 more endpoints\n/);
    const q = run('query', '--data', lake, 'SELECT count(*) AS n FROM risk_events');
    expect(q.status, q.stderr).toBe(0);
    expect(Number(q.stdout.split('\n')[2])).toBeGreaterThan(10);
    const j = run('query', '--data', lake, '--format', 'json', "SELECT defect_type, severity, template FROM defects WHERE status <> 'resolved'");
    expect(j.status, j.stderr).toBe(0);
    const rows = j.stdout.trim().split('\n').map((l) => JSON.parse(l) as { defect_type: string });
    expect(rows.map((x) => x.defect_type)).toContain('unauthenticated_file_download');
    // The README's example SQL runs as written (the README says it runs unchanged in Athena and here).
    const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
    const statements = [...readme.matchAll(/```sql\n([\s\S]*?)```/g)].flatMap((m) => m[1].split(';')).map((x) => x.replace(/^\s*--.*$/gm, '').trim()).filter(Boolean);
    expect(statements.length).toBeGreaterThanOrEqual(3);
    for (const sql of statements) {
      const a = run('query', '--data', lake, '--format', 'json', sql);
      expect(a.status, `${sql}\n${a.stderr}`).toBe(0);
    }
    const open = run('query', '--data', lake, '--format', 'json', statements[0]);
    expect(open.stdout.trim().split('\n').map((l) => JSON.parse(l).defect_type)).toContain('unauthenticated_file_download');
  });
});
