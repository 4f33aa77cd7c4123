/**
 * Runs the defects analysis over the dev evaluation sample and reports what it found.
 *
 *   node --import tsx scripts/eval-defects.ts            # sample from ../shared/eval/dev-sample
 *   APISCOPE_EVAL_DIR=/path/to/eval node --import tsx scripts/eval-defects.ts
 *
 * Discovery comes from shared/discover when it exists; otherwise (development only) a stand-in resolver reads
 * templates from the sample's truth.ndjson, falling back to the gateway's resourcePath.
 */
import { existsSync, readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { join } from 'node:path';
import { evalDir, loadEvents } from '../local/loadEvents.ts';
import { runInMemory } from '../shared/engine/runInMemory.ts';
import type { DiscoveryAnalysis, EndpointResolver } from '../shared/engine/types.ts';
import type { DefectRow } from '../shared/emit/rows.ts';
import { createMasker } from '../shared/sensitive/maskPath.ts';
import { createDefectsAnalysis } from '../shared/check/index.ts';
import { shapeOf } from '../shared/check/spec/parseSpec.ts';

interface Label { id: string; scenario: string; kind: string; domainName: string; startEpoch: number; endEpoch: number; templates: string[] }

// APISCOPE_EVAL_DIR may name the eval root (holding dev-sample/) or a sample folder itself.
const dir = existsSync(join(evalDir(), 'access.ndjson.gz')) || existsSync(join(evalDir(), 'access.ndjson')) ? evalDir() : join(evalDir(), 'dev-sample');
const readMaybeGz = (base: string): string => {
  if (existsSync(join(dir, base))) return readFileSync(join(dir, base), 'utf8');
  return gunzipSync(readFileSync(join(dir, base + '.gz'))).toString('utf8');
};
const ndjson = <T>(text: string): T[] => text.split('\n').filter(Boolean).map((l) => JSON.parse(l) as T);

/** Development stand-in for discovery: truth templates (masked like the events), else resourcePath. */
function truthDiscovery(events: { domainName: string; method: string; path: string; resourcePath: string | null; stage: string }[]): DiscoveryAnalysis<Record<string, never>> {
  const masker = createMasker('apiscope-local');
  const map = new Map<string, string | null>();
  const stripStage = (domain: string, stage: string, p: string) => (domain.includes('.execute-api.') && stage && p.startsWith(`/${stage}/`) ? p.slice(stage.length + 1) : p);
  for (const t of ndjson<{ domainName: string; method: string; path: string; template: string | null; stage: string }>(readMaybeGz('truth.ndjson'))) {
    const path = masker.maskPath(stripStage(t.domainName, t.stage, t.path));
    map.set(`${t.domainName} ${t.method} ${path}`, t.template === null ? null : stripStage(t.domainName, t.stage, t.template));
  }
  const rp = new Map<string, string | null>();
  for (const e of events) rp.set(`${e.domainName} ${e.method} ${e.path}`, e.resourcePath && !e.resourcePath.includes('+}') ? e.resourcePath : null);
  const resolver: EndpointResolver = {
    templateOf: (d, m, p) => { const k = `${d} ${m} ${p}`; const t = map.get(k); return t !== undefined ? t : rp.get(k) ?? null; },
    endpointInfo: () => undefined,
  };
  return { name: 'discovery', initialState: () => ({}), closeWindow: () => ({}), resolver: () => resolver };
}

async function discovery(events: Parameters<typeof truthDiscovery>[0]): Promise<{ d: DiscoveryAnalysis<any>; kind: string }> {
  const file = new URL('../shared/discover/index.ts', import.meta.url);
  if (existsSync(file) && process.env.APISCOPE_EVAL_TRUTH !== '1') {
    const mod = (await import(file.href)) as { createDiscoveryAnalysis?: () => DiscoveryAnalysis<any> };
    if (mod.createDiscoveryAnalysis) return { d: mod.createDiscoveryAnalysis(), kind: 'shared/discover' };
  }
  return { d: truthDiscovery(events), kind: 'truth.ndjson stand-in (development only)' };
}

const t0 = performance.now();
const { events, rejected } = await loadEvents(existsSync(join(dir, 'access.ndjson.gz')) ? join(dir, 'access.ndjson.gz') : join(dir, 'access.ndjson'));
const tLoad = performance.now();
const { d, kind } = await discovery(events);
/**
 * APISCOPE_EVAL_SPECS=1: also import the sample's API templates as specs (one per API, bound to its domain, all
 * operations secured) to see what the spec checks report on this traffic. Development aid only.
 */
function sampleSpecs(): unknown[] {
  const tdir = existsSync(join(evalDir(), 'templates')) ? join(evalDir(), 'templates') : join(dir, '..', 'templates');
  const domains = new Map<string, { domain: string; stage: string }>();
  for (const t of ndjson<{ api: string; domainName: string; stage: string }>(readMaybeGz('truth.ndjson'))) domains.set(t.api, { domain: t.domainName, stage: t.stage });
  const out: unknown[] = [];
  for (const [api, { domain }] of domains) {
    const f = join(tdir, `${api}.json`);
    if (!existsSync(f)) continue;
    const tpl = JSON.parse(readFileSync(f, 'utf8')) as { title: string; basePath: string; ops: Array<{ method: string; path: string }> };
    const paths: Record<string, Record<string, unknown>> = {};
    for (const op of tpl.ops) (paths[op.path] ??= {})[op.method.toLowerCase()] = {};
    out.push({ domainName: domain, document: { openapi: '3.0.0', info: { title: tpl.title }, servers: [{ url: tpl.basePath || '/' }], security: [{ auth: [] }], components: { securitySchemes: { auth: { type: 'http', scheme: 'bearer' } } }, paths } });
  }
  return out;
}
const defects = createDefectsAnalysis(process.env.APISCOPE_EVAL_SPECS === '1' ? { spec: sampleSpecs() } : {});
const timed = { ms: 0 };
const inner = defects.closeWindow.bind(defects);
const resolveMs = { ms: 0 };
defects.closeWindow = (evs, st, ctx) => {
  const r = ctx.endpoints;
  const endpoints = { templateOf: (a: string, b: string, c: string) => { const s = performance.now(); const t = r.templateOf(a, b, c); resolveMs.ms += performance.now() - s; return t; }, endpointInfo: r.endpointInfo.bind(r) };
  const s = performance.now(); const o = inner(evs, st, { ...ctx, endpoints }); timed.ms += performance.now() - s; return o;
};
const tRun0 = performance.now();
const { outputs, states } = runInMemory(events, d, [defects]);
const tRun = performance.now();

const rows: DefectRow[] = outputs.defects.flatMap((o) => o.defects ?? []);
const alerts = outputs.defects.flatMap((o) => o.alerts ?? []);
const latest = new Map<string, DefectRow>();
for (const r of rows) latest.set(r.defect_id, r);
const defectsNow = [...latest.values()];

console.log(`events ${events.length} (rejected ${rejected}), discovery: ${kind}`);
console.log(`\nDefects per type (distinct defects; rows written; alerts):`);
const types = [...new Set(defectsNow.map((r) => r.defect_type))].sort();
for (const t of types) {
  const ds = defectsNow.filter((r) => r.defect_type === t);
  console.log(`  ${t.padEnd(32)} ${String(ds.length).padStart(4)}   rows ${rows.filter((r) => r.defect_type === t).length}   alerts ${alerts.filter((a) => (a.body.defectType as string) === t).length}`);
}
console.log(`  ${'TOTAL'.padEnd(32)} ${String(defectsNow.length).padStart(4)}   rows ${rows.length}   alerts ${alerts.length}`);

const labels = ndjson<Label>(readMaybeGz('labels.ndjson'));
const tol = 10 * 60_000;
const matchesTemplate = (r: DefectRow, lt: string): boolean => {
  if (r.template === '*') return true;
  const [m, t] = lt.split(' ');
  const a = shapeOf(t), b = shapeOf(r.template);
  return (r.method === m || r.method === '*') && (a === b || a.endsWith(b) || b.endsWith(a));
};
console.log('\nLabelled defect windows:');
for (const l of labels.filter((x) => x.kind === 'defect')) {
  const hit = rows.filter((r) => r.defect_type === l.scenario && r.domain_name === l.domainName && l.templates.some((t) => matchesTemplate(r, t)))
    .filter((r) => Date.parse(r.first_seen) <= l.endEpoch + tol && Date.parse(r.last_seen) >= l.startEpoch - tol);
  const first = hit.length ? hit.map((r) => r.first_seen).sort()[0] : null;
  console.log(`  ${l.id.padEnd(26)} ${l.templates[0]}  ${new Date(l.startEpoch).toISOString()} .. ${new Date(l.endEpoch).toISOString()}: ${hit.length ? `FOUND (first seen ${first}, ${hit.length} rows)` : 'MISSED'}`);
}

const show = (title: string, rs: DefectRow[]) => {
  console.log(`\n${title}: ${rs.length}`);
  for (const r of rs) console.log(`  [${r.severity}] ${r.status} ${r.method} ${r.domain_name}${r.template}  occ=${r.occurrences}  ${r.evidence.slice(0, 260)}`);
};
show('PII / sensitive data in URL findings', defectsNow.filter((r) => r.defect_type === 'sensitive_data_in_url'));
show('Unauthenticated file download findings', defectsNow.filter((r) => r.defect_type === 'unauthenticated_file_download'));
for (const l of labels.filter((x) => x.scenario === 'unauth_bulk_download')) {
  const hit = defectsNow.some((r) => r.defect_type === 'unauthenticated_file_download' && r.domain_name === l.domainName && l.templates.some((t) => matchesTemplate(r, t)));
  console.log(`  label ${l.id}: ${hit ? 'FOUND' : 'MISSED'}`);
}
const others = defectsNow.filter((r) => !['sensitive_data_in_url', 'unauthenticated_file_download'].includes(r.defect_type));
if (process.env.APISCOPE_EVAL_VERBOSE !== '0') show('Other findings', others);

const secs = (ms: number) => (ms / 1000).toFixed(2);
const st = states.defects as { checks: Record<string, unknown>; lifecycle: unknown; rules: unknown };
console.log(`\nDefects state after the run: ${(JSON.stringify(st).length / 1024).toFixed(0)} KiB of JSON (` +
  [...Object.entries(st.checks), ['lifecycle', st.lifecycle] as const].map(([k, v]) => `${k} ${(JSON.stringify(v).length / 1024).toFixed(0)}`).join(', ') + ')');
console.log(`\nThroughput: load+normalize ${secs(tLoad - t0)} s; discovery+defects ${secs(tRun - tRun0)} s; defects alone ${secs(timed.ms)} s = ${Math.round(events.length / (timed.ms / 1000)).toLocaleString('en')} events/s, ` +
  `of which resolving paths through discovery ${secs(resolveMs.ms)} s; checks without resolution ${Math.round(events.length / ((timed.ms - resolveMs.ms) / 1000)).toLocaleString('en')} events/s`);
