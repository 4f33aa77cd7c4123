import type { AccessEvent } from '../normalize/types.ts';
import type { Alert, Severity, TableName } from '../emit/rows.ts';
import { SEVERITY_ORDER } from '../emit/rows.ts';
import type { Analysis, AnalysisOutput, DiscoveryAnalysis, EndpointResolver, WindowContext } from './types.ts';
import type { AlertPublisher, BlobStore, KeyValueStore, MetricsSink } from './ports.ts';
import type { Quarantined } from './collectBatch.ts';
import { decodeJson, encodeJson, encodeNdjson } from './codec.ts';
import { lakeKey, padTs, stateKeys } from './lakeLayout.ts';
import { compareEvents, windowOf } from './windowOf.ts';
import { renderAlert } from '../emit/renderAlert.ts';
import { campaignAlert, campaignKeyOf, CAMPAIGN_COOLDOWN_MS, groupCampaigns } from '../emit/groupCampaigns.ts';

export interface EngineOptions {
  windowMs: number;
  /** How long after a window's end (in event time, at the slowest shard) it still accepts records. */
  latenessMs: number;
  /**
   * A shard that has not delivered anything for this long (processing time) no longer holds windows back:
   * a parent shard after a split or merge, or a shard with no traffic.
   */
  idleMs: number;
  /** Windows wait until at least this many shards have reported a watermark (the stream's shard count). */
  minShards: number;
  minAlertSeverity: Severity;
  /** At most this many windows are closed per invocation, so that a backlog never times a Lambda out. */
  maxClosePerCall: number;
  /** Only one consumer quarantines rejected records, so that they are kept once. */
  quarantine: boolean;
  /** Prefix of findings object names (`<account>-<region>`): deployments replicating to one bucket never collide. */
  deploymentId?: string;
}

export const DEFAULT_ENGINE_OPTIONS: EngineOptions = {
  windowMs: 5 * 60_000,
  latenessMs: 2 * 60_000,
  idleMs: 10 * 60_000,
  minShards: 1,
  minAlertSeverity: 'high',
  maxClosePerCall: 24,
  quarantine: false,
};

export interface EnginePorts {
  kv: KeyValueStore;
  blobs: BlobStore;
  alerts: AlertPublisher;
  metrics: MetricsSink;
}

interface Snapshot {
  analysis: unknown;
  pending: Partial<Record<TableName, unknown[]>>;
  pendingHour: number | null;
}

interface CloseItem {
  closedUpTo: number | null;
  version: number | null;
}

const HOUR = 3_600_000;
const SNAPSHOT_KEEP_MS = 6 * HOUR;
const ALERT_TTL_S = 30 * 86_400;

export interface IngestResult {
  events: number;
  late: number;
  windows: number;
}

/**
 * Runs one windowed analysis on top of the storage ports. `ingest` buffers a batch per event-time window
 * (one immutable object per batch and window, keyed by shard and first sequence number, so redelivery
 * overwrites instead of double counting) and advances the shard's watermark; `closeReady` closes every
 * window that all shards have passed, in order, exactly once (compare-and-set on the close pointer), runs
 * the analysis on it and writes findings, alerts and the new state.
 */
export class WindowEngine {
  private readonly opts: EngineOptions;
  private snapCache = new Map<string, unknown>();
  private written: Array<{ ws: number; key: string }> = [];
  private live: { key: string; snap: Snapshot } | null = null;

  constructor(
    readonly analysis: Analysis<any>,
    private readonly ports: EnginePorts,
    options: Partial<EngineOptions> = {},
    /** For defects and scoring: discovery, whose snapshot of the same window resolves endpoints. */
    private readonly discovery?: DiscoveryAnalysis<any>,
    private readonly clock: () => number = Date.now,
  ) {
    this.opts = { ...DEFAULT_ENGINE_OPTIONS, ...options };
  }

  private get objectPrefix() {
    return this.opts.deploymentId ? `${this.opts.deploymentId}-` : '';
  }

  private get pk() {
    return `ENGINE#${this.analysis.name}`;
  }

