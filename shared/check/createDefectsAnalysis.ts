import type { Analysis, AnalysisOutput, WindowContext } from '../engine/types.ts';
import { windowPathsOf } from '../engine/windowPaths.ts';
import type { AccessEvent } from '../normalize/types.ts';
import type { Alert, DefectRow, Severity } from '../emit/rows.ts';
import { SEVERITY_ORDER } from '../emit/rows.ts';
import type { CustomRule } from '../rules/types.ts';
import { compileRules, evaluateRules, type RulesState } from '../rules/evaluateRules.ts';
import type { Check, Finding, ResolvedEvent, WindowView } from './types.ts';
import type { SpecModel } from './spec/types.ts';
import { fromImportedInventory, parseSpec } from './spec/parseSpec.ts';
import { BUILTIN_CHECKS } from './checks/index.ts';
import { applyFindings, pendingUpdates, severityAtLeast, toRow, type FindingText, type LifecycleState, type Transition } from './lifecycle.ts';
import { buildAlert } from './buildAlert.ts';
import { defectResolvedAlert } from '../emit/defectResolved.ts';
import { isAuthenticated, LONG_DIGITS } from './util.ts';

export interface DefectsOptions {
  /** Custom rules, from `parseRules`. */
  rules?: CustomRule[];
  /**
   * An OpenAPI 3 / Swagger 2 document (parsed JSON/YAML object) to compare traffic with. It applies to the hosts
   * named in its `servers` / `host`, or to every domain when it names none; pass `{ domainName, document }` to
   * bind it to one API Gateway domain explicitly. An array imports several specs (one per API). Discovery's
   * imported inventory (`parseOpenApiSpec`) is accepted too, but carries no security section: only the
   * inventory checks (shadow, zombie, deprecated) use it.
   */
  spec?: unknown;
  /** A defect not seen for this long (event time) is resolved. Default 24 h. */
  resolveAfterMs?: number;
  /** New and reopened defects at or above this severity raise an alert. Default `high`. */
  minAlertSeverity?: Severity;
  athenaConsoleUrl?: string;
  /** Only run these built-in checks (by id); default all. */
  checks?: string[];
  /** Threshold overrides per check id, e.g. `{ missing_rate_limit: { minCallerRequests: 300 } }`. */
  thresholds?: Record<string, Record<string, number>>;
  /** Minimum event time between two occurrence-update rows of one open defect. Default 1 h. */
  updateEveryMs?: number;
}

export interface DefectsState {
  checks: Record<string, unknown>;
  rules: RulesState;
  lifecycle: LifecycleState;
}

/**
 * The defects analysis: built-in OWASP API Top 10 checks and custom rules over each closed window, with a
 * lifecycle per defect (open -> resolved -> reopened) and one alert per new or reopened defect.
 *
 * @example
 * const defects = createDefectsAnalysis({ rules: parseRules(text, 'rules.yaml'), minAlertSeverity: 'high' });
 * const { outputs } = runInMemory(events, discovery, [defects]);
 * outputs.defects.flatMap((o) => o.defects ?? []);
 */
