import type { AccessEvent } from '../normalize/types.ts';
import type { EndpointChangeRow, EndpointRow, FileAssetRow } from '../emit/rows.ts';
import { DEFAULT_WINDOW_MS, type AnalysisOutput, type DiscoveryAnalysis, type EndpointInfo, type EndpointResolver, type LakeDocument, type WindowContext } from '../engine/types.ts';
import { openApiKey } from '../engine/lakeLayout.ts';
import { windowPathsOf, type WindowPaths } from '../engine/windowPaths.ts';
import { parseMaskToken } from '../sensitive/maskPath.ts';
import { inferTemplates, loadTree, storeTree, templateKeyOf, type DecisionNode } from './inferTemplates.ts';
import { addKnownTemplate, alignResourcePath, matchKnown, type KnownNode } from './knownTemplates.ts';
import { overrideHints, parseOverrides, type DiscoveryOverrides, type OverrideHints, type ParsedOverrides } from './overrides.ts';
import type { ImportedSpec } from './parseOpenApiSpec.ts';
import { PathCache } from './pathCache.ts';
import { insertPath, newTrieNode, recountPath, splitPath, type TrieNode } from './pathTrie.ts';
import { TrieIndex } from './trieIndex.ts';
import { hash32, histQuantile, kmvAddHash, kmvEstimate, sizeBucket } from './sketches.ts';
import { nameTemplate, paramNames, paramPositions } from './templateNames.ts';
import { MAX_CHANGES, type DiscoveryState, type DomainState, type EndpointStats, type FileDay, type TemplateChange } from './types.ts';
import { FILE_ASSET_EXTENSIONS, shapeToParamType, valueShape } from './valueShape.ts';
import { countFileRequest, fileAssetRow, mergeFileDay, newFileDay } from './fileDays.ts';
import { addedRow, movedRow, removedRow } from './changeRows.ts';
import { exportOpenApi } from './exportOpenApi.ts';

export interface DiscoveryOptions {
  /** Imported OpenAPI/Swagger description: its operations are verified templates. */
  spec?: ImportedSpec;
  /** Operator pins, forced parameters, merges and splits (validated with {@link parseOverrides}). */
  overrides?: DiscoveryOverrides;
}

const HOUR = 3_600_000;
const DAY = 86_400_000;
const FILE_DAYS = 30;
/** Responses at least this large (median) on GET make an endpoint a file asset even without an extension. */
const LARGE_DOWNLOAD = 512 * 1024;
const MAX_CACHE = 200_000;
const MAX_ENDPOINTS_PER_DOMAIN = 20_000;
const MAX_POSITIONS = 50_000;
/** Hashes of the caller prefixes, so that a caller's sketch hash needs no `'p:' + id` string per request. */
const PRINCIPAL_SEED = hash32('p:');
const IP_SEED = hash32('ip:');
/** Shared by the resolutions without sensitive kinds (most of them): one object, always in the CPU cache. */
const NO_KINDS: readonly string[] = [];

/** Pass 1 looked a path up in its domain's memo and did not find it. */
const MISSED = Symbol('missed');

/** What a (domain, method, path) resolves to; cached per path. */
interface Resolved {
  key: string;
  template: string;
  source: 'verified' | 'inferred';
  specOp: number;
  /** True when it came from a gateway route template (`resourcePath`). */
  fromRoute: boolean;
  shapes: string[];
  sensitive: readonly string[];
  fileExt: string | null;
  /**
   * The inventory entry of `key`, once the inventory pass has looked it up. Entries are only replaced or
   * deleted by `reconcile`, right after the domain's cache (and so this object) was dropped.
   */
  ep?: EndpointStats;
}

interface DomainRuntime {
  name: string;
  tree: DecisionNode | null;
  treeGen: number;
  hints: OverrideHints;
  pins: KnownNode;
  cache: PathCache<Resolved | null>;
  /** Endpoint keys per method and template, so that a key is one (internalised) string. */
  keys: Map<string, Map<string, string>>;
  /** Route templates (and methods) already in `known`: adding them again would change nothing. */
  knownRoutes: Map<string, Set<string>>;
  /** Children lists of the domain's trie, for inference. */
  index: TrieIndex;
  /** Bumped whenever the cache is dropped: a `Resolved` looked up before is then stale. */
  epoch: number;
  /** The window (`Runtime.window`) this domain was last seen in, its state, and what pass 1 left for pass 2. */
  window: number;
  ds: DomainState | null;
  /** Pass-1 look-ups from this event index on are still valid in pass 2 if `epoch` is still `passEpoch`. */
  reuseFrom: number;
  passEpoch: number;
}

interface Runtime {
  domains: Map<string, DomainRuntime>;
  names: Map<string, string>;
  /** Parameter positions per template. */
  positions: Map<string, number[]>;
  /** Endpoint keys per domain (an index over `state.endpoints`, rebuilt after a restart). */
  byDomain: Map<string, Set<string>> | null;
  /** Windows closed by this runtime. */
  window: number;
  /** The last window's path numbers and the template each resolved to (see EndpointResolver.templatesOf). */
  last: { paths: WindowPaths; templates: Array<string | null> } | null;
  /** Inventory changes made since the analysis last returned (endpoint_changes rows it owes). */
  changes: EndpointChangeRow[];
}

