import type { AccessEvent } from '../normalize/types.ts';
import type { Alert, Severity, TableName } from '../emit/rows.ts';
import type { Analysis, AnalysisOutput, EndpointResolver, WindowContext } from './types.ts';
import type { AlertPublisher, BlobStore, KeyValueStore, MetricsSink, TriagePort } from './ports.ts';
import type { Quarantined } from './collectBatch.ts';
import { decodeJson, encodeJson, encodeNdjson } from './codec.ts';
import { dayOf, lakeKey, padTs, stateKeys } from './lakeLayout.ts';
import { fromEventRows, toEventRows, type EventRows } from './eventRows.ts';
import { compactDay } from './compactDay.ts';
import { compareEvents, windowOf } from './windowOf.ts';
import { planAlerts, type CampaignBook } from '../emit/planAlerts.ts';
import { AlertOutbox } from './alertOutbox.ts';
import { TriageGate } from './triageGate.ts';

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
  /**
   * The state is written out (a checkpoint) at most this often in event time, and at every hour change. A
   * container that does not hold the state replays the windows closed since the last checkpoint from their
   * buffers, which are kept until then: encoding megabytes of state every window was ~9% of the CPU per event.
   */
  checkpointEveryMs: number;
}

export const DEFAULT_ENGINE_OPTIONS: EngineOptions = {
  windowMs: 5 * 60_000,
  latenessMs: 2 * 60_000,
  idleMs: 10 * 60_000,
  minShards: 1,
  minAlertSeverity: 'high',
  maxClosePerCall: 24,
  quarantine: false,
  checkpointEveryMs: 30 * 60_000,
};

export interface EnginePorts {
  kv: KeyValueStore;
  blobs: BlobStore;
  alerts: AlertPublisher;
  metrics: MetricsSink;
  /** Triage the alerts honour (silenced findings, regressions of fixed defects); none: nothing is triaged. */
  triage?: TriagePort;
}

interface Snapshot {
  analysis: unknown;
  pending: Partial<Record<TableName, unknown[]>>;
  pendingHour: number | null;
  /** Ongoing campaigns and the severity each has alerted at: committed with the window, like the analysis state. */
  campaigns?: CampaignBook;
}

interface CloseItem {
  closedUpTo: number | null;
  version: number | null;
  /** Window of the last checkpoint (older items: every closed window was one, so `closedUpTo`). */
  checkpointWs: number | null;
  /** `closedUpTo` when `finish` committed last: nothing has closed since. */
  finishedAt: number | null;
}

const HOUR = 3_600_000;
/** Window buffers this container wrote and still holds decoded, at most this many events in all. */
const BUFFER_CACHE_EVENTS = 100_000;

/** For an analysis without endpoint knowledge of its own. */
const NO_ENDPOINTS: EndpointResolver = { templateOf: () => null, endpointInfo: () => undefined };

/** An analysis, optionally with discovery's resolver over its state (discovery itself, or a pipeline). */
export type EngineAnalysis = Analysis<any> & { resolver?(state: any): EndpointResolver };
const SNAPSHOT_KEEP_MS = HOUR;
/**
 * `WINS#` items (which windows hold data) expire this long after their last write, in processing time. They
 * are read until their window is closed and a checkpoint covers it (replay, buffer clean-up): an hour or so,
 * or as long as a stalled stream keeps its windows open, which the event source bounds to a day (records
 * older than that go to its failure queue).
 */
const WINDOW_INDEX_KEEP_S = 14 * 86_400;

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
 * the analysis on it and writes findings and the new state. Its alerts are queued in the alert outbox before
 * the close commits and published after it (at least once, deduplicated: see alertOutbox.ts), so a failed
 * publish is retried by the next invocation instead of being lost or failing the batch.
 */
export class WindowEngine {
  private readonly opts: EngineOptions;
  /** The committed state as of CLOSE version `version`, when this container made that commit. */
  private live: { version: number; snap: Snapshot } | null = null;
  /**
   * Buffers this container wrote, by object key, so that closing a window does not read back and decode
   * what it has just encoded. Safe because a buffer key (shard + first sequence number) only ever receives
   * the same records again, or a prefix of them when Lambda bisects a failed batch (whose rest then gets
   * keys of its own); events are deduplicated by request id when the window closes.
   */
  private bufferCache = new Map<string, readonly AccessEvent[]>();
  private bufferCacheEvents = 0;
  private readonly outbox: AlertOutbox;
  private readonly triage: TriageGate;

