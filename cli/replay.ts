import { mkdirSync, readFileSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { FileBlobStore } from '../local/fileBlobStore.ts';
import { MemoryKeyValueStore } from '../local/memoryKeyValueStore.ts';
import { JsonlAlertSink } from '../local/jsonlAlertSink.ts';
import { CountingMetrics } from '../local/countingMetrics.ts';
import { createLocalHandler } from '../local/localHandlers.ts';
import { replayFile } from '../local/replay.ts';
import { summarizeLake } from '../local/summary.ts';

export interface ReplayArgs {
  input: string;
  out: string;
  shards: number;
  spec?: string;
  rules?: string;
  ipLists?: string;
  overrides?: string;
  hashKey?: string;
  quiet?: boolean;
}

/** `apiscope replay`: the pipeline over a file, findings lake under `out` in the bucket's layout. */
export async function runReplay(a: ReplayArgs): Promise<{ metrics: Record<string, number> }> {
  const out = resolve(a.out);
  mkdirSync(out, { recursive: true });
  if (readdirSync(out).some((f) => ['endpoints', 'defects', 'risk_events', 'state'].includes(f))) throw new Error(`${a.out} already holds a findings lake; use an empty folder`);
  const metrics = new CountingMetrics();
  const alerts = new JsonlAlertSink(join(out, 'alerts.jsonl'));
  const handler = createLocalHandler(
    { kv: new MemoryKeyValueStore(), blobs: new FileBlobStore(out), alerts, metrics },
    {
      hashKey: a.hashKey ?? process.env.APISCOPE_HASH_KEY,
      engine: { minShards: a.shards },
      inputs: {
        specText: a.spec ? readFileSync(a.spec, 'utf8') : undefined,
        rulesText: a.rules ? readFileSync(a.rules, 'utf8') : undefined,
        rulesSource: a.rules,
        reputationText: a.ipLists ? readFileSync(a.ipLists, 'utf8') : undefined,
        overridesText: a.overrides ? readFileSync(a.overrides, 'utf8') : undefined,
      },
    },
  );
  const log = (s: string) => { if (!a.quiet) console.log(s); };
  log(`Replaying ${a.input} over ${a.shards} shard(s)...`);
  const stats = await replayFile(a.input, handler, { shards: a.shards, onProgress: a.quiet ? undefined : (n) => process.stderr.write(`  ${n} lines\r`) });
  const rejected = Object.entries(metrics.counts).filter(([k]) => k.startsWith('RecordsRejected.')).map(([k, v]) => [k, v] as const);
  log(`Read ${stats.lines} lines in ${(stats.ms / 1000).toFixed(1)} s (${Math.round(stats.lines / (stats.ms / 1000))} lines/s); events analysed: ${metrics.counts.EventsIn ?? 0}; late: ${metrics.counts.LateEvents ?? 0}`);
  const totalRejected = rejected.reduce((s, [, v]) => s + v, 0);
  log(`Rejected: ${rejected.length ? `${totalRejected} lines: ` + rejected.map(([k, v]) => `${k.slice(16)}=${v}`).join(', ') : 'none'}${rejected.length ? ` (kept in ${join(a.out, 'quarantine')})` : ''}`);
  log('');
  if (!a.quiet) log(await summarizeLake(out));
  log('');
  log(`Alerts: ${alerts.sent.length} -> ${join(a.out, 'alerts.jsonl')}`);
  log(`Findings lake: ${a.out}  (query: npx apiscope query --data ${a.out} "SELECT ...")`);
  return { metrics: metrics.counts };
}