/**
 * Asset discovery: learns endpoint templates per (domain, method) from the stream (gateway route templates when
 * present, imported spec operations, inference over the path trie otherwise), keeps an inventory per endpoint and
 * answers "which endpoint is this path?" for the other analyses.
 *
 * @example
 * const discovery = createDiscoveryAnalysis({ spec: parseOpenApiSpec(text) });
 * const { outputs, states } = runInMemory(events, discovery, []);
 * exportOpenApi(states.discovery as DiscoveryState, 'api.example.com');
 */
export function createDiscoveryAnalysis(opts: DiscoveryOptions = {}): DiscoveryAnalysis<DiscoveryState> & { finish(state: DiscoveryState, ctx: WindowContext): AnalysisOutput } {
  const overrides: ParsedOverrides = parseOverrides(opts.overrides ?? {});
  const spec = opts.spec ?? null;
  const specTrie: KnownNode = {};
  const specIndex = new Map<string, number>();
  if (spec) spec.operations.forEach((op, i) => { addKnownTemplate(specTrie, op.template, op.method); specIndex.set(op.method + ' ' + op.template, i); });
  const merges = new Map<string, string>();
  for (const mg of overrides.merges) for (const f of mg.from) merges.set(`${mg.domainName ?? ''}\t${mg.method ?? ''}\t${f}`, mg.into);
  const runtimes = new WeakMap<DiscoveryState, Runtime>();

  const rt = (state: DiscoveryState): Runtime => {
    let r = runtimes.get(state);
    if (!r) { r = { domains: new Map(), names: new Map(), positions: new Map(), byDomain: null, window: 0, last: null, changes: [] }; runtimes.set(state, r); }
    return r;
  };

  const domainRt = (r: Runtime, domainName: string): DomainRuntime => {
    let d = r.domains.get(domainName);
    if (!d) {
      const pins: KnownNode = {};
      for (const l of overrides.literals) if (!l.domainName || l.domainName === domainName) addKnownTemplate(pins, l.template, l.method ?? 'ANY');
      for (const s of overrides.splits) if (!s.domainName || s.domainName === domainName) for (const t of s.into) addKnownTemplate(pins, t, s.method ?? 'ANY');
      d = { name: domainName, tree: null, treeGen: -1, hints: withSpecHints(overrideHints(overrides, domainName), spec, domainName), pins, cache: new PathCache(MAX_CACHE), keys: new Map(), knownRoutes: new Map(), index: new TrieIndex(), epoch: 0, window: -1, ds: null, reuseFrom: 0, passEpoch: 0 };
      r.domains.set(domainName, d);
    }
    return d;
  };

  const domainState = (state: DiscoveryState, domainName: string): DomainState =>
    (state.domains[domainName] ??= { trie: newTrieNode(), trieNodes: 1, known: {}, sticky: [], gen: 0, inferredGen: 0, inferredAt: 0 });

  const endpointKeys = (state: DiscoveryState, r: Runtime, domainName: string): Set<string> => {
    if (!r.byDomain) {
      r.byDomain = new Map();
      for (const key in state.endpoints) {
        const dn = state.endpoints[key].domainName;
        let set = r.byDomain.get(dn);
        if (!set) r.byDomain.set(dn, (set = new Set()));
        set.add(key);
      }
    }
    let set = r.byDomain.get(domainName);
    if (!set) r.byDomain.set(domainName, (set = new Set()));
    return set;
  };

  const runInference = (state: DiscoveryState, r: Runtime, domainName: string, at: number): void => {
    const ds = state.domains[domainName];
    const d = domainRt(r, domainName);
    const sticky = new Set(ds.sticky);
    const { tree, wordParamKeys } = inferTemplates(ds.trie, { stickyParams: sticky, forcedParams: d.hints.forcedParams, pinnedLiterals: d.hints.pinnedLiterals }, d.index);
    for (const k of wordParamKeys) if (!sticky.has(k) && ds.sticky.length < 5000) ds.sticky.push(k);
    d.tree = tree;
    d.treeGen = ds.gen;
    // Paths may resolve differently from here on: the last window's answers no longer hold (finish infers too).
    r.last = null;
    ds.tree = storeTree(tree);
    ds.inferredGen = ds.gen;
    ds.inferredAt = at;
    dropCache(d);
    reconcile(state, r, domainName, at);
  };

  /**
   * Infers the domains whose trie grew since their last inference. Run before every snapshot: a snapshot states
   * the inventory as of its instant, so nothing later (finish) may restate the same instant differently.
   */
  const inferPending = (state: DiscoveryState, r: Runtime, at: number): void => {
    for (const name in state.domains) if (state.domains[name].gen !== state.domains[name].inferredGen) runInference(state, r, name, at);
  };

  const dropCache = (d: DomainRuntime): void => {
    d.cache.clear();
    d.epoch++;
  };

  const endpointKey = (d: DomainRuntime, domainName: string, method: string, template: string): string => {
    let byTemplate = d.keys.get(method);
    if (!byTemplate) d.keys.set(method, (byTemplate = new Map()));
    let key = byTemplate.get(template);
    if (key === undefined) {
      if (byTemplate.size >= MAX_POSITIONS) byTemplate.clear();
      key = `${domainName}\t${method}\t${template}`;
      byTemplate.set(template, key);
    }
    return key;
  };

  const positionsOf = (r: Runtime, template: string): number[] => {
    let pos = r.positions.get(template);
    if (!pos) {
      if (r.positions.size >= MAX_POSITIONS) r.positions.clear();
      pos = paramPositions(template);
      r.positions.set(template, pos);
    }
    return pos;
  };

  const ensureTree = (state: DiscoveryState, r: Runtime, domainName: string): DomainRuntime => {
    const d = domainRt(r, domainName);
    const ds = state.domains[domainName];
    if (ds) ensureTreeOf(d, ds);
    return d;
  };

  const ensureTreeOf = (d: DomainRuntime, ds: DomainState): void => {
    // After a restart (state loaded from JSON) the tree is rebuilt from the trie as of the last inference.
    if (d.treeGen !== ds.inferredGen && ds.trie.c) {
      d.tree = ds.tree ? loadTree(ds.tree) : inferTemplates(ds.trie, { stickyParams: new Set(ds.sticky), forcedParams: d.hints.forcedParams, pinnedLiterals: d.hints.pinnedLiterals }, d.index).tree;
      d.treeGen = ds.inferredGen;
    }
  };

  /** Adds a gateway route template to the domain's known templates; true when it was new (for the method). */
  const learnRoute = (ds: DomainState, d: DomainRuntime, template: string, method: string): boolean => {
    let methods = d.knownRoutes.get(template);
    if (methods?.has(method)) return false;
    const fresh = addKnownTemplate(ds.known, template, method);
    if (!methods) d.knownRoutes.set(template, (methods = new Set()));
    methods.add(method);
    return fresh;
  };

  const mergeTarget = (domainName: string, method: string, template: string): string =>
    merges.size === 0 ? template :
    merges.get(`${domainName}\t${method}\t${template}`) ?? merges.get(`${domainName}\t\t${template}`) ?? merges.get(`\t${method}\t${template}`) ?? merges.get(`\t\t${template}`) ?? template;

  const resolveUncached = (state: DiscoveryState, r: Runtime, d: DomainRuntime, domainName: string, method: string, path: string, split?: string[]): Resolved | null => {
    const segs = split ?? splitPath(path);
    let template: string | null = null;
    let source: 'verified' | 'inferred' = 'inferred';
    let specOp = -1;
    template = matchKnown(d.pins, segs, method);
    if (template) source = 'verified';
    const ds = state.domains[domainName];
    let fromRoute = false;
    if (!template && ds) { template = matchKnown(ds.known, segs, method); fromRoute = template !== null; }
    if (!template && spec && specCovers(state, domainName)) {
      for (let off = 0; off <= 2 && off < segs.length && !template; off++) {
        const t = matchKnown(specTrie, off ? segs.slice(off) : segs, method);
        if (t) {
          template = off ? '/' + segs.slice(0, off).join('/') + t : t;
          source = 'verified';
          specOp = specIndex.get(method + ' ' + t) ?? -1;
        }
      }
    }
    // A domain whose only path is `/` has an empty trie and so no tree: its root is still an endpoint once answered.
    if (!template && segs.length === 0 && !d.tree && ds && ds.trie.g > 0) template = '/';
    if (!template && d.tree) {
      const key = templateKeyOf(d.tree, segs);
      if (key) {
        let named = r.names.get(key);
        if (!named) { named = nameTemplate(key); r.names.set(key, named); }
        template = named;
      }
    }
    if (!template) return null;
    if (spec && specOp < 0 && specCovers(state, domainName)) specOp = specIndex.get(method + ' ' + template) ?? -1;
    template = mergeTarget(domainName, method, template);
    const pos = positionsOf(r, template);
    const shapes = pos.map((p) => (p < segs.length ? valueShape(segs[p]) : 'word'));
    const sensitive: string[] = [];
    if (path.includes('/*')) for (const s of segs) { const t = parseMaskToken(s); if (t && !sensitive.includes(t.kind)) sensitive.push(t.kind); }
    const last = segs.length ? segs[segs.length - 1] : '';
    const dot = last.lastIndexOf('.');
    const ext = dot > 0 ? last.slice(dot + 1).toLowerCase() : '';
    return { key: endpointKey(d, domainName, method, template), template, source, specOp, fromRoute, shapes, sensitive: sensitive.length ? sensitive : NO_KINDS, fileExt: FILE_ASSET_EXTENSIONS.has(ext) ? ext : null, ep: undefined };
  };

  const resolve = (state: DiscoveryState, r: Runtime, domainName: string, method: string, path: string): Resolved | null =>
    resolveIn(state, r, ensureTree(state, r, domainName), domainName, method, path);

  /** `resolve` once the domain's tree is known to be current; `segs` when the caller already split the path. */
  const resolveIn = (state: DiscoveryState, r: Runtime, d: DomainRuntime, domainName: string, method: string, path: string, segs?: string[]): Resolved | null => {
    const res = d.cache.get(method, path);
    return res === undefined ? resolveAndRemember(state, r, d, domainName, method, path, segs) : res;
  };

  /** For a path known not to be in the domain's memo (pass 1 looked it up at the current epoch). */
  const resolveAndRemember = (state: DiscoveryState, r: Runtime, d: DomainRuntime, domainName: string, method: string, path: string, segs?: string[]): Resolved | null => {
    const res = resolveUncached(state, r, d, domainName, method, path, segs);
    if (d.cache.set(method, path, res)) d.epoch++;
    return res;
  };

  /** After re-inference: endpoints whose samples now resolve elsewhere move there, and the change is recorded. */
  const reconcile = (state: DiscoveryState, r: Runtime, domainName: string, at: number): void => {
    const moves = new Map<string, { method: string; to: string; from: string[]; toExisted: boolean; split: boolean }>();
    const keys = endpointKeys(state, r, domainName);
    for (const key of [...keys]) {
      const ep = state.endpoints[key];
      if (ep.source !== 'inferred' || ep.samples.length === 0) continue;
      const res = resolve(state, r, domainName, ep.method, ep.samples[0]);
      if (res?.key === key) continue;
      if (!res) { // only probes answered 403/404: not an endpoint
        delete state.endpoints[key];
        keys.delete(key);
        r.changes.push(removedRow(domainName, ep.method, ep.template, at));
        continue;
      }
      const target = state.endpoints[res.key];
      let mv = moves.get(res.key);
      if (!mv) { mv = { method: ep.method, to: res.template, from: [], toExisted: !!target, split: false }; moves.set(res.key, mv); }
      // Its other sample paths now resolving to other endpoints means the endpoint was split.
      for (let i = 1; i < ep.samples.length; i++) if (resolve(state, r, domainName, ep.method, ep.samples[i])?.key !== res.key) mv.split = true;
      mv.from.push(ep.template);
      if (target) mergeInto(target, ep);
      else { state.endpoints[res.key] = { ...ep, template: res.template, specOp: res.specOp, aliases: [...(ep.aliases ?? []), ep.template].slice(-10) }; keys.add(res.key); }
      delete state.endpoints[key];
      keys.delete(key);
    }
    for (const mv of moves.values()) {
      const fromParams = Math.max(...mv.from.map((t) => positionsOf(r, t).length));
      const toParams = positionsOf(r, mv.to).length;
      const kind: TemplateChange['kind'] = mv.split ? 'split' : mv.from.length > 1 || mv.toExisted || toParams > fromParams ? 'merge' : 'rename';
      const change: TemplateChange = { at, kind, domainName, method: mv.method, from: mv.from, to: mv.to, reason: 'inference' };
      state.changes.push(change);
      r.changes.push(movedRow(change));
    }
    if (state.changes.length > MAX_CHANGES) state.changes.splice(0, state.changes.length - MAX_CHANGES);
  };

  const analysis = {
    name: 'discovery' as const,

    initialState(): DiscoveryState {
      return {
        v: 1,
        domains: {},
        endpoints: {},
        changes: [],
        spec: spec ? spec.operations.map((o) => ({ method: o.method, template: o.template, deprecated: o.deprecated, calls: 0 })) : null,
        specHosts: spec ? spec.hosts : [],
        hour: -1,
        emittedHour: -1,
        lastTs: 0,
      };
    },

    closeWindow(events: readonly AccessEvent[], state: DiscoveryState, ctx: WindowContext): AnalysisOutput {
      const r = rt(state);
      const rows: EndpointRow[] = [];
      const hourNow = Math.floor(ctx.windowStart / HOUR) * HOUR;
      if (state.hour >= 0 && state.hour < hourNow && state.emittedHour < state.hour) {
        inferPending(state, r, ctx.windowStart);
        rows.push(...snapshot(state, state.hour, state.hour + HOUR));
        state.emittedHour = state.hour;
        // Quiet until after midnight (no window closed at 00:00): the day's complete snapshot is still owed.
        const dayEnd = Math.floor(hourNow / DAY) * DAY;
        if (dayEnd > state.hour + HOUR) rows.push(...snapshot(state, dayEnd - HOUR, dayEnd));
      }
      state.hour = hourNow;
      const day = Math.floor(ctx.windowStart / DAY);
      const daily: DayOutputs = { fileAssets: [], documents: [] };
      // Likewise the file_assets rows and OpenAPI exports of a day that ended in a quiet stream.
      if (state.fileDay !== undefined && state.fileDay < day && (state.fileRowsDay ?? -1) < state.fileDay) dayOutputs(state, state.fileDay, new Date((state.fileDay + 1) * DAY).toISOString(), daily);

      // Pass 1: learn structure (route templates, trie), note domains whose tree cannot resolve a new path.
      // What it finds is kept for pass 2: the event's domain (`doms[i]`: no second look at the name), its cached
      // resolution (`pre[i]`, valid while the domain's cache is not dropped: see `reuseFrom`) and its split path.
      // A path seen earlier in the window (its number in `paths`) reuses the earlier look-up while the domain's
      // cache has not been dropped since (`hitEpoch`), and its split (pass 1 only reads segments).
      const n = events.length;
      const paths = windowPathsOf(events, ctx.paths);
      const slotOf = paths.slotOf;
      const doms: DomainRuntime[] = new Array(n);
      // What pass 1's memo look-up found for each event: a resolution, null, MISSED (not in the memo: pass 2
      // resolves it without asking the memo again; most look-ups miss) or undefined (not looked up).
      const pre: Array<Resolved | null | typeof MISSED | undefined> = new Array(n);
      const split: Array<string[] | undefined> = new Array(paths.size);
      const hits: Array<Resolved | null | undefined> = new Array(paths.size);
      const hitEpoch = new Int32Array(paths.size).fill(-1);
      // A path already added to its trie in this window is added again along the same nodes (see recountPath).
      const chains: Array<TrieNode[] | undefined> = new Array(paths.size);
      const window = ++r.window;
      const seen: DomainRuntime[] = [];
      const touched = new Set<string>();
      const urgent = new Set<string>();
      let lastDomain = '';
      let ds: DomainState | null = null;
      let d: DomainRuntime | null = null;
      for (let i = 0; i < n; i++) {
        const ev = events[i];
        if (ev.domainName !== lastDomain) {
          lastDomain = ev.domainName;
          d = domainRt(r, lastDomain);
          if (d.window !== window) {
            d.window = window;
            d.ds = domainState(state, lastDomain);
            d.reuseFrom = 0;
            seen.push(d);
          }
          ds = d.ds!;
          ensureTreeOf(d, ds);
        }
        doms[i] = d!;
        const slot = slotOf[i];
        const rp = ev.resourcePath;
        if (rp) {
          let hit: Resolved | null | undefined;
          if (hitEpoch[slot] === d!.epoch) hit = hits[slot];
          else { hit = d!.cache.get(ev.method, ev.path); hits[slot] = hit; hitEpoch[slot] = d!.epoch; }
          pre[i] = hit === undefined ? MISSED : hit;
          // A path already resolved through a gateway route template has nothing more to teach.
          if (hit?.fromRoute) continue;
        }
        const segs = (split[slot] ??= splitPath(ev.path));
        if (rp) {
          const t = alignResourcePath(segs, rp);
          if (t && learnRoute(ds!, d!, t, ev.method)) { dropCache(d!); d!.reuseFrom = i + 1; }
          if (t) continue;
        }
        if (ds!.known.l || ds!.known.p) { if (matchKnown(ds!.known, segs, ev.method)) continue; }
        const routed = ev.status !== 403 && ev.status !== 404;
        const chain = chains[slot];
        if (chain !== undefined) { recountPath(chain, routed); continue; }
        const nodes: TrieNode[] = [];
        const created = insertPath(ds!.trie, segs, routed, d!.index, nodes);
        chains[slot] = nodes;
        if (created) {
          ds!.gen++;
          ds!.trieNodes += created;
          touched.add(lastDomain);
          if (routed && (!d!.tree || !templateKeyOf(d!.tree, segs))) urgent.add(lastDomain);
        }
      }
      for (const x of seen) x.passEpoch = x.epoch;
      for (const name of touched) {
        const s = state.domains[name];
        const grown = s.gen - s.inferredGen;
        // Inference costs a pass over the trie: the bigger the trie, the less often (paths not yet covered
        // get a provisional template meanwhile, reconciled at the next inference).
        const since = ctx.windowStart - s.inferredAt;
        const interval = s.trieNodes < 5_000 ? 0 : s.trieNodes < 50_000 ? 3 * DEFAULT_WINDOW_MS : 6 * DEFAULT_WINDOW_MS;
        const due = s.inferredGen === 0 || (since >= interval && (urgent.has(name) || grown >= Math.max(1, s.trieNodes * 0.02))) || since >= HOUR;
        if (due) runInference(state, r, name, ctx.windowStart);
      }

      // Pass 2: inventory. (Pass 1 brought the trees of the window's domains up to date, and nothing changes
      // them in this pass: a path resolves the same every time, so once per path number.)
      const resolved: Array<Resolved | null | undefined> = hits.fill(undefined);
      for (let i = 0; i < n; i++) {
        const ev = events[i];
        const slot = slotOf[i];
        let res = resolved[slot];
        if (res === undefined) {
          const dr = doms[i];
          const p = i >= dr.reuseFrom && dr.epoch === dr.passEpoch ? pre[i] : undefined;
          res = p === MISSED ? resolveAndRemember(state, r, dr, dr.name, ev.method, ev.path, split[slot])
            : p !== undefined ? p : resolveIn(state, r, dr, dr.name, ev.method, ev.path, split[slot]);
          resolved[slot] = res;
        }
        if (!res) continue;
        let ep = res.ep;
        if (!ep) {
          ep = state.endpoints[res.key];
          if (!ep) {
            const keys = endpointKeys(state, r, ev.domainName);
            // A bound on the inventory: past it, new endpoints of the domain are counted, not kept.
            if (keys.size >= MAX_ENDPOINTS_PER_DOMAIN) { state.droppedEndpoints = (state.droppedEndpoints ?? 0) + 1; continue; }
            ep = state.endpoints[res.key] = newEndpoint(ev, res);
            keys.add(res.key);
            r.changes.push(addedRow(ev.domainName, ev.method, res.template, ev.ts));
          }
          res.ep = ep;
        }
        record(ep, ev, res);
        if (res.specOp >= 0 && state.spec) state.spec[res.specOp].calls++;
      }
      if (events.length) state.lastTs = Math.max(state.lastTs, events[events.length - 1].ts);
      // Nothing below changes how a path resolves: these are what templateOf answers until the next window.
      const templates = new Array<string | null>(paths.size);
      for (let k = 0; k < paths.size; k++) templates[k] = resolved[k]?.template ?? null;
      r.last = { paths, templates };

      if (ctx.windowEnd % HOUR === 0) {
        inferPending(state, r, ctx.windowStart);
        rows.push(...snapshot(state, hourNow, hourNow + HOUR));
        state.emittedHour = hourNow;
        if (ctx.windowEnd % DAY === 0) dayOutputs(state, day, new Date(ctx.windowEnd).toISOString(), daily);
      }
      state.fileDay = day;
      return outputs(rows, daily, r);
    },

    finish(state: DiscoveryState, ctx: WindowContext): AnalysisOutput {
      const r = rt(state);
      inferPending(state, r, ctx.windowStart);
      const at = new Date(ctx.windowEnd).toISOString();
      const rows = Object.values(state.endpoints).map((ep) => endpointRow(ep, at, state));
      rows.push(...orphanRows(state, at));
      // The day the stream stopped in, as of now; not marked written, so a later run going on in it writes the whole day.
      const daily: DayOutputs = { fileAssets: [], documents: [] };
      if (state.fileDay !== undefined) dayOutputs(state, state.fileDay, at, daily, false);
      return outputs(rows, daily, r);
    },

    resolver(state: DiscoveryState): EndpointResolver {
      const r = rt(state);
      return {
        templateOf: (domainName: string, method: string, path: string): string | null => {
          // Every path is resolved once and cached per domain (until the next inference): a hit needs no more.
          const hit = r.domains.get(domainName)?.cache.get(method, path);
          if (hit !== undefined) return hit === null ? null : hit.template;
          if (!state.domains[domainName] && !spec && overrides.literals.length === 0) return null;
          return resolve(state, r, domainName, method, path)?.template ?? null;
        },
        templatesOf: (paths: WindowPaths) => (r.last !== null && r.last.paths === paths ? r.last.templates : undefined),
        endpointInfo: (domainName: string, method: string, template: string): EndpointInfo | undefined => {
          const ep = state.endpoints[`${domainName}\t${method}\t${template}`];
          return ep ? endpointInfo(ep, state) : undefined;
        },
      };
    },
  };
  return analysis;
}

