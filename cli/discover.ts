import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { InputFileError, readInput } from '../local/readInput.ts';
import { DEFAULT_FIELD_MAPPING } from '../shared/normalize/fieldMapping.ts';
import { CliError } from './cliError.ts';
import { checkInputFile, readFlagFile } from './checkPaths.ts';
import { readFieldMappingFile } from './fieldMappingFile.ts';
import { normalizeRecord } from '../shared/normalize/normalizeRecord.ts';
import { maskEvent } from '../shared/normalize/maskEvent.ts';
import { createMasker } from '../shared/sensitive/maskPath.ts';
import type { AccessEvent } from '../shared/normalize/types.ts';
import { DEFAULT_WINDOW_MS, type WindowContext } from '../shared/engine/types.ts';
import { compareEvents, windowOf } from '../shared/engine/windowOf.ts';
import { createDiscoveryAnalysis, compareWithSpec, exportOpenApi, parseOpenApiSpec, parseOverrides, templateChanges } from '../shared/discover/index.ts';

/** What `apiscope discover` takes; paths as given on the command line. */
export interface DiscoverArgs { input: string; out: string; spec?: string; overrides?: string; fieldMapping?: string }

/** Summary of one discover run, also returned for scripts. */
export interface DiscoverResult {
  records: number;
  rejected: number;
  paths: number;
  /** Endpoints in the inventory at the end: the rows of discovery's final snapshot (what replay's lake ends with). */
  endpoints: number;
  domains: string[];
  seconds: number;
  stateBytes: number;
}

/**
 * `apiscope discover`: reads access logs (same formats as replay), learns the endpoint templates and writes
 * `DIR/paths.ndjson` (one line per distinct domain, method and raw path, with its template) and
 * `DIR/openapi/<domain>.json`. Prints what it did; errors are thrown for the CLI to print.
 *
 * @example
 * await discoverCommand({ input: 'access.ndjson.gz', out: 'out/' });
 */
export async function discoverCommand(args: DiscoverArgs): Promise<number> {
  const r = await runDiscover(args);
  console.log(`discover: ${r.records} records (${r.rejected} rejected), ${r.paths} distinct paths, ${r.endpoints} endpoints on ${r.domains.length} domains in ${r.seconds.toFixed(1)} s (${Math.round(r.records / Math.max(r.seconds, 1e-3))} records/s); state ${(r.stateBytes / 1e6).toFixed(1)} MB`);
  console.log(`wrote ${join(args.out, 'paths.ndjson')} and ${join(args.out, 'openapi')}/<domain>.json`);
  return 0;
}

