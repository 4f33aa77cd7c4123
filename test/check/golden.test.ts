/**
 * Golden tests, crowdsec-hub style: every folder under test/check/golden holds `events.ndjson` (input),
 * optional `options.json` (checks to run, thresholds, spec, rules) and `expected.json` (the defects found).
 * `UPDATE_GOLDEN=1 npx vitest run test/check` rewrites expected.json; review the diff before committing.
 */
import { describe, expect, it } from 'vitest';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createDefectsAnalysis, type DefectsOptions } from '../../shared/check/index.ts';
import { parseRules } from '../../shared/rules/index.ts';
import { runInMemory } from '../../shared/engine/runInMemory.ts';
import { fixedDiscovery, readFixture, summarise } from './fixtures.ts';

const root = new URL('./golden/', import.meta.url).pathname;

describe('defect checks: golden fixtures', () => {
  for (const name of readdirSync(root).filter((d) => existsSync(join(root, d, 'events.ndjson'))).sort()) {
    it(name, () => {
      const dir = join(root, name);
      const raw = existsSync(join(dir, 'options.json')) ? JSON.parse(readFileSync(join(dir, 'options.json'), 'utf8')) : {};
      const opts: DefectsOptions = { ...raw, rules: raw.rules ? parseRules(readFileSync(join(dir, raw.rules), 'utf8'), raw.rules) : undefined };
      const { events, templates } = readFixture(join(dir, 'events.ndjson'));
      const { outputs } = runInMemory(events, fixedDiscovery(templates), [createDefectsAnalysis(opts)]);
      const got = summarise(outputs.defects.flatMap((o) => o.defects ?? []));
      const file = join(dir, 'expected.json');
      if (process.env.UPDATE_GOLDEN === '1') writeFileSync(file, JSON.stringify(got, null, 2) + '\n');
      expect(got).toEqual(JSON.parse(readFileSync(file, 'utf8')));
    });
  }
});
