import type { TableName } from '../emit/rows.ts';
import type { BlobStore } from './ports.ts';
import { decodeNdjson, encodeNdjson } from './codec.ts';
import { lakeKey, lakePartition } from './lakeLayout.ts';

/**
 * Tables the engine writes once per event-time hour and compacts once per day. Quarantine is left out: it is
 * written per rejected batch at ingest, keyed by arrival time, by every shard at any moment, so a day of it is
 * never known to be complete.
 */
export const COMPACTED_TABLES: readonly TableName[] = ['endpoints', 'defects', 'risk_events', 'actors', 'file_assets', 'endpoint_changes'];

/** Name (after the writer's prefix) of the one object a compacted day keeps per table. */
export const DAY_OBJECT_NAME = 'day';

/** An hourly object's name after the writer's prefix: the padded hour start (`padTs`). */
const HOURLY = /^\d{15}\.json\.gz$/;

export interface CompactedTable {
  table: TableName;
  /** Hourly objects found (and deleted). */
  hourly: number;
  /** `compacted`: the daily object was (re)written; `cleaned`: it already held every hourly object found. */
  outcome: 'nothing' | 'compacted' | 'cleaned' | 'raced';
}

/**
 * Folds one complete UTC day of a writer's hourly findings objects into one object per table:
 * `<table>/dt=<day>/<namePrefix>day.json.gz`, the hourly rows in key (hour) order, then deletes the hourly
 * objects. Hourly objects keep findings fresh within the hour; at a few KB each they make Athena open
 * thousands of tiny files, which the daily object avoids. Only keys starting with `namePrefix`
 * (`<deploymentId>-<analysis>-`) are touched, so deployments sharing a (central) bucket never compact each other.
 *
 * Safe to run again at any point, and by two closers at once:
 * - Every deletion of an hourly object follows the put of a daily object built from the complete day (the day is
 *   complete before the first run: windows close in event-time order), so a daily object that already holds
 *   each remaining hourly object (a crash between put and delete, a partial delete, a retried window that
 *   wrote the day's last hour again, byte for byte) is kept and only the leftovers are deleted.
 * - Otherwise the daily object is rebuilt from the hourly objects alone, never from the daily object plus
 *   hourly ones: no row can be counted twice. This happens on the first run, or when a day was written again
 *   with other findings (state reset and reprocessing), whose new version then replaces the old.
 * - An hourly object that vanishes while being read means another closer is compacting the same day and has
 *   already written the complete daily object: this run stops for that table.
 * A day must therefore only be compacted once no more findings can be written for it: the engine never
 * compacts the last day of a replay (`finish`), whose hours a later run may still extend.
 *
 * Only a read the store answers with `null` (absent) counts as absent. A read that fails, e.g. S3's 403 for a key
 * the role may not list (adapters/s3BlobStore.ts, BlobAccessDeniedError), fails the run before anything is
 * written or deleted: taking a denied daily object for an absent one would rebuild it from the hourly objects
 * left and lose the hours already folded into it.
 *
 * @example
 * await compactDay(blobs, Date.UTC(2026, 10, 23), '111122223333-eu-west-1-pipeline-');
 * // risk_events/dt=2026-11-23/111122223333-eu-west-1-pipeline-day.json.gz, and likewise for each table
 */
export async function compactDay(blobs: BlobStore, day: number, namePrefix: string, tables: readonly TableName[] = COMPACTED_TABLES): Promise<CompactedTable[]> {
  return Promise.all(tables.map((t) => compactTable(blobs, t, day, namePrefix)));
}

async function compactTable(blobs: BlobStore, table: TableName, day: number, namePrefix: string): Promise<CompactedTable> {
  const prefix = lakePartition(table, day) + namePrefix;
  // Listed before the daily object is read: if it is absent then, no hourly object had been deleted yet.
  const hourly = (await blobs.list(prefix)).filter((k) => HOURLY.test(k.slice(prefix.length)));
  if (!hourly.length) return { table, hourly: 0, outcome: 'nothing' };
  const bodies = await Promise.all(hourly.map((k) => blobs.get(k)));
  if (bodies.some((b) => b === null)) return { table, hourly: hourly.length, outcome: 'raced' };
  const parts = bodies.map((b) => decodeNdjson<unknown>(b!));
  const dailyKey = lakeKey(table, day, `${namePrefix}${DAY_OBJECT_NAME}`);
  const daily = await blobs.get(dailyKey);
  const dailyText = daily ? linesOf(decodeNdjson<unknown>(daily)) : null;
  const covered = dailyText !== null && parts.every((p) => !p.length || dailyText.includes(linesOf(p)));
  if (!covered) await blobs.put(dailyKey, encodeNdjson(parts.flat()), 'application/x-ndjson');
  await blobs.delete(hourly);
  return { table, hourly: hourly.length, outcome: covered ? 'cleaned' : 'compacted' };
}

/** Rows as `\n`-delimited JSON with a leading `\n`, so that `includes` matches whole lines only. */
function linesOf(rows: readonly unknown[]): string {
  return '\n' + rows.map((r) => JSON.stringify(r)).join('\n') + '\n';
}