function newEndpoint(ev: AccessEvent, res: Resolved): EndpointStats {
  return {
    domainName: ev.domainName,
    method: ev.method,
    template: res.template,
    source: res.source,
    specOp: res.specOp,
    firstSeen: ev.ts,
    lastSeen: ev.ts,
    count: 0,
    status: [0, 0, 0, 0, 0],
    auth: 0,
    unauth: 0,
    callers: [],
    paramShapes: res.shapes.map(() => ({})),
    sensitive: [],
    respHist: {},
    respMax: 0,
    samples: [],
    // Present from the start (JSON leaves undefined out): an endpoint that gains them keeps its map.
    file: undefined,
    aliases: undefined,
  };
}

function record(ep: EndpointStats, ev: AccessEvent, res: Resolved): void {
  ep.count++;
  if (ev.ts < ep.firstSeen) ep.firstSeen = ev.ts;
  if (ev.ts > ep.lastSeen) ep.lastSeen = ev.ts;
  const sc = Math.floor(ev.status / 100) - 1;
  if (sc >= 0 && sc <= 4) ep.status[sc]++;
  const principal = ev.principalId ?? ev.apiKeyId;
  if (principal) ep.auth++; else ep.unauth++;
  const callerHash = principal ? hash32(principal, PRINCIPAL_SEED) : hash32(ev.ip, IP_SEED);
  kmvAddHash(ep.callers, callerHash);
  const shapes = res.shapes;
  for (let i = 0; i < shapes.length && i < ep.paramShapes.length; i++) {
    const ps = ep.paramShapes[i];
    ps[shapes[i]] = (ps[shapes[i]] ?? 0) + 1;
  }
  const isFile = res.fileExt !== null || (ev.method === 'GET' && ev.responseLength >= LARGE_DOWNLOAD && ev.status < 300);
  // A file endpoint's day of downloads (its file_assets row): the sensitive kinds below are noted there too.
  let fileDay: FileDay | null = null;
  if (isFile || ep.file) {
    const f = (ep.file ??= { types: [], days: {}, today: undefined });
    if (res.fileExt && !f.types.includes(res.fileExt)) f.types.push(res.fileExt);
    const day = Math.floor(ev.ts / DAY);
    f.days[day] = (f.days[day] ?? 0) + 1;
    for (const k in f.days) if (+k <= day - FILE_DAYS) delete f.days[k];
    fileDay = f.today !== undefined && f.today.day === day ? f.today : (f.today = newFileDay(day, ev.ts));
    countFileRequest(fileDay, ev.ts, ev.status, ev.responseLength, principal, callerHash, ev.ip, principal ? hash32(ev.ip, IP_SEED) : callerHash);
  }
  for (const k of res.sensitive) {
    if (!ep.sensitive.includes(k)) ep.sensitive.push(k);
    if (fileDay !== null && !fileDay.kinds.includes(k)) fileDay.kinds.push(k);
  }
  if (ev.query && ev.query.includes('=*')) {
    for (const m of ev.query.matchAll(/=\*([a-z_0-9]+):/g)) {
      if (!ep.sensitive.includes(m[1])) ep.sensitive.push(m[1]);
      if (fileDay !== null && !fileDay.kinds.includes(m[1])) fileDay.kinds.push(m[1]);
    }
  }
  const b = sizeBucket(ev.responseLength);
  ep.respHist[b] = (ep.respHist[b] ?? 0) + 1;
  if (ev.responseLength > ep.respMax) ep.respMax = ev.responseLength;
  if (ep.samples.length < 3 && !ep.samples.includes(ev.path)) ep.samples.push(ev.path);
}