export function createDefectsAnalysis(opts: DefectsOptions = {}): Analysis<DefectsState> {
  const specs: SpecModel[] = opts.spec === undefined ? [] : (Array.isArray(opts.spec) ? opts.spec : [opts.spec]).map((v, i) => {
    const m = loadSpec(v);
    if (!m) throw new Error(`spec${Array.isArray(opts.spec) ? `[${i}]` : ''}: not an OpenAPI 3 / Swagger 2 document (no "paths" object)`);
    return m;
  });
  const checks: Check[] = BUILTIN_CHECKS.filter((c) => (!opts.checks || opts.checks.includes(c.definition.id)) && (!c.definition.needsSpec || specs.length > 0));
  const thresholds = new Map(checks.map((c) => [c.definition.id, { ...c.definition.thresholds, ...(opts.thresholds?.[c.definition.id] ?? {}) }]));
  const rules = compileRules(opts.rules ?? []);
  const byType = new Map<string, FindingText>();
  const quietOf = (c: Check): number | undefined => opts.thresholds?.[c.definition.id]?.resolveAfterMs ?? c.definition.resolveAfterMs;
  const quiet = new Map(checks.map((c) => [c.definition.id, quietOf(c)]));
  for (const c of checks) byType.set(c.definition.id, { title: c.definition.title, fix: c.definition.fix, owasp: c.definition.owasp, severity: c.definition.severity, resolveAfterMs: quietOf(c) });
  for (const r of opts.rules ?? []) byType.set(`custom:${r.id}`, { title: r.title, fix: r.fix, owasp: r.owasp, severity: r.severity });
  const textOf = (f: Finding): FindingText => {
    const base = byType.get(f.type) ?? { title: f.type, fix: '', owasp: 'custom', severity: 'medium' as Severity };
    return { title: f.title ?? base.title, fix: f.fix ?? base.fix, owasp: f.owasp ?? base.owasp, severity: base.severity, resolveAfterMs: f.resolveAfterMs ?? base.resolveAfterMs };
  };
  const lifecycleOpts = { resolveAfterMs: opts.resolveAfterMs ?? 86_400_000, updateEveryMs: opts.updateEveryMs ?? 3_600_000, maxDefects: 10_000, maxHistory: 3 };
  const minAlert = opts.minAlertSeverity ?? 'high';

  const emit = (ts: Transition[], windowEnd: number): AnalysisOutput => {
    const defects: DefectRow[] = ts.map((t) => toRow(t.record));
    // One alert per lifecycle generation when it opens or reopens at the alert level, or first escalates to it;
    // then one more for each higher severity it escalates to. A resolution is a notice of its own.
    const alerts: Alert[] = [];
    for (const { record: d, change } of ts) {
      if (change === 'resolved') { alerts.push(defectResolvedAlert(d, windowEnd)); continue; }
      if ((change !== 'opened' && change !== 'reopened' && change !== 'escalated') || !severityAtLeast(d.severity, minAlert)) continue;
      const before = d.alertedGeneration === d.generation ? (d.alertedSeverity ?? minAlert) : undefined;
      if (before !== undefined && SEVERITY_ORDER[d.severity] <= SEVERITY_ORDER[before]) continue;
      d.alertedGeneration = d.generation;
      d.alertedSeverity = d.severity;
      alerts.push(buildAlert(d, { athenaConsoleUrl: opts.athenaConsoleUrl, escalatedFrom: before }));
    }
    return { defects, alerts };
  };

  return {
    name: 'defects',
    initialState: () => ({ checks: Object.fromEntries(checks.map((c) => [c.definition.id, c.initialState()])), rules: { groups: {} }, lifecycle: { defects: {} } }),
    closeWindow(events: readonly AccessEvent[], state: DefectsState, ctx: WindowContext): AnalysisOutput {
      const view = buildView(events, ctx, specs);
      const findings: Finding[] = [];
      for (const c of checks) {
        const id = c.definition.id;
        state.checks[id] ??= c.initialState();
        const d = c.definition;
        for (const f of c.evaluate(view, state.checks[id], thresholds.get(id)!)) {
          findings.push(f.type === id ? f : { ...f, title: f.title ?? d.title, fix: f.fix ?? d.fix, owasp: f.owasp ?? d.owasp, severity: f.severity ?? d.severity, resolveAfterMs: quiet.get(id) });
        }
      }
      if (rules.length) findings.push(...evaluateRules(view, state.rules, rules));
      return emit(applyFindings(state.lifecycle, findings, textOf, ctx.windowEnd, lifecycleOpts), ctx.windowEnd);
    },
    finish(state: DefectsState, ctx: WindowContext): AnalysisOutput {
      return emit(pendingUpdates(state.lifecycle, ctx.windowEnd), ctx.windowEnd);
    },
    defectSeenSince(state: DefectsState, id: string, since: number): DefectRow | undefined {
      const d = state.lifecycle.defects[id];
      return d !== undefined && d.lastSeen > since ? toRow(d) : undefined;
    },
  };
}

