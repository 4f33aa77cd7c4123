import { decodeSubscriptionPayload } from '../ingest/decodeSubscriptionPayload.ts';
import { DecodeError } from '../ingest/errors.ts';
import { normalizeRecord, type NormalizeOptions } from '../normalize/normalizeRecord.ts';
import { maskEvent } from '../normalize/maskEvent.ts';
import { createInterner } from '../normalize/stringInterner.ts';
import type { Masker } from '../sensitive/maskPath.ts';
import type { AccessEvent, Rejection } from '../normalize/types.ts';

/** A rejected input, with where it came from, ready for quarantine. */
export interface Quarantined extends Rejection {
  source: string;
}

/** What one batch of stream records turned into. */
export class BatchCollector {
  readonly events: AccessEvent[] = [];
  readonly rejected: Quarantined[] = [];
  controlMessages = 0;
  records = 0;

  /** Reused for every log event: only the reference time changes, so no options object per event. */
  private readonly opts: NormalizeOptions;

  /** `normalize.intern`: pass one interner for the container's lifetime so that strings are shared across batches. */
  constructor(private readonly masker: Masker, normalize: NormalizeOptions = {}) {
    // Every option present from the start, as a literal: a spread copy, or a reference time added by the first
    // line, gave each collector's options a map of their own, which normalizeRecord then checked per line.
    this.opts = { mapping: normalize.mapping, referenceTs: undefined, maxSkewMs: normalize.maxSkewMs, intern: normalize.intern ?? createInterner() };
  }

  /**
   * Decodes one Kinesis record (a CloudWatch Logs subscription payload). Never throws for bad data:
   * undecodable records and bad log lines are quarantined with their reason, the rest proceeds.
   */
  addRecord(data: string | Uint8Array, source: string): void {
    this.records++;
    let payload;
    try {
      payload = decodeSubscriptionPayload(data);
    } catch (e) {
      if (!(e instanceof DecodeError)) throw e;
      const sample = typeof data === 'string' ? data.slice(0, 2048) : Buffer.from(data).toString('base64').slice(0, 2048);
      this.rejected.push({ reason: e.reason, detail: e.message, sample, source });
      return;
    }
    if (payload.kind === 'control') {
      this.controlMessages++;
      return;
    }
    for (const le of payload.logEvents) this.addMessage(le.message, source, Number.isFinite(le.timestamp) ? le.timestamp : undefined, le.id);
  }

  /**
   * Adds one access-log line (used directly by file replays). A rejection's source is `source/logEventId`
   * (built only then: most lines are fine).
   */
  addMessage(message: string, source: string, logTs?: number, logEventId?: string): void {
    this.opts.referenceTs = logTs;
    const r = normalizeRecord(message, this.opts);
    if (r.ok) this.events.push(maskEvent(r.event, this.masker));
    else this.rejected.push({ ...r.rejection, sample: this.masker.maskPath(r.rejection.sample), source: logEventId === undefined ? source : `${source}/${logEventId}` });
  }

  rejectionsByReason(): Record<string, number> {
    const out: Record<string, number> = {};
    for (const r of this.rejected) out[r.reason] = (out[r.reason] ?? 0) + 1;
    return out;
  }
}