function mergeInto(t: EndpointStats, s: EndpointStats): void {
  t.firstSeen = Math.min(t.firstSeen, s.firstSeen);
  t.lastSeen = Math.max(t.lastSeen, s.lastSeen);
  t.count += s.count;
  for (let i = 0; i < 5; i++) t.status[i] += s.status[i];
  t.auth += s.auth;
  t.unauth += s.unauth;
  for (const h of s.callers) if (!t.callers.includes(h)) t.callers.push(h);
  t.callers.sort((a, b) => a - b).splice(32);
  for (const k of s.sensitive) if (!t.sensitive.includes(k)) t.sensitive.push(k);
  for (const k in s.respHist) t.respHist[k] = (t.respHist[k] ?? 0) + s.respHist[k];
  t.respMax = Math.max(t.respMax, s.respMax);
  for (const p of s.samples) if (t.samples.length < 3 && !t.samples.includes(p)) t.samples.push(p);
  t.aliases = [...new Set([...(t.aliases ?? []), s.template, ...(s.aliases ?? [])])].slice(-10);
  if (s.file) {
    const f = (t.file ??= { types: [], days: {}, today: undefined });
    for (const x of s.file.types) if (!f.types.includes(x)) f.types.push(x);
    for (const k in s.file.days) f.days[k] = (f.days[k] ?? 0) + s.file.days[k];
    const day = s.file.today;
    // An older day of the merged endpoint was written already; only the day being counted carries over.
    if (day && (!f.today || f.today.day < day.day)) f.today = JSON.parse(JSON.stringify(day)) as FileDay;
    else if (day && f.today!.day === day.day) mergeFileDay(f.today!, day);
  }
}