/** The work behind {@link discoverCommand}; exported for the evaluation script. */
export async function runDiscover(args: DiscoverArgs): Promise<DiscoverResult> {
  const t0 = performance.now();
  checkInputFile('--input', args.input);
  const spec = args.spec ? parseDoc('--spec', args.spec, parseOpenApiSpec) : undefined;
  const overrides = args.overrides ? parseDoc('--overrides', args.overrides, (t) => parseOverrides(parseYaml(t))) : undefined;
  const mapping = args.fieldMapping ? readFieldMappingFile('--field-mapping', args.fieldMapping) : DEFAULT_FIELD_MAPPING;
  const masker = createMasker(process.env.APISCOPE_HASH_KEY ?? 'apiscope-local');
  const events: AccessEvent[] = [];
  // Raw path (as the user logged it) per event, and the masked, stage-stripped path discovery resolves.
  const rawOf: string[] = [];
  const pathKey = `${JSON.stringify(mapping.path)}:"`;
  let records = 0, rejected = 0;
  try {
    for await (const item of readInput(args.input)) {
      records++;
      if ('error' in item) { rejected++; continue; }
      const r = normalizeRecord(item.message, { referenceTs: item.logTs, mapping });
      if (!r.ok) { rejected++; continue; }
      events.push(maskEvent(r.event, masker));
      rawOf.push(rawPathOf(item.message, pathKey) ?? r.event.path);
    }
  } catch (e) {
    if (e instanceof InputFileError) throw new CliError(`--input ${e.message}; nothing was written`);
    throw e;
  }
  if (records === 0) throw new CliError(`--input ${args.input}: holds no log lines (only blank lines); give a file with access-log records`);
  const order = events.map((_, i) => i).sort((a, b) => compareEvents(events[a], events[b]));
  const discovery = createDiscoveryAnalysis({ spec, overrides });
  const state = discovery.initialState();
  let ctx: WindowContext | null = null;
  for (let i = 0; i < order.length;) {
    const ws = windowOf(events[order[i]].ts, DEFAULT_WINDOW_MS);
    const win: AccessEvent[] = [];
    while (i < order.length && events[order[i]].ts < ws + DEFAULT_WINDOW_MS) win.push(events[order[i++]]);
    ctx = { windowStart: ws, windowEnd: ws + DEFAULT_WINDOW_MS, endpoints: discovery.resolver(state) };
    discovery.closeWindow(win, state, ctx);
  }
  const resolver = discovery.resolver(state);
  const inventory = ctx ? (discovery.finish(state, ctx).endpoints ?? []) : [];

  try {
    mkdirSync(join(args.out, 'openapi'), { recursive: true });
  } catch (e) {
    throw new CliError(`--out ${args.out}: cannot write there (${(e as NodeJS.ErrnoException).code ?? (e as Error).message}); give a folder you can write to`);
  }
  const seen = new Set<string>();
  const lines: string[] = [];
  for (let i = 0; i < events.length; i++) {
    const ev = events[i];
    const key = `${ev.domainName}\t${ev.method}\t${rawOf[i]}`;
    if (seen.has(key)) continue;
    seen.add(key);
    const template = resolver.templateOf(ev.domainName, ev.method, ev.path);
    lines.push(JSON.stringify({ domainName: ev.domainName, method: ev.method, path: rawOf[i], template: template ?? rawOf[i], ...(template ? {} : { noise: true }) }));
  }
  writeFileSync(join(args.out, 'paths.ndjson'), lines.join('\n') + (lines.length ? '\n' : ''));
  const domains = Object.keys(state.domains).sort();
  for (const d of domains) writeFileSync(join(args.out, 'openapi', `${d.replace(/[^A-Za-z0-9.-]/g, '_')}.json`), JSON.stringify(exportOpenApi(state, d), null, 2));
  const stateJson = JSON.stringify(state);
  writeFileSync(join(args.out, 'changes.ndjson'), templateChanges(state).map((c) => JSON.stringify(c)).join('\n'));
  if (spec) writeFileSync(join(args.out, 'spec-comparison.json'), JSON.stringify(compareWithSpec(state), null, 2));
  return {
    records,
    rejected,
    paths: lines.length,
    endpoints: inventory.length,
    domains,
    seconds: (performance.now() - t0) / 1000,
    stateBytes: stateJson.length,
  };
}

/** The path exactly as logged (stage prefix kept, query removed); null when the message has no string path. */
function rawPathOf(message: string, key: string): string | null {
  const i = message.indexOf(key);
  if (i < 0) return null;
  let j = i + key.length;
  while (j < message.length && message.charCodeAt(j) !== 34) j += message.charCodeAt(j) === 92 ? 2 : 1;
  let p: string;
  try { p = JSON.parse(message.slice(i + key.length - 1, j + 1)) as string; } catch { return null; }
  const q = p.indexOf('?');
  return q >= 0 ? p.slice(0, q) : p;
}

/** A flag's document parsed by its parser; a mistake in it names the flag and the file. */
function parseDoc<T>(flag: string, file: string, parse: (text: string) => T): T {
  const text = readFlagFile(flag, file);
  try {
    return parse(text);
  } catch (e) {
    throw new CliError(`${flag} ${file}: ${(e as Error).message}`);
  }
}