  constructor(
    readonly analysis: EngineAnalysis,
    private readonly ports: EnginePorts,
    options: Partial<EngineOptions> = {},
    private readonly clock: () => number = Date.now,
  ) {
    this.opts = { ...DEFAULT_ENGINE_OPTIONS, ...options };
    this.outbox = new AlertOutbox(ports.kv, ports.alerts, ports.metrics, analysis.name, clock);
    this.triage = new TriageGate(ports.triage, ports.metrics);
  }

  /**
   * Publishes the alerts earlier invocations queued and could not send. The handler calls it before ingest, so
   * that queued alerts go out even when storing the batch fails (an S3 outage) and Lambda retries it.
   */
  async deliverQueuedAlerts(): Promise<void> {
    await this.outbox.drain();
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
        const key = stateKeys.buffer(name, ws, id);
        await blobs.put(key, encodeJson(toEventRows(evs)), 'application/json');
        this.cacheBuffer(key, evs);
        await kv.put(`WINS#${name}`, padTs(ws), { ws, expiresAt: Math.floor(this.now() / 1000) + WINDOW_INDEX_KEEP_S });
      }),
    );
    if (late.length) {
      // Too late for their window: kept and counted, never silently dropped.
      await blobs.put(stateKeys.late(name, id), encodeJson(toEventRows(late)), 'application/json');
      metrics.count('LateEvents', late.length);
    }
    await kv.raise(this.pk, `WM#${shardId}`, 'wm', maxTs, { seenAt: this.now() });
    metrics.count('EventsIn', events.length);
    return { events: events.length, late: late.length, windows: byWindow.size };
  }

  private async readClose(): Promise<CloseItem> {
    const it = await this.ports.kv.get(this.pk, 'CLOSE');
    const closedUpTo = (it?.closedUpTo as number | undefined) ?? null;
    return { closedUpTo, version: (it?.version as number | undefined) ?? null, checkpointWs: (it?.checkpointWs as number | undefined) ?? closedUpTo, finishedAt: (it?.finishedAt as number | undefined) ?? null };
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

  /**
   * Closes the windows that are ready. `force` closes every pending window up to `upTo` regardless of
   * watermarks (end of a replay). `drainFirst: false` when the caller has just drained the outbox itself.
   */
  async closeReady(opts: { force?: boolean; upTo?: number; max?: number; drainFirst?: boolean } = {}): Promise<number> {
    // Alerts an earlier invocation could not publish go first; those of the windows closed now right after.
    if (opts.drainFirst !== false) await this.outbox.drain();
    await this.triage.refresh();
    const ready = opts.force ? (opts.upTo ?? Infinity) : (await this.globalWatermark()) - this.opts.latenessMs;
    const max = opts.max ?? this.opts.maxClosePerCall;
    let closed = 0;
    let queued = 0;
    for (const ws of await this.pendingWindows()) {
      if (ws + this.opts.windowMs > ready || closed >= max) break;
      const r = await this.closeWindow(ws);
      queued += r.queued;
      if (r.committed) closed++;
    }
    if (queued) await this.outbox.drain();
    return closed;
  }

  /**
   * The committed state (after window `close.closedUpTo`), for mutation. The live object from this
   * container's previous commit is reused when it is still the committed one (no decode, no copy); otherwise
   * the last checkpoint is read and the windows closed since are replayed from their buffers. Replay sends no
   * alerts (the committing closer did) and writes nothing: a checkpoint is taken at every hour change, so the
   * replayed windows never flush findings.
   */
  private async committedState(close: CloseItem): Promise<Snapshot> {
    if (close.closedUpTo === null) return { analysis: this.analysis.initialState(), pending: {}, pendingHour: null, campaigns: {} };
    if (this.live !== null && this.live.version === close.version) return this.live.snap;
    this.live = null;
    const from = close.checkpointWs ?? close.closedUpTo;
    const key = stateKeys.snapshot(this.analysis.name, from);
    const buf = await this.ports.blobs.get(key);
    if (!buf) throw new Error(`state snapshot ${key} is missing; restore it from the bucket's versions`);
    const snap = decodeJson<Snapshot>(buf);
    const replay = await this.windowsBetween(from, close.closedUpTo);
    for (const ws of replay) {
      const ctx: WindowContext = { windowStart: ws, windowEnd: ws + this.opts.windowMs, endpoints: this.resolverOf(snap.analysis) };
      const out = this.analysis.closeWindow(await this.windowEvents(ws), snap.analysis, ctx);
      this.addRows(out, snap, false);
      // Their alerts were queued by the close that committed them: only the campaigns' memory is brought along.
      this.planAlerts(out.alerts ?? [], snap, ws);
    }
    if (replay.length) this.ports.metrics.count('WindowsReplayed', replay.length);
    return snap;
  }

  /**
   * Checkpoints more than an hour older than the one at `ws` (kept that long so that an operator can roll the
   * state back by hand). Listed rather than remembered, so that those of other containers age out too.
   */
  private async oldSnapshots(ws: number): Promise<string[]> {
    const prefix = stateKeys.snapshotPrefix(this.analysis.name);
    return (await this.ports.blobs.list(prefix)).filter((k) => Number(k.slice(prefix.length, k.indexOf('.', prefix.length))) < ws - SNAPSHOT_KEEP_MS);
  }

  /** Buffer objects of the windows closed after checkpoint `after` up to `upTo`, kept for replay until now. */
  private async retainedBuffers(after: number | null, upTo: number): Promise<string[]> {
    if (after === null) return [];
    const keys: string[] = [];
    for (const w of await this.windowsBetween(after, upTo)) keys.push(...(await this.ports.blobs.list(stateKeys.bufferPrefix(this.analysis.name, w))));
    return keys;
  }

  /** Windows that received data in (after, upTo], ascending. */
  private async windowsBetween(after: number, upTo: number): Promise<number[]> {
    if (upTo <= after) return [];
    const items = await this.ports.kv.query(`WINS#${this.analysis.name}`, { from: padTs(after + 1), to: padTs(upTo) });
    return items.map((i) => i.ws as number).sort((a, b) => a - b);
  }

  private resolverOf(state: unknown): EndpointResolver {
    return this.analysis.resolver ? this.analysis.resolver(state) : NO_ENDPOINTS;
  }

  private cacheBuffer(key: string, events: readonly AccessEvent[]): void {
    const old = this.bufferCache.get(key);
    if (old) this.bufferCacheEvents -= old.length;
    this.bufferCache.delete(key);
    // Oldest first out: a big backlog (a 10,000-record batch) is read back from the store instead of held.
    while (this.bufferCacheEvents + events.length > BUFFER_CACHE_EVENTS && this.bufferCache.size) {
      const [k, v] = this.bufferCache.entries().next().value as [string, readonly AccessEvent[]];
      this.bufferCache.delete(k);
      this.bufferCacheEvents -= v.length;
    }
    if (events.length > BUFFER_CACHE_EVENTS) return;
    this.bufferCache.set(key, events);
    this.bufferCacheEvents += events.length;
  }

  private uncacheBuffers(keys: readonly string[]): void {
    for (const k of keys) {
      const v = this.bufferCache.get(k);
      if (v) { this.bufferCacheEvents -= v.length; this.bufferCache.delete(k); }
    }
  }

  /**
   * A buffer listed a moment ago can vanish when another container commits a checkpoint covering its window:
   * this container's close then cannot commit either, so it fails and Lambda retries the batch (buffers are
   * keyed, so nothing is counted twice), this time from the newer checkpoint.
   */
  private async readBuffer(key: string): Promise<Uint8Array> {
    const buf = await this.ports.blobs.get(key);
    if (!buf) throw new Error(`window buffer ${key} vanished: another container checkpointed past its window; retry the batch`);
    return buf;
  }

  /**
   * Reads every buffered batch of a window, in deterministic order, each request once. A request in two
   * buffers (a redelivered or bisected batch) is the same log line twice: same time, same id, so that after
   * sorting by (time, id) its copies sit side by side and are dropped without a set of every id.
   */
  async windowEvents(ws: number, keys?: string[]): Promise<AccessEvent[]> {
    keys ??= await this.ports.blobs.list(stateKeys.bufferPrefix(this.analysis.name, ws));
    const parts = await Promise.all(keys.map(async (k) => this.bufferCache.get(k) ?? fromEventRows(decodeJson<EventRows>(await this.readBuffer(k)))));
    // concat copies packed arrays wholesale; flat() visited element by element (~0.2 us per event).
    const all = ([] as AccessEvent[]).concat(...parts);
    all.sort(compareEvents);
    let n = 0;
    for (let i = 0; i < all.length; i++) {
      const e = all[i];
      // Time first: it is in the event object already in cache, the request id is another object to load.
      if (n > 0 && all[n - 1].ts === e.ts && all[n - 1].requestId === e.requestId) continue;
      all[n++] = e;
    }
    all.length = n;
    return all;
  }

  /** Closes one window; `queued` counts the alerts it handed to the outbox (also when another closer committed). */
  private async closeWindow(ws: number): Promise<{ committed: boolean; queued: number }> {
    const { kv, blobs, metrics } = this.ports;
    const name = this.analysis.name;
    const close = await this.readClose();
    if (close.closedUpTo !== null && ws <= close.closedUpTo) return { committed: false, queued: 0 };
    const snap = await this.committedState(close);
    // From here the state object is being changed: it is live again only if this close commits.
    this.live = null;
    const bufferKeys = await blobs.list(stateKeys.bufferPrefix(name, ws));
    const events = await this.windowEvents(ws, bufferKeys);
    const we = ws + this.opts.windowMs;
    const ctx: WindowContext = { windowStart: ws, windowEnd: we, endpoints: this.resolverOf(snap.analysis) };
    const out = this.analysis.closeWindow(events, snap.analysis, ctx);
    const { flushed, queued } = await this.applyOutput(out, snap, ws);
    const last = close.checkpointWs;
    const checkpoint = last === null || flushed || ws - last >= this.opts.checkpointEveryMs;
    const key = stateKeys.snapshot(name, checkpoint ? ws : last!);
    if (checkpoint) await blobs.put(key, encodeJson(snap), 'application/json');
    const version = (close.version ?? 0) + 1;
    const ok = await kv.putIfVersion(this.pk, 'CLOSE', { closedUpTo: ws, version, snapshotKey: key, checkpointWs: checkpoint ? ws : last }, 'version', close.version);
    if (ok) {
      this.live = { version, snap };
      metrics.count('WindowsClosed', 1);
      this.uncacheBuffers(bufferKeys);
      if (checkpoint) {
        metrics.count('Checkpoints', 1);
        // Windows up to the checkpoint are closed for good: their buffers are garbage (those since the previous
        // checkpoint were kept for replay), and so are checkpoints older than an hour.
        await blobs.delete([...bufferKeys, ...(await this.retainedBuffers(last, ws - 1)), ...(await this.oldSnapshots(ws))]);
      }
    }
    return { committed: ok, queued };
  }

  /**
   * Adds a window's findings and queues its alerts in the outbox (published once the close has committed);
   * `flushed` when an earlier hour's findings were written out first.
   */
  private async applyOutput(out: AnalysisOutput, snap: Snapshot, ws: number): Promise<{ flushed: boolean; queued: number }> {
    const hour = Math.floor(ws / HOUR) * HOUR;
    let flushed = false;
    if (snap.pendingHour !== null && snap.pendingHour !== hour) {
      await this.flushPending(snap);
      flushed = true;
      // Windows close in event-time order: a window of a later UTC day means the flushed hour's day is complete.
      if (dayOf(snap.pendingHour) !== dayOf(hour)) await compactDay(this.ports.blobs, snap.pendingHour, `${this.objectPrefix}${this.analysis.name}-`);
    }
    snap.pendingHour = hour;
    // Before the rows are stamped: a regressed defect's rows of this window say it is open again.
    const regressions = this.triage.regressions(this.analysis, snap.analysis, ws + this.opts.windowMs);
    this.addRows(out, snap, true);
    const alerts = regressions.alerts.length ? [...(out.alerts ?? []), ...regressions.alerts] : out.alerts ?? [];
    const plan = this.planAlerts(alerts, snap, ws, this.triage.silenced);
    if (plan.folded) this.ports.metrics.count('AlertsFoldedIntoCampaign', plan.folded);
    if (plan.belowThreshold) this.ports.metrics.count('AlertsBelowThreshold', plan.belowThreshold);
    if (plan.silenced) this.ports.metrics.count('AlertsSilenced', plan.silenced);
    // Whole documents, replaced each time (a retried or replayed window writes the same): not kept in the state.
    for (const d of out.documents ?? []) await this.ports.blobs.put(d.key, encodeJson(d.body), 'application/json');
    const queued = await this.outbox.enqueue(plan.deliver);
    // Only once the regression alerts are queued: a failure in between retries the window, which plans them again.
    await this.triage.reopen(regressions.ids);
    return { flushed, queued };
  }

  /**
   * Which of a window's alerts go out (threshold, campaigns, triage), updating the campaigns in the state. A
   * replayed window plans without triage: only the campaigns' memory is wanted, and it does not depend on it.
   */
  private planAlerts(alerts: readonly Alert[], snap: Snapshot, ws: number, silenced?: (a: Alert) => boolean) {
    return planAlerts(alerts, (snap.campaigns ??= {}), ws, ws + this.opts.windowMs, this.opts.minAlertSeverity, silenced);
  }

  private addRows(out: AnalysisOutput, snap: Snapshot, count: boolean): void {
    this.triage.stamp(out);
    const add = (t: TableName, rows: unknown[] | undefined) => {
      if (!rows?.length) return;
      (snap.pending[t] ??= []).push(...rows);
      if (count) this.ports.metrics.count('FindingsOut', rows.length, t);
    };
    add('endpoints', out.endpoints);
    add('defects', out.defects);
    add('risk_events', out.riskEvents);
    add('actors', out.actors);
    add('file_assets', out.fileAssets);
    add('endpoint_changes', out.endpointChanges);
  }

  /**
   * Findings are written once per event-time hour and analysis (deterministic key), so Athena reads a few
   * objects per partition instead of one per window.
   */
  private async flushPending(snap: Snapshot): Promise<void> {
    await this.writePending(snap);
    snap.pending = {};
  }

  /** Writes the open hour's findings objects (each holds every row of its hour, so a rewrite replaces it whole). */
  private async writePending(snap: Snapshot): Promise<void> {
    if (snap.pendingHour === null) return;
    for (const [table, rows] of Object.entries(snap.pending) as Array<[TableName, unknown[]]>) {
      if (!rows.length) continue;
      await this.ports.blobs.put(lakeKey(table, snap.pendingHour, `${this.objectPrefix}${this.analysis.name}-${padTs(snap.pendingHour)}`), encodeNdjson(rows), 'application/x-ndjson');
    }
  }

  /**
   * End of a replay: every remaining window is closed and open findings are written out. Safe to repeat: a
   * finish that has committed for the last closed window is not run again (its end-of-stream rows would be
   * written twice), and the open hour stays open in the state, so that a later run going on in that hour
   * writes its object again with these rows and its own instead of replacing them.
   */
  async finish(): Promise<void> {
    const close = await this.readClose();
    if (close.closedUpTo === null) return;
    await this.triage.refresh();
    if (close.finishedAt !== close.closedUpTo) await this.finishOnce(close, close.closedUpTo);
    await this.outbox.drain();
  }

  private async finishOnce(close: CloseItem, closedUpTo: number): Promise<void> {
    const snap = await this.committedState(close);
    this.live = null;
    const we = closedUpTo + this.opts.windowMs;
    const ctx: WindowContext = {
      windowStart: closedUpTo,
      windowEnd: we,
      endpoints: this.resolverOf(snap.analysis),
    };
    if (this.analysis.finish) {
      const out = this.analysis.finish(snap.analysis, ctx);
      await this.applyOutput(out, snap, closedUpTo);
    }
    // The last day stays hourly: a later run may still add hours to it (earlier days were compacted on the way).
    await this.writePending(snap);
    const key = stateKeys.snapshot(this.analysis.name, closedUpTo);
    await this.ports.blobs.put(key, encodeJson(snap), 'application/json');
    const version = (close.version ?? 0) + 1;
    const done = { closedUpTo, version, snapshotKey: key, checkpointWs: closedUpTo, finishedAt: closedUpTo };
    if (await this.ports.kv.putIfVersion(this.pk, 'CLOSE', done, 'version', close.version)) {
      this.live = { version, snap };
      await this.ports.blobs.delete([...(await this.retainedBuffers(close.checkpointWs, closedUpTo)), ...(await this.oldSnapshots(closedUpTo))]);
    }
  }

  /** The analysis state after the last closed window (for CLI exports and tests). */
  async currentState(): Promise<unknown> {
    return (await this.committedState(await this.readClose())).analysis;
  }
}

const safe = (s: string) => s.replace(/[^A-Za-z0-9_.-]/g, '_');