/**
 * The endpoints seen in [from, to); at the end of a UTC day, every endpoint: that snapshot is the inventory as of
 * the day's end, which hourly rows alone cannot tell (a template merged away leaves its earlier rows behind).
 */
function snapshot(state: DiscoveryState, from: number, to: number): EndpointRow[] {
  const at = new Date(to).toISOString();
  const all = to % DAY === 0;
  const rows: EndpointRow[] = [];
  for (const key in state.endpoints) {
    const ep = state.endpoints[key];
    if (all || (ep.lastSeen >= from && ep.lastSeen < to)) rows.push(endpointRow(ep, at, state));
  }
  if (all) rows.push(...orphanRows(state, at));
  return rows;
}

/**
 * Operations of the imported spec that no request has called, as endpoint rows with `spec_status = orphan`
 * (no first or last request), one per domain the spec describes. Written with every complete inventory (day
 * end, end of a replay), so the latest snapshot of an endpoint says whether it is still unused.
 */
function orphanRows(state: DiscoveryState, at: string): EndpointRow[] {
  if (!state.spec) return [];
  const seen = Object.keys(state.domains).filter((d) => specCovers(state, d));
  const domains = seen.length ? seen.sort() : [...(state.specHosts ?? [])];
  const rows: EndpointRow[] = [];
  for (const op of state.spec) {
    if (op.calls > 0) continue;
    for (const domain_name of domains) {
      rows.push({
        domain_name, method: op.method, template: op.template, first_seen: null, last_seen: null, request_count: 0, snapshot_at: at,
        status_2xx: 0, status_3xx: 0, status_4xx: 0, status_5xx: 0, auth_requests: 0, unauth_requests: 0, distinct_callers: 0, sensitive_types: [],
        param_types: Object.fromEntries(paramNames(op.template).map((n) => [n, 'unknown'])), is_file_asset: false, file_types: [], resp_bytes_p50: 0, resp_bytes_max: 0,
        spec_status: 'orphan', source: 'verified',
      });
    }
  }
  return rows;
}

