/**
 * Checks that score.ts gives the numbers of the evaluation set's score.mjs, on the dev sample:
 *   node --import tsx eval/broad/checkScorer.ts [--pred paths.ndjson]
 * Without --pred it runs `apiscope discover` over the dev sample first. Needs ../shared/eval (or
 * APISCOPE_EVAL_DIR); not part of npm test.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { runDiscover } from '../../cli/discover.ts';
import { evalDir } from '../../local/loadEvents.ts';
import { scoreTemplates, type Prediction, type TruthPath } from './score.ts';

const dir = evalDir();
const sample = join(dir, 'dev-sample');
if (!existsSync(join(sample, 'truth.ndjson.gz'))) {
  console.error(`no evaluation set at ${sample} (set APISCOPE_EVAL_DIR)`);
  process.exit(2);
}
const work = mkdtempSync(join(tmpdir(), 'apiscope-check-scorer-'));
const i = process.argv.indexOf('--pred');
let predFile = i > 0 ? process.argv[i + 1] : '';
if (!predFile) {
  await runDiscover({ input: join(sample, 'access.ndjson.gz'), out: join(work, 'out') });
  predFile = join(work, 'out', 'paths.ndjson');
}
const truthText = gunzipSync(readFileSync(join(sample, 'truth.ndjson.gz'))).toString('utf8');
writeFileSync(join(work, 'truth.ndjson'), truthText);
execFileSync('node', [join(dir, 'score.mjs'), '--truth', join(work, 'truth.ndjson'), '--pred', predFile, '--json', join(work, 'ref.json')], { stdio: 'ignore' });
const ref = JSON.parse(readFileSync(join(work, 'ref.json'), 'utf8')).templates;
const parse = <T>(t: string) => t.split('\n').filter(Boolean).map((l) => JSON.parse(l) as T);
const ours = scoreTemplates(parse<TruthPath>(truthText), parse<Prediction>(readFileSync(predFile, 'utf8'))).score as unknown as Record<string, unknown>;

/** Every field score.mjs reports, compared exactly (our extra `counts` are not in its output). */
const diffs: string[] = [];
const walk = (a: unknown, b: unknown, at: string) => {
  if (typeof a === 'object' && a !== null) {
    for (const k of Object.keys(a)) walk((a as Record<string, unknown>)[k], (b as Record<string, unknown> | undefined)?.[k], `${at}.${k}`);
  } else if (a !== b) diffs.push(`${at}: score.mjs ${a}, score.ts ${b}`);
};
walk(ref, ours, 'templates');
const fields = JSON.stringify(ref).match(/":/g)?.length ?? 0;
if (diffs.length) {
  console.log(`score.ts differs from score.mjs in ${diffs.length} of ${fields} fields:\n${diffs.slice(0, 40).join('\n')}`);
  process.exit(1);
}
console.log(`score.ts = score.mjs on all ${fields} fields (overall F1 ${ref.overall.f1}, proxied F1 ${ref.proxiedApis.f1}, ${Object.keys(ref.perApi).length} APIs)`);