  async ingest(shardId: string, batchId: string, events: readonly AccessEvent[], rejected: readonly Quarantined[], receivedAt: number): Promise<IngestResult> {
    const { kv, blobs, metrics } = this.ports;
    const name = this.analysis.name;
    if (this.opts.quarantine && rejected.length) {
      const rows = rejected.map((r) => ({ reason: r.reason, detail: r.detail, sample: r.sample, source: r.source, received_at: new Date(receivedAt).toISOString() }));
      await blobs.put(lakeKey('quarantine', receivedAt, `${this.objectPrefix}${name}-${safe(shardId)}-${batchId}`), encodeNdjson(rows), 'application/x-ndjson');
    }
    for (const r of rejected) metrics.count('RecordsRejected', 1, r.reason);
    if (!events.length) return { events: 0, late: 0, windows: 0 };
    const close = await this.readClose();
    const byWindow = new Map<number, AccessEvent[]>();
    const late: AccessEvent[] = [];
    let maxTs = -Infinity;
    for (const ev of events) {
      if (ev.ts > maxTs) maxTs = ev.ts;
      const ws = windowOf(ev.ts, this.opts.windowMs);
      if (close.closedUpTo !== null && ws <= close.closedUpTo) { late.push(ev); continue; }
      let arr = byWindow.get(ws);
      if (!arr) byWindow.set(ws, (arr = []));
      arr.push(ev);
    }
    const id = `${safe(shardId)}-${batchId}`;
    await Promise.all(
      [...byWindow].map(async ([ws, evs]) => {
        await blobs.put(stateKeys.buffer(name, ws, id), encodeJson(evs), 'application/json');
        await kv.put(`WINS#${name}`, padTs(ws), { ws });
      }),
    );
    if (late.length) {
      // Too late for their window: kept and counted, never silently dropped.
      await blobs.put(stateKeys.late(name, id), encodeJson(late), 'application/json');
      metrics.count('LateEvents', late.length);
    }
    await kv.raise(this.pk, `WM#${shardId}`, 'wm', maxTs, { seenAt: this.now() });
    metrics.count('EventsIn', events.length);
    return { events: events.length, late: late.length, windows: byWindow.size };
  }

  private async readClose(): Promise<CloseItem> {
    const it = await this.ports.kv.get(this.pk, 'CLOSE');
    return { closedUpTo: (it?.closedUpTo as number | undefined) ?? null, version: (it?.version as number | undefined) ?? null };
  }

  /** The event time up to which every active shard has delivered. */
  private async globalWatermark(): Promise<number> {
    const items = await this.ports.kv.query(this.pk, { from: 'WM#', to: 'WM#\uffff' });
    if (items.length < this.opts.minShards) return -Infinity;
    const now = this.now();
    const active = items.filter((i) => typeof i.seenAt !== 'number' || now - (i.seenAt as number) <= this.opts.idleMs).map((i) => i.wm as number);
    // Every shard idle: the stream is quiet, so everything delivered so far may close.
    return active.length ? Math.min(...active) : Math.max(...items.map((i) => i.wm as number));
  }

  /** Processing time, only for shard idleness; never used for windows. */
  private now(): number {
    return this.clock();
  }

  /** Windows that hold data and have not been closed yet, ascending. */
  async pendingWindows(): Promise<number[]> {
    const close = await this.readClose();
    const from = close.closedUpTo === null ? '' : padTs(close.closedUpTo + 1);
    return (await this.ports.kv.query(`WINS#${this.analysis.name}`, { from })).map((i) => i.ws as number).sort((a, b) => a - b);
  }

  /** Closed-up-to pointer of discovery, for the dependency check of the other analyses. */
  private async discoveryClosedUpTo(): Promise<number | null> {
    const it = await this.ports.kv.get('ENGINE#discovery', 'CLOSE');
    return (it?.closedUpTo as number | undefined) ?? null;
  }

  /**
   * Closes the windows that are ready. `force` closes every pending window up to `upTo` regardless of
   * watermarks (end of a replay).
   */
  async closeReady(opts: { force?: boolean; upTo?: number; max?: number } = {}): Promise<number> {
    let ready = opts.force ? (opts.upTo ?? Infinity) : (await this.globalWatermark()) - this.opts.latenessMs;
    if (this.discovery && this.analysis.name !== 'discovery') {
      const d = await this.discoveryClosedUpTo();
      if (d === null) return 0;
      ready = Math.min(ready, d + this.opts.windowMs);
    }
    const max = opts.max ?? this.opts.maxClosePerCall;
    let closed = 0;
    for (const ws of await this.pendingWindows()) {
      if (ws + this.opts.windowMs > ready || closed >= max) break;
      if (await this.closeWindow(ws)) closed++;
    }
    return closed;
  }

  /**
   * Reads a snapshot for read-only use (discovery's view for the other analyses). Decoded snapshots are
   * cached and shared, never mutated.
   */
  private async loadSnapshot(analysisName: string, ws: number | null, init: () => unknown): Promise<Snapshot> {
    if (ws === null) return { analysis: init(), pending: {}, pendingHour: null };
    const key = stateKeys.snapshot(analysisName, ws);
    const cached = this.snapCache.get(key);
    if (cached) return cached as Snapshot;
    const buf = await this.ports.blobs.get(key);
    if (!buf) throw new Error(`state snapshot ${key} is missing; restore it from the bucket's versions`);
    const snap = decodeJson<Snapshot>(buf);
    this.snapCache.set(key, snap);
    while (this.snapCache.size > 3) this.snapCache.delete(this.snapCache.keys().next().value as string);
    return snap;
  }