/** What a day's end adds to the output: the file_assets rows of the day and the OpenAPI export of each domain. */
interface DayOutputs { fileAssets: FileAssetRow[]; documents: LakeDocument[] }

/**
 * The outputs of day `day` (index since epoch) as of `snapshotAt`: a row per file endpoint counted that day,
 * and each domain's OpenAPI 3.1 document (`openapi/<domain>.json`, replaced daily). `written` records the day as
 * done, so a quiet stream's next window does not write it again.
 */
function dayOutputs(state: DiscoveryState, day: number, snapshotAt: string, into: DayOutputs, written = true): void {
  for (const key in state.endpoints) {
    const ep = state.endpoints[key];
    const t = ep.file?.today;
    if (t !== undefined && t.day === day && isFileAsset(ep)) into.fileAssets.push(fileAssetRow(ep, t, snapshotAt));
  }
  for (const d of Object.keys(state.domains).sort()) into.documents.push({ key: openApiKey(d), body: exportOpenApi(state, d) });
  if (written) state.fileRowsDay = day;
}

/** A window's (or the end's) output: only the kinds it has, and the inventory changes made meanwhile. */
function outputs(endpoints: EndpointRow[], daily: DayOutputs, r: Runtime): AnalysisOutput {
  const out: AnalysisOutput = {};
  if (endpoints.length) out.endpoints = endpoints;
  if (daily.fileAssets.length) out.fileAssets = daily.fileAssets;
  if (daily.documents.length) out.documents = daily.documents;
  if (r.changes.length) { out.endpointChanges = r.changes; r.changes = []; }
  return out;
}

