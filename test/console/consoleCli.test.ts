import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { replayedSample } from './lake.ts';

const BIN = join(import.meta.dirname, '..', '..', 'bin', 'apiscope.mjs');

let sample: Awaited<ReturnType<typeof replayedSample>>;
let blocker: Server;
let taken: number;
const children: ChildProcess[] = [];

beforeAll(async () => {
  sample = await replayedSample('console-cli-');
  blocker = createServer();
  await new Promise<void>((r) => blocker.listen(0, '127.0.0.1', r));
  taken = (blocker.address() as { port: number }).port;
});
afterAll(async () => {
  // The bin runs the CLI in a child: end the whole process group, as Ctrl-C in a terminal does.
  for (const c of children) if (c.exitCode === null && c.signalCode === null) process.kill(-c.pid!, 'SIGTERM');
  await new Promise((r) => blocker.close(r));
  sample.remove();
});

function cli(args: string[]) {
  const r = spawnSync(process.execPath, [BIN, 'console', ...args], { cwd: sample.dir, encoding: 'utf8', timeout: 60_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** One clear line on stderr, non-zero exit, no stack. */
function expectOneLine(r: ReturnType<typeof cli>, text: string) {
  expect(r.code, r.stderr).not.toBe(0);
  expect(r.stderr.trimEnd().split('\n'), r.stderr).toHaveLength(1);
  expect(r.stderr.trimEnd()).toBe(text);
}

describe('apiscope console (the real bin, spawned)', () => {
  it('says in one line what is wrong with --data and --port', () => {
    expectOneLine(cli([]), 'apiscope console: --data DIR (a findings lake: the --out folder of apiscope replay) is required');
    expectOneLine(cli(['--data', join(sample.dir, 'nope')]), `apiscope console: --data ${join(sample.dir, 'nope')}: no such folder; give the --out folder of apiscope replay (or .apiscope/demo/lake)`);
    mkdirSync(join(sample.dir, 'empty'));
    expect(cli(['--data', join(sample.dir, 'empty')]).stderr).toMatch(/^apiscope console: --data .*empty: holds no findings lake \(none of endpoints, defects/);
    expectOneLine(cli(['--data', sample.lake, '--port', 'http']), 'apiscope console: --port "http" is not a port; give a number from 0 to 65535 (0 picks a free one)');
    expectOneLine(cli(['--data', sample.lake, '--port', String(taken)]), `apiscope console: --port port ${taken} on 127.0.0.1 is in use by another program; choose another with --port`);
    expectOneLine(cli(['--data', sample.lake, '--as', 'bad\u001bname']), 'apiscope console: --as "bad\\x1bname" must be a name of 1-128 printable characters, e.g. alice@bank.example');
  });

  it('prints the URL, serves the console and the API on 127.0.0.1, and records --as as who triaged', async () => {
    const child = spawn(process.execPath, [BIN, 'console', '--data', sample.lake, '--port', '0', '--as', 'carol@bank.example'], { cwd: sample.dir, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    children.push(child);
    const line = await new Promise<string>((resolve, reject) => {
      let out = '';
      child.stdout!.on('data', (c) => { out += c; if (out.includes('\n')) resolve(out.split('\n')[0]); });
      child.once('exit', (code) => reject(new Error(`exited ${code}`)));
    });
    const url = /^apiscope console: (http:\/\/127\.0\.0\.1:\d+\/) {2}\(data .*; Ctrl-C stops it\)$/.exec(line)?.[1];
    expect(url, line).toBeTruthy();
    expect((await fetch(url!)).status).toBe(200);
    const open = (await (await fetch(`${url}api/defects?status=open`)).json()) as { items: Array<{ defect_id: string }> };
    const id = open.items[0].defect_id;
    const r = await fetch(`${url}api/defects/${id}`, { method: 'PATCH', headers: { 'content-type': 'application/json', 'x-apiscope-console': '1' }, body: '{"owner":"team-cards"}' });
    expect(((await r.json()) as { updatedBy: string }).updatedBy).toBe('carol@bank.example');
    // Ctrl-C (SIGINT to the process group) stops it: the port is closed afterwards.
    const exited = new Promise<void>((res) => child.once('exit', () => res()));
    process.kill(-child.pid!, 'SIGINT');
    await exited;
    await expect(fetch(url!)).rejects.toThrow();
  });
});
