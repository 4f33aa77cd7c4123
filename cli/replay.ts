import { join } from 'node:path';
import { FileBlobStore } from '../local/fileBlobStore.ts';
import { MemoryKeyValueStore } from '../local/memoryKeyValueStore.ts';
import { FileTriageStore } from '../local/fileTriageStore.ts';
import { storeTriage } from '../shared/engine/storeTriage.ts';
import { JsonlAlertSink } from '../local/jsonlAlertSink.ts';
import { CountingMetrics } from '../local/countingMetrics.ts';
import { createLocalHandler } from '../local/localHandlers.ts';
import { replayFile } from '../local/replay.ts';
import { InputFileError } from '../local/readInput.ts';
import { summarizeLake } from '../local/summary.ts';
import { buildAnalyses, type AnalysisInputs } from '../functions/shared/buildAnalyses.ts';
import { CliError } from './cliError.ts';
import { checkInputFile, readFlagFile } from './checkPaths.ts';
import { readFieldMappingFile } from './fieldMappingFile.ts';
import { stageOutDir } from './stagedDir.ts';

export interface ReplayArgs {
  input: string;
  out: string;
  shards: number;
  spec?: string;
  rules?: string;
  ipLists?: string;
  overrides?: string;
  fieldMapping?: string;
  hashKey?: string;
  quiet?: boolean;
}

/**
 * Reads and validates every document a flag names, one at a time through the parsers the Lambda's cold start
 * uses, so a mistake is reported with the flag and file it is in, before anything is written.
 */
function readInputs(a: ReplayArgs): AnalysisInputs {
  const inputs: AnalysisInputs = {};
  const docs: Array<[string, string | undefined, (text: string, file: string) => AnalysisInputs]> = [
    ['--spec', a.spec, (t) => ({ specText: t })],
    ['--rules', a.rules, (t, f) => ({ rulesText: t, rulesSource: f })],
    ['--ip-lists', a.ipLists, (t) => ({ reputationText: t })],
    ['--overrides', a.overrides, (t) => ({ overridesText: t })],
  ];
  for (const [flag, file, asInput] of docs) {
    if (file === undefined) continue;
    const one = asInput(readFlagFile(flag, file), file);
    try {
      buildAnalyses(one);
    } catch (e) {
      const msg = (e as Error).message;
      // Several problems stay one per line, as cdk synth lists them; the file is named once.
      throw new CliError(`${flag} ${file}: ${msg.startsWith(`${file}: `) ? msg.slice(file.length + 2) : msg}`);
    }
    Object.assign(inputs, one);
  }
  return inputs;
}

/**
 * `apiscope replay`: the pipeline over a file, findings lake under `out` in the bucket's layout. The lake is
 * written into a hidden sibling and renamed into place at the end, so a failed run leaves no lake behind.
 */
export async function runReplay(a: ReplayArgs): Promise<{ metrics: Record<string, number> }> {
  checkInputFile('--input', a.input);
  const inputs = readInputs(a);
  const fieldMapping = a.fieldMapping ? readFieldMappingFile('--field-mapping', a.fieldMapping) : undefined;
  const staged = stageOutDir('--out', a.out);
  const metrics = new CountingMetrics();
  const alerts = new JsonlAlertSink(join(staged.dir, 'alerts.jsonl'));
  const log = (s: string) => { if (!a.quiet) console.log(s); };
  let stats;
  try {
    const handler = createLocalHandler(
      { kv: new MemoryKeyValueStore(), blobs: new FileBlobStore(staged.dir), alerts, metrics, triage: storeTriage(new FileTriageStore(staged.dir)) },
      { hashKey: a.hashKey ?? process.env.APISCOPE_HASH_KEY, engine: { minShards: a.shards }, inputs, fieldMapping },
    );
    log(`Replaying ${a.input} over ${a.shards} shard(s)...`);
    stats = await replayFile(a.input, handler, { shards: a.shards, onProgress: a.quiet ? undefined : (n) => process.stderr.write(`  ${n} lines\r`) });
    if (stats.lines === 0) throw new CliError(`--input ${a.input}: holds no log lines (only blank lines); give a file with access-log records`);
    staged.commit();
  } catch (e) {
    staged.abort();
    if (e instanceof InputFileError) throw new CliError(`--input ${e.message}; nothing was written to ${a.out}`);
    throw e;
  }
  const rejected = Object.entries(metrics.counts).filter(([k]) => k.startsWith('RecordsRejected.')).map(([k, v]) => [k, v] as const);
  const totalRejected = rejected.reduce((s, [, v]) => s + v, 0);
  const analysed = metrics.counts.EventsIn ?? 0;
  log(`Read ${stats.lines} lines in ${(stats.ms / 1000).toFixed(1)} s (${Math.round(stats.lines / Math.max(stats.ms / 1000, 1e-3))} lines/s); events analysed: ${analysed}; late: ${metrics.counts.LateEvents ?? 0}`);
  log(`Rejected: ${rejected.length ? `${totalRejected} lines: ` + rejected.map(([k, v]) => `${k.slice(16)}=${v}`).join(', ') : 'none'}${rejected.length ? ` (kept in ${join(a.out, 'quarantine')})` : ''}`);
  if (analysed === 0) console.error(`apiscope replay: warning: none of the ${stats.lines} lines could be analysed (see ${join(a.out, 'quarantine')}); if your logs use other key names, give --field-mapping FILE`);
  log('');
  if (!a.quiet) log(await summarizeLake(a.out));
  log('');
  log(`Alerts: ${alerts.sent.length} -> ${join(a.out, 'alerts.jsonl')}`);
  log(`Findings lake: ${a.out}  (query: npx apiscope query --data ${a.out} "SELECT ...")`);
  return { metrics: metrics.counts };
}
