import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runReplay } from '../../cli/replay.ts';

export const SAMPLE = join(import.meta.dirname, '..', '..', 'examples', 'access.ndjson.gz');

/** `apiscope replay` of the seeded sample (three hours, four attacks, injected markup and ANSI) into a new lake. */
export async function replayedSample(prefix: string): Promise<{ dir: string; lake: string; remove: () => void }> {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  const lake = join(dir, 'lake');
  await runReplay({ input: SAMPLE, out: lake, shards: 1, quiet: true });
  return { dir, lake, remove: () => rmSync(dir, { recursive: true, force: true }) };
}
