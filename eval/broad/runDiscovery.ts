/**
 * Runs apiscope's discovery over one synthesized API the two ways users get it, and returns one
 * prediction per distinct (domain, method, path) as logged:
 * - `discover`: `apiscope discover` (cli/discover.ts) over the access-log file, its `paths.ndjson`;
 * - `replay`: `apiscope replay`'s path (local/replay.ts): the lines as CloudWatch Logs subscription payloads
 *   through the analyze handler and its window engine (all three analyses, as in Lambda), then the
 *   templates from the pipeline's final discovery state.
 */
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runDiscover } from '../../cli/discover.ts';
import { CountingMetrics } from '../../local/countingMetrics.ts';
import { createLocalHandler } from '../../local/localHandlers.ts';
import { MemoryBlobStore } from '../../local/memoryBlobStore.ts';
import { MemoryKeyValueStore } from '../../local/memoryKeyValueStore.ts';
import { replayFile } from '../../local/replay.ts';
import { maskEvent } from '../../shared/normalize/maskEvent.ts';
import { normalizeRecord } from '../../shared/normalize/normalizeRecord.ts';
import { createMasker } from '../../shared/sensitive/maskPath.ts';
import type { EndpointResolver } from '../../shared/engine/types.ts';
import type { Prediction } from './score.ts';

export type DiscoveryPath = 'discover' | 'replay';
export const DISCOVERY_PATHS: readonly DiscoveryPath[] = ['discover', 'replay'];

const HASH_KEY = 'apiscope-eval-broad';

/** Writes the API's lines where both commands read them. */
export function writeInput(dir: string, records: readonly string[]): string {
  mkdirSync(dir, { recursive: true });
  const file = join(dir, 'access.ndjson');
  writeFileSync(file, records.join('\n') + '\n');
  return file;
}

export async function predictWithDiscover(input: string, dir: string): Promise<Prediction[]> {
  const out = join(dir, 'discover');
  const prev = process.env.APISCOPE_HASH_KEY;
  process.env.APISCOPE_HASH_KEY = HASH_KEY;
  try {
    await runDiscover({ input, out });
  } finally {
    if (prev === undefined) delete process.env.APISCOPE_HASH_KEY;
    else process.env.APISCOPE_HASH_KEY = prev;
  }
  const text = readFileSync(join(out, 'paths.ndjson'), 'utf8');
  rmSync(out, { recursive: true, force: true });
  return text.split('\n').filter(Boolean).map((l) => JSON.parse(l) as Prediction);
}

export async function predictWithReplay(input: string, records: readonly string[]): Promise<Prediction[]> {
  const handler = createLocalHandler(
    { kv: new MemoryKeyValueStore(), blobs: new MemoryBlobStore(), alerts: { publish: async () => {} }, metrics: new CountingMetrics() },
    { hashKey: HASH_KEY, engine: { minShards: 1 } },
  );
  await replayFile(input, handler, { shards: 1 });
  const state = await (await handler.engine()).currentState();
  const resolver = handler.pipeline.resolver(state as Record<string, unknown>);
  return predictFromResolver(resolver, records);
}

/** One prediction per distinct logged path, resolved as the pipeline's resolver sees it (masked, stage-stripped). */
export function predictFromResolver(resolver: EndpointResolver, records: readonly string[]): Prediction[] {
  const masker = createMasker(HASH_KEY);
  const seen = new Set<string>();
  const out: Prediction[] = [];
  for (const line of records) {
    const r = normalizeRecord(line);
    if (!r.ok) continue;
    const raw = (JSON.parse(line) as { path: string }).path.split('?')[0];
    const key = `${r.event.domainName}\t${r.event.method}\t${raw}`;
    if (seen.has(key)) continue;
    seen.add(key);
    const ev = maskEvent(r.event, masker);
    out.push({ domainName: ev.domainName, method: ev.method, path: raw, template: resolver.templateOf(ev.domainName, ev.method, ev.path) ?? raw });
  }
  return out;
}

export async function predict(path: DiscoveryPath, input: string, dir: string, records: readonly string[]): Promise<Prediction[]> {
  return path === 'discover' ? predictWithDiscover(input, dir) : predictWithReplay(input, records);
}
