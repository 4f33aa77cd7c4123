import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { readInput } from '../local/readInput.ts';
import { normalizeRecord } from '../shared/normalize/normalizeRecord.ts';
import { maskEvent } from '../shared/normalize/maskEvent.ts';
import { createMasker } from '../shared/sensitive/maskPath.ts';
import type { AccessEvent } from '../shared/normalize/types.ts';
import { DEFAULT_WINDOW_MS, type WindowContext } from '../shared/engine/types.ts';
import { compareEvents, windowOf } from '../shared/engine/windowOf.ts';
import { createDiscoveryAnalysis, compareWithSpec, exportOpenApi, parseOpenApiSpec, parseOverrides, templateChanges, type DiscoveryState } from '../shared/discover/index.ts';

const USAGE = 'usage: apiscope discover --input FILE --out DIR [--spec FILE] [--overrides FILE]';

interface DiscoverArgs { input: string; out: string; spec?: string; overrides?: string }

function parseArgs(argv: string[]): DiscoverArgs | string {
  const o: Partial<DiscoverArgs> = {};
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const v = argv[i + 1];
    if (a === '--input' || a === '--out' || a === '--spec' || a === '--overrides') {
      if (v === undefined || v.startsWith('--')) return `${a} needs a value`;
      o[a.slice(2) as keyof DiscoverArgs] = v;
      i++;
    } else if (a === '-h' || a === '--help') return '';
    else return `unknown option ${a}`;
  }
  if (!o.input) return '--input is required';
  if (!o.out) return '--out is required';
  return o as DiscoverArgs;
}

/** Summary of one discover run, also returned for scripts. */
export interface DiscoverResult {
  records: number;
  rejected: number;
  paths: number;
  endpoints: number;
  domains: string[];
  seconds: number;
  stateBytes: number;
}

/**
 * `apiscope discover`: reads access logs (same formats as replay), learns the endpoint templates and writes
 * `DIR/paths.ndjson` (one line per distinct domain, method and raw path, with its template) and
 * `DIR/openapi/<domain>.json`.
 *
 * @example
 * await discoverCommand(['--input', 'access.ndjson.gz', '--out', 'out/']);
 */
export async function discoverCommand(argv: string[]): Promise<number> {
  const args = parseArgs(argv);
  if (typeof args === 'string') {
    if (args) console.error(`apiscope discover: ${args}`);
    console.error(USAGE);
    return args ? 2 : 0;
  }
  try {
    const r = await runDiscover(args);
    console.log(`discover: ${r.records} records (${r.rejected} rejected), ${r.paths} distinct paths, ${r.endpoints} endpoints on ${r.domains.length} domains in ${r.seconds.toFixed(1)} s (${Math.round(r.records / Math.max(r.seconds, 1e-3))} records/s); state ${(r.stateBytes / 1e6).toFixed(1)} MB`);
    console.log(`wrote ${join(args.out, 'paths.ndjson')} and ${join(args.out, 'openapi')}/<domain>.json`);
    return 0;
  } catch (e) {
    console.error(`apiscope discover: ${(e as Error).message}`);
    return 1;
  }
}

/** The work behind {@link discoverCommand}; exported for the evaluation script. */
export async function runDiscover(args: DiscoverArgs): Promise<DiscoverResult> {
  const t0 = performance.now();
  for (const [flag, f] of [['--input', args.input], ['--spec', args.spec], ['--overrides', args.overrides]] as const) {
    if (f !== undefined && (!existsSync(f) || !statSync(f).isFile())) throw new Error(`${flag} ${f}: no such file`);
  }
  const spec = args.spec ? parseOpenApiSpec(readFileSync(args.spec, 'utf8')) : undefined;
  const overrides = args.overrides ? parseOverrides(parseYaml(readFileSync(args.overrides, 'utf8'))) : undefined;
  const masker = createMasker(process.env.APISCOPE_HASH_KEY ?? 'apiscope-local');
  const events: AccessEvent[] = [];
  // Raw path (as the user logged it) per event, and the masked, stage-stripped path discovery resolves.
  const rawOf: string[] = [];
  let records = 0, rejected = 0;
  for await (const item of readInput(args.input)) {
    records++;
    if ('error' in item) { rejected++; continue; }
    const r = normalizeRecord(item.message, { referenceTs: item.logTs });
    if (!r.ok) { rejected++; continue; }
    events.push(maskEvent(r.event, masker));
    rawOf.push(rawPathOf(item.message) ?? r.event.path);
  }
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
  if (ctx) discovery.finish(state, ctx);

  mkdirSync(join(args.out, 'openapi'), { recursive: true });
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
    endpoints: Object.keys((state as DiscoveryState).endpoints).length,
    domains,
    seconds: (performance.now() - t0) / 1000,
    stateBytes: stateJson.length,
  };
}

/** The path exactly as logged (stage prefix kept, query removed); null when the message has no string path. */
function rawPathOf(message: string): string | null {
  const i = message.indexOf('"path":"');
  if (i < 0) return null;
  let j = i + 8;
  while (j < message.length && message.charCodeAt(j) !== 34) j += message.charCodeAt(j) === 92 ? 2 : 1;
  let p: string;
  try { p = JSON.parse(message.slice(i + 7, j + 1)) as string; } catch { return null; }
  const q = p.indexOf('?');
  return q >= 0 ? p.slice(0, q) : p;
}
