import type { TriageKind, TriageRecord } from './model.ts';

/**
 * Where triage records live: DynamoDB items in AWS (adapters/dynamoTriageStore.ts), JSON files under the lake
 * folder locally (local/fileTriageStore.ts). Adapters only store; the rules (transitions, history, retries on
 * a concurrent change) are in shared/triage/service.ts, once for both.
 */
export interface TriageStore {
  get(kind: TriageKind, id: string): Promise<TriageRecord | null>;
  /** The records that exist among `ids` (absent ids are simply not in the map). */
  getMany(kind: TriageKind, ids: readonly string[]): Promise<Map<string, TriageRecord>>;
  /** Every record of a kind (for status filters and the pipeline's TriageView). */
  list(kind: TriageKind): Promise<TriageRecord[]>;
  /**
   * Writes `record` only if the stored version is still `expectedVersion` (0: no record yet). False when
   * another writer got there first; the caller re-reads and tries again.
   */
  save(record: TriageRecord, expectedVersion: number): Promise<boolean>;
}

/** A store write that lost its version check more often than a person's change should. */
export class TriageConflictError extends Error {
  override name = 'TriageConflictError';
}