/** What a path of the window resolved to: its template, endpoint key and the endpoint's group (null: none). */
interface Resolution { template: string | null; key: string | null; group: ResolvedEvent[] | null }

const NO_ENDPOINT: Resolution = { template: null, key: null, group: null };

/** A distinct path of the window: its resolution and what the checks test about the path itself. */
interface PathEntry { res: Resolution; masked: boolean; longDigits: boolean }

/** One domain's templates in a window: per method, template -> resolution (shared by the paths of a template). */
type DomainLookups = Map<string, Map<string, Resolution>>;

/**
 * Resolves every event to its endpoint once and groups them; OPTIONS (CORS preflight) stays out of the endpoint
 * groups. A window repeats about two thirds of its paths and many paths share a template: each distinct path is
 * resolved once (by its number in the window, see indexPaths) and each template keyed once, through nested maps
 * so that no look-up string is built per event.
 */
export function buildView(events: readonly AccessEvent[], ctx: WindowContext, specs: readonly SpecModel[] = []): WindowView {
  const resolved: ResolvedEvent[] = new Array(events.length);
  const byEndpoint = new Map<string, ResolvedEvent[]>();
  const domains = new Map<string, DomainLookups>();
  const paths = windowPathsOf(events, ctx.paths);
  const slotOf = paths.slotOf;
  const entries: Array<PathEntry | undefined> = new Array(paths.size);
  const templates = ctx.endpoints.templatesOf?.(paths);
  for (let i = 0; i < events.length; i++) {
    const ev = events[i];
    let entry = entries[slotOf[i]];
    if (entry === undefined) {
      const template = templates !== undefined ? templates[slotOf[i]] : ctx.endpoints.templateOf(ev.domainName, ev.method, ev.path);
      let res = NO_ENDPOINT;
      if (template !== null) {
        let lookups = domains.get(ev.domainName);
        if (lookups === undefined) domains.set(ev.domainName, (lookups = new Map()));
        let byTemplate = lookups.get(ev.method);
        if (byTemplate === undefined) lookups.set(ev.method, (byTemplate = new Map()));
        const known = byTemplate.get(template);
        if (known !== undefined) res = known;
        else {
          const key = `${ev.domainName} ${ev.method} ${template}`;
          let group: ResolvedEvent[] | null = null;
          if (ev.method !== 'OPTIONS') {
            group = byEndpoint.get(key) ?? null;
            if (group === null) byEndpoint.set(key, (group = []));
          }
          res = { template, key, group };
          byTemplate.set(template, res);
        }
      }
      entry = { res, masked: ev.path.includes('*'), longDigits: LONG_DIGITS.test(ev.path) };
      entries[slotOf[i]] = entry;
    }
    const { res } = entry;
    const r: ResolvedEvent = {
      ev, template: res.template, key: res.key, authenticated: isAuthenticated(ev),
      status: ev.status, ts: ev.ts, latency: ev.integrationLatency ?? ev.responseLatency, masked: entry.masked || ev.query.includes('*'), longDigits: entry.longDigits,
    };
    resolved[i] = r;
    if (res.group !== null) res.group.push(r);
  }
  const hostless = specs.filter((s) => s.hosts.length === 0);
  const specsFor = (domain: string): readonly SpecModel[] => {
    const d = domain.toLowerCase();
    const named = specs.filter((s) => s.hosts.includes(d));
    return named.length ? named : hostless;
  };
  return { windowStart: ctx.windowStart, windowEnd: ctx.windowEnd, events: resolved, byEndpoint, endpoints: ctx.endpoints, specs, specsFor };
}

function loadSpec(v: unknown): SpecModel | null {
  const o = v as { domainName?: unknown; document?: unknown };
  if (o && typeof o === 'object' && typeof o.domainName === 'string' && o.document !== undefined) {
    const m = parseSpec(o.document);
    return m && { ...m, hosts: [o.domainName.toLowerCase()] };
  }
  return parseSpec(v) ?? fromImportedInventory(v);
}
