import { decodeSubscriptionPayload } from '../ingest/decodeSubscriptionPayload.ts';
import { describeUndecodable } from '../ingest/describeUndecodable.ts';
import { DecodeError } from '../ingest/errors.ts';
import { MAX_SAMPLE, normalizeRecord, type NormalizeOptions } from '../normalize/normalizeRecord.ts';
import { cutAt } from '../normalize/cutAt.ts';
import { maskEvent } from '../normalize/maskEvent.ts';
import { createInterner, DEFAULT_INTERNED_MAX } from '../normalize/stringInterner.ts';
import type { Masker } from '../sensitive/maskPath.ts';
import type { AccessEvent, Rejection } from '../normalize/types.ts';

/** A rejected input, with where it came from, ready for quarantine. */
export interface Quarantined extends Rejection {
  source: string;
}

/** An interner whose values come back masked (see createInterner's transform): the collector relies on it. */
export type MaskingInterner = ((s: string) => string) & { readonly masks: true };

/** One per container, so that strings are shared across batches and each distinct value is masked once. */
export function createMaskingInterner(masker: Masker, max = DEFAULT_INTERNED_MAX): MaskingInterner {
  return Object.assign(createInterner(max, masker.maskText), { masks: true as const });
}

export interface CollectOptions extends Omit<NormalizeOptions, 'intern' | 'referenceTs' | 'arrivalTs'> {
  intern?: MaskingInterner;
}

/** What one batch of stream records turned into. */
export class BatchCollector {
  readonly events: AccessEvent[] = [];
  readonly rejected: Quarantined[] = [];
  /** Events with a field cut to its cap, per field (`userAgent`: 3): counted as `FieldsTruncated`. */
  readonly truncated: Record<string, number> = {};
  controlMessages = 0;
  records = 0;

  /** Reused for every log event: only the reference and arrival times change, so no options object per event. */
  private readonly opts: NormalizeOptions;

  constructor(private readonly masker: Masker, normalize: CollectOptions = {}) {
    // Every option present from the start, as a literal: a spread copy, or a reference time added by the first
    // line, gave each collector's options a map of their own, which normalizeRecord then checked per line.
    this.opts = {
      mapping: normalize.mapping, referenceTs: undefined, maxSkewMs: normalize.maxSkewMs, arrivalTs: undefined, maxFutureMs: normalize.maxFutureMs,
      maxAgeMs: normalize.maxAgeMs, intern: normalize.intern ?? createMaskingInterner(masker),
    };
  }

  /**
   * Decodes one Kinesis record (a CloudWatch Logs subscription payload). `arrivalTs` is when the record reached
   * the stream (Kinesis `approximateArrivalTimestamp`, ms): event times are bounded by it. Never throws for bad
   * data: undecodable records and bad log lines are quarantined with their reason, the rest proceeds.
   */
  addRecord(data: string | Uint8Array, source: string, arrivalTs?: number): void {
    this.records++;
    let payload;
    try {
      payload = decodeSubscriptionPayload(data);
    } catch (e) {
      if (!(e instanceof DecodeError)) throw e;
      this.rejected.push({ reason: e.reason, detail: this.masker.maskText(e.message), sample: this.undecodableSample(data), source: this.masker.maskText(source) });
      return;
    }
    if (payload.kind === 'control') {
      this.controlMessages++;
      return;
    }
    this.opts.arrivalTs = arrivalTs;
    for (const le of payload.logEvents) this.addMessage(le.message, source, Number.isFinite(le.timestamp) ? le.timestamp : undefined, le.id);
    this.opts.arrivalTs = undefined;
  }

  /**
   * Adds one access-log line (used directly by file replays). A rejection's source is `source/logEventId`
   * (built only then: most lines are fine).
   */
  addMessage(message: string, source: string, logTs?: number, logEventId?: string): void {
    this.opts.referenceTs = logTs;
    const r = normalizeRecord(message, this.opts);
    if (r.ok) {
      this.events.push(maskEvent(r.event, this.masker, { internedMasked: true }));
      const cut = r.event.truncated;
      if (cut) for (const f of cut.split(',')) this.truncated[f] = (this.truncated[f] ?? 0) + 1;
      return;
    }
    const t = this.masker.maskText;
    this.rejected.push({ reason: r.rejection.reason, detail: t(r.rejection.detail), sample: t(r.rejection.sample), source: t(logEventId === undefined ? source : `${source}/${logEventId}`) });
  }

  /**
   * Quarantine keeps masked text, never raw bytes: what the record decodes to as far as it goes, or, when that
   * is binary, its size and a keyed hash (the same bytes give the same hash, so repeats can be recognised).
   */
  private undecodableSample(data: string | Uint8Array): string {
    const c = describeUndecodable(data);
    if ('text' in c) return this.masker.maskText(c.text.length > MAX_SAMPLE ? cutAt(c.text, MAX_SAMPLE) + `...(${c.text.length} chars)` : c.text);
    return `binary, ${c.binary.length} bytes, keyed hash ${this.masker.digest(c.binary)}`;
  }

  rejectionsByReason(): Record<string, number> {
    const out: Record<string, number> = {};
    for (const r of this.rejected) out[r.reason] = (out[r.reason] ?? 0) + 1;
    return out;
  }
}
