import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const BIN = join(import.meta.dirname, '..', '..', 'bin', 'apiscope.mjs');
const SAMPLE = join(import.meta.dirname, '..', '..', 'examples', 'access.ndjson.gz');
// Permission checks do not apply to root: the permission cases run the CLI as nobody when the tests are root.
const AS_USER = process.getuid?.() === 0 ? { uid: 65534, gid: 65534 } : {};

let dir: string;

/** The real CLI, started from a folder outside the checkout (as `npx apiscope` would be). */
function cli(args: string[], opts: { uid?: number; gid?: number } = {}) {
  const r = spawnSync(process.execPath, [BIN, ...args], { cwd: dir, encoding: 'utf8', timeout: 120_000, ...opts });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** One clear line: non-zero exit, exactly one line on stderr, no stack frames. */
function expectOneLine(r: ReturnType<typeof cli>, ...parts: Array<string | RegExp>) {
  expect(r.code, r.stderr).not.toBe(0);
  const lines = r.stderr.trimEnd().split('\n');
  expect(lines, r.stderr).toHaveLength(1);
  expect(r.stderr).not.toMatch(/\n\s+at |node:internal|Error: /);
  for (const p of parts) expect(lines[0]).toMatch(p);
}

/** Nothing written: no destination folder and no hidden partial sibling. */
function expectNoLake(out: string) {
  expect(existsSync(out), `${out} exists`).toBe(false);
  expect(readdirSync(join(out, '..')).filter((f) => f.includes('.partial-'))).toEqual([]);
}

describe('apiscope CLI errors (the real bin, spawned)', () => {
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'cli-errors-'));
    chmodSync(dir, 0o755);
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('unknown command, unknown option, missing option value, format bogus', () => {
    expectOneLine(cli(['replya']), /^apiscope: unknown command "replya"/, /replay/);
    expectOneLine(cli(['replay', '--inptu', 'x']), /^apiscope replay: unknown option --inptu/, /--input/);
    expectOneLine(cli(['replay', '--input']), /^apiscope replay: option --input needs a value/);
    expectOneLine(cli(['format', 'bogus']), /^apiscope format: unknown format "bogus"; use rest .* or http/);
    expect(cli(['format', 'bogus']).code).toBe(2);
    expectOneLine(cli(['query', '--data', join(dir, 'x'), '--format', 'xml', 'SELECT 1']), /--format "xml" is not one of table, csv, json/);
  });

  it('a missing --data or --input names the flag', () => {
    expectOneLine(cli(['query', 'SELECT 1']), /^apiscope query: --data DIR .* is required/);
    expectOneLine(cli(['report', '--out', join(dir, 'r.html')]), /^apiscope report: --data DIR .* is required/);
    expectOneLine(cli(['replay', '--out', join(dir, 'lake')]), /^apiscope replay: --input FILE .* is required/);
    expectOneLine(cli(['query', '--data', join(dir, 'nolake'), 'SELECT 1']), /--data .*nolake: no such folder/);
    mkdirSync(join(dir, 'empty-dir'));
    expectOneLine(cli(['report', '--data', join(dir, 'empty-dir'), '--out', join(dir, 'r.html')]), /--data .*empty-dir: holds no findings lake/);
    expect(existsSync(join(dir, 'r.html'))).toBe(false);
  });

  it('missing input, a directory as input, an empty file, a file of blank lines', () => {
    const out = join(dir, 'lake-a');
    expectOneLine(cli(['replay', '--input', join(dir, 'none.ndjson'), '--out', out]), /--input .*none\.ndjson: no such file/);
    expectOneLine(cli(['replay', '--input', dir, '--out', out]), /--input .*: is a directory; give a file/);
    writeFileSync(join(dir, 'empty.ndjson'), '');
    expectOneLine(cli(['replay', '--input', join(dir, 'empty.ndjson'), '--out', out]), /--input .*empty\.ndjson: the file is empty/);
    writeFileSync(join(dir, 'blank.ndjson'), '\n\n\n');
    expectOneLine(cli(['replay', '--input', join(dir, 'blank.ndjson'), '--out', out]), /--input .*blank\.ndjson: holds no log lines/);
    expectOneLine(cli(['discover', '--input', dir, '--out', join(dir, 'disc')]), /^apiscope discover: --input .*: is a directory/);
    expectNoLake(out);
    expect(existsSync(join(dir, 'disc'))).toBe(false);
  });

  it('a truncated gzip fails after lines were replayed and leaves no half-written lake', () => {
    const gz = readFileSync(SAMPLE);
    writeFileSync(join(dir, 'cut.ndjson.gz'), gz.subarray(0, Math.floor(gz.length * 0.6)));
    const out = join(dir, 'lake-cut');
    const r = cli(['replay', '--input', join(dir, 'cut.ndjson.gz'), '--out', out, '--quiet']);
    expectOneLine(r, /--input .*cut\.ndjson\.gz: truncated or corrupt gzip/, /after line \d{3,}/, /nothing was written/);
    expectNoLake(out);
  });

  it('an input nobody may read, an --out nobody may write', () => {
    writeFileSync(join(dir, 'secret.ndjson'), '{"requestId":"a"}\n');
    chmodSync(join(dir, 'secret.ndjson'), 0o000);
    const out = join(dir, 'lake-b');
    expectOneLine(cli(['replay', '--input', join(dir, 'secret.ndjson'), '--out', out], AS_USER), /--input .*secret\.ndjson: cannot be read \(permission denied\)/);
    mkdirSync(join(dir, 'locked'));
    chmodSync(join(dir, 'locked'), 0o555);
    const locked = join(dir, 'locked', 'lake');
    expectOneLine(cli(['replay', '--input', SAMPLE, '--out', locked], AS_USER), /--out .*locked\/lake: cannot write there \(EACCES\)/);
    expectOneLine(cli(['report', '--data', join(dir, 'empty-dir'), '--out', join(dir, 'locked', 'r.html')], AS_USER), /--data/);
    expectNoLake(locked);
  });

  it('an --out below a file, or a folder that is not empty', () => {
    writeFileSync(join(dir, 'a-file'), 'x');
    expectOneLine(cli(['replay', '--input', SAMPLE, '--out', join(dir, 'a-file', 'lake')]), /--out .*a-file\/lake: .*a-file is a file, not a folder/);
    mkdirSync(join(dir, 'used'));
    writeFileSync(join(dir, 'used', 'notes.txt'), 'mine');
    expectOneLine(cli(['replay', '--input', SAMPLE, '--out', join(dir, 'used')]), /--out .*used: is not empty/);
    expect(readdirSync(join(dir, 'used'))).toEqual(['notes.txt']);
    expectOneLine(cli(['demo', '--out', join(dir, 'used')]), /--out .*used: holds notes\.txt, which the demo did not write/);
    expect(readFileSync(join(dir, 'used', 'notes.txt'), 'utf8')).toBe('mine');
  });

  it('a bad --spec or --rules names the flag and the file, before anything is written', () => {
    writeFileSync(join(dir, 'rules.yaml'), 'rules:\n  - id: x\n    severity: extreme\n');
    const out = join(dir, 'lake-c');
    // A document with several problems lists one per line (as cdk synth does); the first line names flag and file.
    const r = cli(['replay', '--input', SAMPLE, '--out', out, '--rules', join(dir, 'rules.yaml')]);
    expect(r.code).toBe(1);
    expect(r.stderr.split('\n')[0]).toMatch(/^apiscope replay: --rules .*rules\.yaml: \d+ problems in custom rules:$/);
    expect(r.stderr).toMatch(/rules\[0\] \(id "x"\): severity: /);
    expect(r.stderr).not.toMatch(/\n\s+at |node:internal/);
    expectOneLine(cli(['replay', '--input', SAMPLE, '--out', out, '--spec', join(dir, 'nospec.yaml')]), /--spec .*nospec\.yaml: no such file/);
    expectNoLake(out);
  });
});