/**
 * Whether the imported spec describes this domain: yes when it names no host, names this one, or names none of
 * the domains seen (a spec for `api.example.com` served through an execute-api domain).
 */
/**
 * An imported spec also guides inference of the paths it does not list: its parameter positions are parameters
 * (`/organizations/{organization}` makes `/organizations/opticdev/members` `/organizations/{}/members`) and its
 * literal segments stay literal, as if they were overrides.
 */
function withSpecHints(hints: OverrideHints, spec: ImportedSpec | null, domainName: string): OverrideHints {
  if (!spec || (spec.hosts.length > 0 && !spec.hosts.includes(domainName))) return hints;
  const sh = overrideHints(parseOverrides({ literals: spec.operations.map((o) => ({ template: o.template })) }), domainName);
  for (const k of sh.forcedParams) hints.forcedParams.add(k);
  for (const k of sh.pinnedLiterals) hints.pinnedLiterals.add(k);
  return hints;
}

export function specCovers(state: DiscoveryState, domainName: string): boolean {
  const hosts = state.specHosts ?? [];
  if (!state.spec || hosts.length === 0 || hosts.includes(domainName)) return !!state.spec;
  return !hosts.some((h) => h in state.domains);
}

function specStatus(ep: EndpointStats, state: DiscoveryState): EndpointInfo['specStatus'] {
  if (!state.spec || !specCovers(state, ep.domainName)) return 'no_spec';
  if (ep.specOp < 0) return 'shadow';
  return state.spec[ep.specOp]?.deprecated ? 'deprecated' : 'in_spec';
}

