import type { TriageKind } from '../triage/model.ts';
import type { TriageView } from '../triage/view.ts';

/**
 * The few storage capabilities the engine needs. The core depends on these interfaces only; `adapters/`
 * implements them with the AWS SDK (DynamoDB, S3, SNS) and `local/` with files and memory.
 */
export interface BlobStore {
  /** Writes (or overwrites) an object. Keys are deterministic, so a retried write is idempotent. */
  put(key: string, body: Uint8Array, contentType?: string): Promise<void>;
  get(key: string): Promise<Uint8Array | null>;
  /** Every key under a prefix (no delimiter semantics), sorted. */
  list(prefix: string): Promise<string[]>;
  /** Removes objects that are no longer needed (consumed window buffers, old snapshots). */
  delete(keys: string[]): Promise<void>;
}

export type Item = Record<string, unknown>;

export interface KeyValueStore {
  get(pk: string, sk: string): Promise<Item | null>;
  /** Items of one partition, optionally restricted to sort keys in [from, to]. */
  query(pk: string, range?: { from?: string; to?: string }): Promise<Item[]>;
  put(pk: string, sk: string, attrs: Item): Promise<void>;
  /** Creates the item only if it does not exist; false when it did. */
  putIfAbsent(pk: string, sk: string, attrs: Item): Promise<boolean>;
  /**
   * Compare-and-set on a numeric attribute: writes `attrs` only when `attr` is absent (expected null) or equals
   * `expected`. Returns false when another writer got there first.
   */
  putIfVersion(pk: string, sk: string, attrs: Item, attr: string, expected: number | null): Promise<boolean>;
  /** Raises a numeric attribute to `value` unless it is already >= value. */
  raise(pk: string, sk: string, attr: string, value: number, extra?: Item): Promise<void>;
  /** Removes an item; removing one that is not there is not an error (a retried delete is idempotent). */
  delete(pk: string, sk: string): Promise<void>;
}

/**
 * Where alerts go: SNS in AWS, a console + JSONL sink locally. A publish that throws is retried later from
 * the alert outbox (shared/engine/alertOutbox.ts); `attributes.dedupKey` names the alert, so a subscriber can
 * drop the rare repeat that at-least-once delivery allows.
 */
export interface AlertPublisher {
  publish(subject: string, message: string, attributes: Record<string, string>): Promise<void>;
}

/** Counters the engine reports; Powertools Metrics in Lambda, a plain map locally. */
export interface MetricsSink {
  count(name: string, value?: number, dimension?: string): void;
}

/**
 * Triage as the pipeline honours it (shared/engine/storeTriage.ts over the TriageStore: DynamoDB items in AWS,
 * files of the lake folder locally). Optional: without it every finding alerts as untriaged.
 */
export interface TriagePort {
  /** The triage now: read once per invocation; the implementation may answer from a copy a few seconds old. */
  view(): Promise<TriageView>;
  /**
   * Sets a finding that is `fixed` back to `open` by the pipeline (a history entry by `apiscope`), only if it is
   * still fixed as last read: false when someone changed it meanwhile. Later views show it open.
   */
  reopen(kind: TriageKind, id: string): Promise<boolean>;
}
