import { randomUUID } from 'node:crypto';
import type { Alert } from '../emit/rows.ts';
import { renderAlert } from '../emit/renderAlert.ts';
import type { AlertPublisher, Item, KeyValueStore, MetricsSink } from './ports.ts';
import { padTs } from './lakeLayout.ts';

/** Sort key of an alert's record, under `ALERT#<dedupKey>`. */
const RECORD = 'A';
/** Alert records (and so the dedup horizon) are kept this long after they were queued, in processing time. */
const KEEP_S = 30 * 86_400;
/**
 * How long a container that is publishing an alert holds it: longer than the analysis function may run
 * (5 min), so that no other container publishes an alert a live one is still working on.
 */
export const ALERT_LEASE_MS = 6 * 60_000;

/** An alert this container holds the lease of: the record as leased, and its queue entry. */
interface Lease {
  pk: string;
  record: Item;
  attempt: number;
  entry: string;
}

/**
 * At-least-once delivery of alerts with deduplication, on the key-value store alone (single-item conditional
 * writes, no transactions).
 *
 * - `enqueue` (while a window closes, before its close commits) records each alert once under
 *   `ALERT#<dedupKey>`, rendered and `pending`, with an entry in the queue partition `OUTBOX#<analysis>`.
 *   It is idempotent: a window closed again after a failed commit finds its alerts already there, pending
 *   or sent, and queues nothing twice.
 * - `drain` (every invocation, first thing and again after its closes) publishes the queued alerts oldest
 *   first. Each is leased with a compare-and-set on its attempt counter, so two containers never publish the
 *   same alert at once; published, it is marked `sent` with another compare-and-set and leaves the queue.
 *   A failed publish releases it and moves it to the back of the queue: it is tried again on the next
 *   invocation, and one alert that SNS keeps refusing cannot hold back the others. The drain stops at the
 *   first failure, so an SNS outage costs each invocation one failed publish and never fails the batch.
 *
 * Delivery is at least once, not exactly once, in two cases that no single-item write can close: the publish
 * succeeded but its response was lost (SNS standard topics cannot deduplicate), or the write that marks it
 * sent kept failing for longer than the SDK's retries and this container never got to repeat it (it does,
 * first thing in its next drain) before the lease ran out. The repeat then carries the same `dedupKey`
 * message attribute. A transient fault that the SDK's retries absorb, or a conditional write whose response
 * was lost (the item names the lease holder), sends nothing twice.
 */
export class AlertOutbox {
  /** Published alerts whose `sent` mark has not been written yet: confirmed before anything else is sent. */
  private readonly unconfirmed = new Map<string, Lease>();
  /** Names this container's leases, so that a lease write whose response was lost is recognised as its own. */
  private readonly owner = randomUUID();

  constructor(
    private readonly kv: KeyValueStore,
    private readonly publisher: AlertPublisher,
    private readonly metrics: MetricsSink,
    analysis: string,
    private readonly clock: () => number,
  ) {
    this.queue = `OUTBOX#${analysis}`;
  }

  private readonly queue: string;

  /** Records the alerts for delivery; returns how many were new. */
  async enqueue(alerts: readonly Alert[]): Promise<number> {
    let queued = 0;
    for (const a of alerts) {
      const pk = `ALERT#${a.dedupKey}`;
      const entry = `${padTs(a.ts)}#${a.dedupKey}`;
      const now = this.clock();
      const expiresAt = Math.floor(now / 1000) + KEEP_S;
      const r = renderAlert(a);
      const fresh = await this.kv.putIfAbsent(pk, RECORD, { status: 'pending', subject: r.subject, message: r.message, attributes: r.attributes, ts: a.ts, queuedAt: now, attempt: 0, leaseUntil: 0, entry, expiresAt });
      if (fresh) queued++;
      // Already recorded: sent (or claimed by a version that published right away, which wrote no status), or
      // still pending, when its queue entry is written again in case the first try stopped in between.
      else if ((await this.kv.get(pk, RECORD))?.status !== 'pending') {
        this.metrics.count('AlertsDeduplicated', 1);
        continue;
      }
      await this.kv.put(this.queue, entry, { dedupKey: a.dedupKey, expiresAt });
    }
    if (queued) this.metrics.count('AlertsQueued', queued);
    return queued;
  }

