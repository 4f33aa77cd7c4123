import { normalizeRecord } from '../shared/normalize/normalizeRecord.ts';
import { maskEvent } from '../shared/normalize/maskEvent.ts';
import { createMasker } from '../shared/sensitive/maskPath.ts';
import type { AccessEvent } from '../shared/normalize/types.ts';
import { readInput } from './readInput.ts';

/** Reads a whole input file into normalized, masked events (for evaluation scripts and tests). */
export async function loadEvents(file: string, hashKey = 'apiscope-local'): Promise<{ events: AccessEvent[]; rejected: number }> {
  const masker = createMasker(hashKey);
  const events: AccessEvent[] = [];
  let rejected = 0;
  for await (const item of readInput(file)) {
    if ('error' in item) { rejected++; continue; }
    // A file has no arrival time: the robust reference stands in for it, so one far-off line moves nothing.
    const r = normalizeRecord(item.message, { referenceTs: item.logTs ?? item.refTs, arrivalTs: item.refTs });
    if (r.ok) events.push(maskEvent(r.event, masker));
    else rejected++;
  }
  return { events, rejected };
}

/** Where the optional evaluation set lives (`../shared/eval` beside the checkout, or APISCOPE_EVAL_DIR). */
export function evalDir(): string {
  return process.env.APISCOPE_EVAL_DIR ?? new URL('../../shared/eval', import.meta.url).pathname;
}