/** Dominant parameter type per parameter name. */
export function paramTypes(ep: EndpointStats): Record<string, string> {
  const names = paramNames(ep.template);
  const out: Record<string, string> = {};
  names.forEach((n, i) => {
    const ps = ep.paramShapes[i] ?? {};
    let best = 'word', bc = -1;
    for (const k in ps) if (ps[k] > bc) { best = k; bc = ps[k]; }
    out[n] = shapeToParamType(best as Parameters<typeof shapeToParamType>[0]);
  });
  return out;
}

function isFileAsset(ep: EndpointStats): boolean {
  return !!ep.file && (ep.file.types.length > 0 || histQuantile(ep.respHist, 0.5) >= LARGE_DOWNLOAD);
}

export function endpointRow(ep: EndpointStats, snapshotAt: string, state: DiscoveryState): EndpointRow {
  return {
    domain_name: ep.domainName,
    method: ep.method,
    template: ep.template,
    first_seen: new Date(ep.firstSeen).toISOString(),
    last_seen: new Date(ep.lastSeen).toISOString(),
    request_count: ep.count,
    snapshot_at: snapshotAt,
    status_2xx: ep.status[1],
    status_3xx: ep.status[2],
    status_4xx: ep.status[3],
    status_5xx: ep.status[4],
    auth_requests: ep.auth,
    unauth_requests: ep.unauth,
    distinct_callers: kmvEstimate(ep.callers),
    sensitive_types: [...ep.sensitive].sort(),
    param_types: paramTypes(ep),
    is_file_asset: isFileAsset(ep),
    file_types: ep.file ? [...ep.file.types].sort() : [],
    resp_bytes_p50: histQuantile(ep.respHist, 0.5),
    resp_bytes_max: ep.respMax,
    spec_status: specStatus(ep, state),
    source: ep.source,
  };
}

export function endpointInfo(ep: EndpointStats, state: DiscoveryState): EndpointInfo {
  return {
    domainName: ep.domainName,
    method: ep.method,
    template: ep.template,
    requestCount: ep.count,
    authRequests: ep.auth,
    unauthRequests: ep.unauth,
    sensitiveTypes: [...ep.sensitive],
    isFileAsset: isFileAsset(ep),
    fileTypes: ep.file ? [...ep.file.types] : [],
    source: ep.source,
    specStatus: specStatus(ep, state),
    firstSeen: ep.firstSeen,
    lastSeen: ep.lastSeen,
  };
}

/** Merges, splits and renames recorded so far (oldest first). */
export function templateChanges(state: DiscoveryState): readonly TemplateChange[] {
  return state.changes;
}