  /** Publishes what is queued; see the class comment. Throws only when the key-value store does. */
  async drain(): Promise<void> {
    for (const lease of [...this.unconfirmed.values()]) await this.confirm(lease);
    // Never-failed entries first, in time order; then those that failed, the longest ago first.
    const entries = (await this.kv.query(this.queue)).sort((x, y) => Number(x.failedAt ?? 0) - Number(y.failedAt ?? 0));
    let depth = entries.length;
    for (const e of entries) {
      const pk = `ALERT#${String(e.dedupKey)}`;
      const entry = String(e.sk);
      const record = await this.kv.get(pk, RECORD);
      if (record?.status !== 'pending') {
        // Sent (its entry outlived the mark), or expired: nothing left to do.
        await this.kv.delete(this.queue, entry);
        depth--;
        continue;
      }
      const now = this.clock();
      if (Number(record.leaseUntil ?? 0) > now) continue;
      const lease = await this.lease(pk, record, entry, now);
      if (!lease) continue;
      try {
        await this.publisher.publish(String(record.subject), String(record.message), record.attributes as Record<string, string>);
      } catch (err) {
        this.metrics.count('AlertPublishFailed', 1);
        await this.release(lease, e, err, now);
        break;
      }
      this.metrics.count('AlertsSent', 1);
      this.unconfirmed.set(pk, lease);
      await this.confirm(lease);
      depth--;
    }
    this.metrics.count('AlertOutboxDepth', depth);
  }

  private async lease(pk: string, record: Item, entry: string, now: number): Promise<Lease | null> {
    const prev = Number(record.attempt ?? 0);
    const leased = { ...record, attempt: prev + 1, leaseUntil: now + ALERT_LEASE_MS, leaseOwner: this.owner };
    const lease = { pk, record: leased, attempt: prev + 1, entry };
    if (await this.kv.putIfVersion(pk, RECORD, leased, 'attempt', prev)) return lease;
    return (await this.holds(lease, 'pending')) ? lease : null;
  }

  /** Whether the record is as this container's write of `lease` left it: a write whose response was lost. */
  private async holds(lease: Lease, status: string): Promise<boolean> {
    const cur = await this.kv.get(lease.pk, RECORD);
    return cur?.attempt === lease.attempt && cur.leaseOwner === this.owner && cur.status === status;
  }

  /** Marks a published alert sent (the rendered message is no longer needed) and removes its queue entry. */
  private async confirm(lease: Lease): Promise<void> {
    const { message: _m, attributes: _a, ...rest } = lease.record;
    const sent = { ...rest, status: 'sent', sentAt: this.clock(), leaseUntil: 0 };
    // Not ours: the lease ran out before this confirmation and another container has taken the alert over, so
    // it goes out twice (the at-least-once case); the queue entry is that container's to remove then.
    const ours = (await this.kv.putIfVersion(lease.pk, RECORD, sent, 'attempt', lease.attempt)) || (await this.holds(lease, 'sent'));
    this.unconfirmed.delete(lease.pk);
    if (ours) await this.kv.delete(this.queue, lease.entry);
  }

  /** Gives a failed alert back at once (no lease to wait out) and moves it to the back of the queue. */
  private async release(lease: Lease, entry: Item, err: unknown, now: number): Promise<void> {
    const lastError = `${(err as Error)?.name ?? 'Error'}: ${(err as Error)?.message ?? String(err)}`.slice(0, 300);
    await this.kv.putIfVersion(lease.pk, RECORD, { ...lease.record, leaseUntil: 0, lastError }, 'attempt', lease.attempt);
    const { pk: _pk, sk: _sk, ...attrs } = entry;
    await this.kv.put(this.queue, lease.entry, { ...attrs, failedAt: now, failures: Number(entry.failures ?? 0) + 1 });
  }
}
