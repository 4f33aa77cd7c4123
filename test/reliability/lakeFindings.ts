import { readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { queryLake } from '../../local/lakeQuery.ts';
import { TABLES } from '../../shared/emit/tableSchemas.ts';

/** Every row of every findings table but quarantine, as sorted JSON lines, and the alerts, for exact comparison of two runs. */
export async function lakeFindings(lake: string): Promise<Record<string, string[]>> {
  const out: Record<string, string[]> = {};
  for (const t of TABLES) {
    if (t.name === 'quarantine') continue;
    out[t.name] = (await queryLake(lake, `SELECT * EXCLUDE (dt) FROM ${t.name}`)).rows.map((r) => JSON.stringify(r)).sort();
  }
  const alerts = join(lake, 'alerts.jsonl');
  out.alerts = existsSync(alerts) ? readFileSync(alerts, 'utf8').trim().split('\n').filter(Boolean).sort() : [];
  return out;
}