  /**
   * This analysis's own state after window `ws`, for mutation. The live object from the previous close is
   * reused when it is still the committed one (no decode, no copy); otherwise it is read from the store.
   */
  private async ownSnapshot(ws: number | null): Promise<Snapshot> {
    if (ws === null) return { analysis: this.analysis.initialState(), pending: {}, pendingHour: null };
    const key = stateKeys.snapshot(this.analysis.name, ws);
    if (this.live?.key === key) return this.live.snap;
    this.live = null;
    const buf = await this.ports.blobs.get(key);
    if (!buf) throw new Error(`state snapshot ${key} is missing; restore it from the bucket's versions`);
    return decodeJson<Snapshot>(buf);
  }

  private async resolverFor(ws: number): Promise<EndpointResolver> {
    if (!this.discovery) throw new Error('no discovery analysis configured');
    let snap: Snapshot;
    try {
      snap = await this.loadSnapshot('discovery', ws, () => this.discovery!.initialState());
    } catch {
      // Discovery had no records of its own in this window (e.g. they reached it late): use its latest view.
      snap = await this.loadSnapshot('discovery', await this.discoveryClosedUpTo(), () => this.discovery!.initialState());
    }
    return this.discovery.resolver(snap.analysis);
  }

  /** Reads every buffered batch of a window, deduplicated by request id and in deterministic order. */
  async windowEvents(ws: number, keys?: string[]): Promise<AccessEvent[]> {
    keys ??= await this.ports.blobs.list(stateKeys.bufferPrefix(this.analysis.name, ws));
    const parts = await Promise.all(keys.map(async (k) => decodeJson<AccessEvent[]>((await this.ports.blobs.get(k))!)));
    const seen = new Set<string>();
    const out: AccessEvent[] = [];
    for (const p of parts) for (const e of p) if (!seen.has(e.requestId)) { seen.add(e.requestId); out.push(e); }
    return out.sort(compareEvents);
  }

  private async closeWindow(ws: number): Promise<boolean> {
    const { kv, blobs, metrics } = this.ports;
    const name = this.analysis.name;
    const close = await this.readClose();
    if (close.closedUpTo !== null && ws <= close.closedUpTo) return false;
    const snap = await this.ownSnapshot(close.closedUpTo);
    // From here the state object is being changed: it is live again only if this close commits.
    this.live = null;
    const bufferKeys = await blobs.list(stateKeys.bufferPrefix(name, ws));
    const events = await this.windowEvents(ws, bufferKeys);
    const we = ws + this.opts.windowMs;
    let ctx: WindowContext;
    if (name === 'discovery') {
      const d = this.analysis as DiscoveryAnalysis<any>;
      ctx = { windowStart: ws, windowEnd: we, endpoints: d.resolver(snap.analysis) };
    } else ctx = { windowStart: ws, windowEnd: we, endpoints: await this.resolverFor(ws) };
    const out = this.analysis.closeWindow(events, snap.analysis, ctx);
    await this.applyOutput(out, snap, ws);
    const key = stateKeys.snapshot(name, ws);
    await blobs.put(key, encodeJson(snap), 'application/json');
    const ok = await kv.putIfVersion(this.pk, 'CLOSE', { closedUpTo: ws, version: (close.version ?? 0) + 1, snapshotKey: key }, 'version', close.version);
    if (ok) {
      this.live = { key, snap };
      metrics.count('WindowsClosed', 1);
      // The window is closed for good: its buffers are garbage, and so are snapshots older than the
      // retention that the other analyses (which read discovery's per-window snapshots) may still need.
      this.written.push({ ws, key });
      const old = this.written.filter((w) => w.ws < ws - SNAPSHOT_KEEP_MS);
      this.written = this.written.filter((w) => w.ws >= ws - SNAPSHOT_KEEP_MS);
      await blobs.delete([...bufferKeys, ...old.map((w) => w.key)]);
    }
    return ok;
  }

