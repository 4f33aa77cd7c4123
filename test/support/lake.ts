import { decodeNdjson } from '../../shared/engine/codec.ts';
import { TABLES } from '../../shared/emit/tableSchemas.ts';
import type { BlobStore } from '../../shared/engine/ports.ts';

/**
 * Every row of every findings table, as sorted JSON lines per table: two lakes with equal results hold the
 * same rows the same number of times, however the rows are spread over objects.
 */
export async function lakeRows(blobs: BlobStore): Promise<Record<string, string[]>> {
  const out: Record<string, string[]> = {};
  for (const t of TABLES) {
    const keys = await blobs.list(`${t.prefix}/`);
    const rows = (await Promise.all(keys.map(async (k) => decodeNdjson<unknown>((await blobs.get(k))!)))).flat();
    out[t.prefix] = rows.map((r) => JSON.stringify(r)).sort();
  }
  return out;
}
