/**
 * Measures template discovery against the development evaluation set:
 *   node --import tsx scripts/eval-discovery.ts [--per-api]
 * Runs `discover` over `<eval>/dev-sample/access.ndjson.gz` (eval dir from APISCOPE_EVAL_DIR, default
 * ../shared/eval), scores the predictions with `<eval>/score.mjs` and prints throughput and peak heap.
 */
import { execFileSync } from 'node:child_process';
import { createReadStream, createWriteStream, copyFileSync, existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { createGunzip } from 'node:zlib';
import { runDiscover } from '../cli/discover.ts';
import { evalDir } from '../local/loadEvents.ts';

const dir = evalDir();
const sample = join(dir, 'dev-sample');
const input = join(sample, 'access.ndjson.gz');
if (!existsSync(input)) {
  console.error(`no evaluation set at ${sample} (set APISCOPE_EVAL_DIR)`);
  process.exit(2);
}
const work = mkdtempSync(join(tmpdir(), 'apiscope-eval-'));
let peakHeap = 0;
const sampler = setInterval(() => { peakHeap = Math.max(peakHeap, process.memoryUsage().heapUsed); }, 50);
const r = await runDiscover({ input, out: join(work, 'out') });
clearInterval(sampler);
peakHeap = Math.max(peakHeap, process.memoryUsage().heapUsed);
const run = join(work, 'run');
execFileSync('mkdir', ['-p', run]);
await pipeline(createReadStream(join(sample, 'truth.ndjson.gz')), createGunzip(), createWriteStream(join(run, 'truth.ndjson')));
if (existsSync(join(sample, 'labels.ndjson'))) copyFileSync(join(sample, 'labels.ndjson'), join(run, 'labels.ndjson'));
const extra = process.argv.slice(2).filter((a) => a === '--per-api');
const out = execFileSync('node', [join(dir, 'score.mjs'), '--run', run, '--pred', join(work, 'out', 'paths.ndjson'), '--json', join(work, 'score.json'), ...extra], { encoding: 'utf8' });
console.log(out.trimEnd());
console.log(`throughput: ${r.records} records in ${r.seconds.toFixed(1)} s = ${Math.round(r.records / r.seconds)} records/s (read, normalize, mask, discover, write)`);
console.log(`peak heap: ${(peakHeap / 1e6).toFixed(0)} MB; discovery state: ${(r.stateBytes / 1e6).toFixed(2)} MB JSON; ${r.endpoints} endpoints`);
console.log(`output: ${work}`);