  private async applyOutput(out: AnalysisOutput, snap: Snapshot, ws: number): Promise<void> {
    const hour = Math.floor(ws / HOUR) * HOUR;
    if (snap.pendingHour !== null && snap.pendingHour !== hour) await this.flushPending(snap);
    snap.pendingHour = hour;
    const add = (t: TableName, rows: unknown[] | undefined) => {
      if (!rows?.length) return;
      (snap.pending[t] ??= []).push(...rows);
      this.ports.metrics.count('FindingsOut', rows.length, t);
    };
    add('endpoints', out.endpoints);
    add('defects', out.defects);
    add('risk_events', out.riskEvents);
    add('actors', out.actors);
    await this.sendAlerts(out.alerts ?? [], ws);
  }

  /**
   * Sends a window's alerts. Risk alerts of a distributed attack (same scenario and API, several actors, or
   * an ongoing campaign) become one campaign alert, and a campaign that keeps going stays one alert until it
   * has been quiet for an hour of event time.
   */
  private async sendAlerts(alerts: Alert[], ws: number): Promise<void> {
    if (!alerts.length) return;
    const { kv } = this.ports;
    const we = ws + this.opts.windowMs;
    const keys = [...new Set(alerts.filter((a) => a.kind === 'risk').map(campaignKeyOf))];
    const last = new Map<string, number>();
    for (const k of keys) {
      const it = await kv.get(`CAMPAIGN#${this.analysis.name}`, k);
      if (it && typeof it.lastTs === 'number' && ws - (it.lastTs as number) <= CAMPAIGN_COOLDOWN_MS) last.set(k, it.lastTs as number);
    }
    const { single, campaigns } = groupCampaigns(alerts, new Set(last.keys()));
    for (const a of single) await this.sendAlert(a);
    for (const c of campaigns) {
      if (!last.has(c.key)) await this.sendAlert(campaignAlert(c, ws, we));
      else this.ports.metrics.count('AlertsFoldedIntoCampaign', c.alerts.length);
      await kv.put(`CAMPAIGN#${this.analysis.name}`, c.key, { lastTs: we, expiresAt: Math.floor(we / 1000) + ALERT_TTL_S });
    }
  }

  /**
   * Findings are written once per event-time hour and analysis (deterministic key), so Athena reads a few
   * objects per partition instead of one per window.
   */
  private async flushPending(snap: Snapshot): Promise<void> {
    if (snap.pendingHour === null) return;
    for (const [table, rows] of Object.entries(snap.pending) as Array<[TableName, unknown[]]>) {
      if (!rows.length) continue;
      await this.ports.blobs.put(lakeKey(table, snap.pendingHour, `${this.objectPrefix}${this.analysis.name}-${padTs(snap.pendingHour)}`), encodeNdjson(rows), 'application/x-ndjson');
    }
    snap.pending = {};
  }

  private async sendAlert(a: Alert): Promise<void> {
    if (SEVERITY_ORDER[a.severity] < SEVERITY_ORDER[this.opts.minAlertSeverity]) return;
    // One incident, one alert: the dedup key is claimed before publishing, so a redelivered window or a
    // concurrent closer cannot send it twice.
    const fresh = await this.ports.kv.putIfAbsent(`ALERT#${a.dedupKey}`, 'A', { ts: a.ts, subject: a.subject, expiresAt: Math.floor(a.ts / 1000) + ALERT_TTL_S });
    if (!fresh) {
      this.ports.metrics.count('AlertsDeduplicated', 1);
      return;
    }
    const r = renderAlert(a);
    await this.ports.alerts.publish(r.subject, r.message, r.attributes);
    this.ports.metrics.count('AlertsSent', 1);
  }

  /** End of a replay: every remaining window is closed and open findings are written out. */
  async finish(): Promise<void> {
    const close = await this.readClose();
    if (close.closedUpTo === null) return;
    const snap = await this.ownSnapshot(close.closedUpTo);
    this.live = null;
    const we = close.closedUpTo + this.opts.windowMs;
    const ctx: WindowContext = {
      windowStart: close.closedUpTo,
      windowEnd: we,
      endpoints: this.analysis.name === 'discovery' ? (this.analysis as DiscoveryAnalysis<any>).resolver(snap.analysis) : await this.resolverFor(close.closedUpTo),
    };
    if (this.analysis.finish) {
      const out = this.analysis.finish(snap.analysis, ctx);
      await this.applyOutput(out, snap, close.closedUpTo);
    }
    await this.flushPending(snap);
    const key = stateKeys.snapshot(this.analysis.name, close.closedUpTo);
    await this.ports.blobs.put(key, encodeJson(snap), 'application/json');
    this.live = { key, snap };
  }

  /** The analysis state after the last closed window (for CLI exports and tests). */
  async currentState(): Promise<unknown> {
    const close = await this.readClose();
    return (await this.ownSnapshot(close.closedUpTo)).analysis;
  }
}

const safe = (s: string) => s.replace(/[^A-Za-z0-9_.-]/g, '_');
