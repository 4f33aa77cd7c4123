import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { simulateTraffic } from '../../local/simulator.ts';
import { runReplay } from '../../cli/replay.ts';
import { queryLake } from '../../local/lakeQuery.ts';
import { summarizeLake } from '../../local/summary.ts';
import { buildReport } from '../../local/buildReport.ts';
import { formatRows } from '../../cli/formatRows.ts';

/**
 * Hostile values travel in real access-log lines (the fields an attacker controls) through the real replay
 * into every output a person reads: CSV, table and JSON query output, the terminal summary, the HTML report
 * and the alert. Each assertion checks the neutralised form is there (so the value did reach the output) and
 * the raw bytes are not.
 */
const ESC = '\u001b';
const BEL = '\u0007';
const RLO = '\u202e';
// Principal id: a spreadsheet formula (DDE), a colour sequence, a terminal-title sequence and a bidi override.
const PRINCIPAL = `=cmd|'/C calc'!A0${ESC}[31m${ESC}]0;owned${BEL}${RLO}`;
const PRINCIPAL_SHOWN = String.raw`=cmd|'/C calc'!A0\x1b[31m\x1b]0;owned\x07\u202e`;
const USER_AGENT = `curl/8${ESC}[2J+SUM(1)`;
const USER_AGENT_SHOWN = String.raw`curl/8\x1b[2J+SUM(1)`;
const DOMAIN = `evil${ESC}]0;title${BEL}.example`;
const DOMAIN_SHOWN = String.raw`evil\x1b]0;title\x07.example`;
const ROUTE = `/v1/@SUM(1+1)${ESC}[5m/items`;
const ROUTE_SHOWN = String.raw`/v1/@SUM(1+1)\x1b[5m/items`;
const QUERY_KEY = `-2+3${ESC}[0m`;
const ERROR = `+cmd${ESC}[31mboom`;
const ERROR_SHOWN = String.raw`+cmd\x1b[31mboom`;
const RAW = /[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]/;

describe('log-injection strings stay inert in every output', () => {
  let dir: string;
  let lake: string;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'inject-'));
    const sim = simulateTraffic({ seed: 5, hours: 3, rate: 40 });
    // The enumeration attacker gets the hostile principal id and user agent, so its risk events and alert carry them.
    const bola = sim.attacks.find((a) => a.scenario === 'bola_enumeration')!.actors[0];
    const lines = sim.lines.map((l) => {
      const o = JSON.parse(l);
      return JSON.stringify(o.principalId === bola ? { ...o, principalId: PRINCIPAL, userAgent: USER_AGENT } : o);
    });
    // A routed endpoint on a hostile domain, busier than any other (so the summary lists it), with an email in a
    // query parameter whose name is hostile (a sensitive_data_in_url defect names the parameter).
    const base = JSON.parse(sim.lines[100]);
    for (let i = 0; i < 2000; i++) {
      lines.push(JSON.stringify({ ...base, requestId: `inj-${i}`, requestTimeEpoch: String(Number(base.requestTimeEpoch) + i * 1000), path: `${ROUTE}?${QUERY_KEY}=alice${i % 50}@example.com`, resourcePath: ROUTE, domainName: DOMAIN }));
    }
    // A raw ESC inside a log line makes it invalid JSON: quarantined with its sample, which query output shows.
    lines.push(JSON.stringify({ ...base, requestId: 'raw-ctl' }).replace('"errorMessage":"-"', `"errorMessage":"${ERROR}"`));
    writeFileSync(join(dir, 'in.ndjson'), lines.join('\n') + '\n');
    lake = join(dir, 'lake');
    await runReplay({ input: join(dir, 'in.ndjson'), out: lake, shards: 1, quiet: true });
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const actorRows = () => queryLake(lake, `SELECT DISTINCT actor_type, actor FROM risk_events WHERE actor_type = 'principal' AND starts_with(actor, '=cmd')`);

  it('reach the lake unchanged (the fixture really carries them)', async () => {
    expect((await actorRows()).rows).toEqual([{ actor_type: 'principal', actor: PRINCIPAL }]);
    const ep = await queryLake(lake, `SELECT DISTINCT domain_name, template FROM endpoints WHERE template = '${ROUTE}'`);
    expect(ep.rows).toEqual([{ domain_name: DOMAIN, template: ROUTE }]);
    const ua = await queryLake(lake, `SELECT DISTINCT unnest(user_agents) AS ua FROM actors WHERE actor = '${PRINCIPAL.replace(/'/g, "''")}'`);
    expect(ua.rows.map((r) => r.ua)).toContain(USER_AGENT);
  });

  it('CSV: formula cells neutralised with a quote and quoted, control bytes escaped', async () => {
    const r = await actorRows();
    const csv = formatRows(r.columns, r.rows, 'csv');
    expect(csv).toBe(`actor_type,actor\nprincipal,"'${PRINCIPAL_SHOWN}"`);
    const q = await queryLake(lake, `SELECT reason, sample FROM quarantine WHERE sample LIKE '%raw-ctl%'`);
    const qcsv = formatRows(q.columns, q.rows, 'csv');
    expect(q.rows).toHaveLength(1);
    expect(qcsv).toContain(ERROR_SHOWN);
    expect(qcsv).not.toMatch(RAW);
  });

  it('table: every control character shown as an escape', async () => {
    const r = await actorRows();
    const table = formatRows(r.columns, r.rows, 'table');
    expect(table).toContain(`principal   ${PRINCIPAL_SHOWN}`);
    const ep = await queryLake(lake, `SELECT DISTINCT domain_name, template FROM endpoints WHERE template = '${ROUTE}'`);
    const t2 = formatRows(ep.columns, ep.rows, 'table');
    expect(t2).toContain(DOMAIN_SHOWN);
    expect(t2).toContain(ROUTE_SHOWN);
    // The table cuts cells at 80 characters: the sample from its errorMessage on.
    const q = await queryLake(lake, `SELECT substr(sample, strpos(sample, '"errorMessage"')) AS err FROM quarantine WHERE sample LIKE '%raw-ctl%'`);
    const t3 = formatRows(q.columns, q.rows, 'table');
    expect(t3).toContain(`"errorMessage":"${ERROR_SHOWN}"`);
    for (const out of [table, t2, t3]) expect(out).not.toMatch(RAW);
  });

  it('JSON: valid, the same values after parsing, no raw control or bidi characters', async () => {
    const r = await actorRows();
    const json = formatRows(r.columns, r.rows, 'json');
    expect(json).toContain(String.raw`\u001b[31m\u001b]0;owned\u0007\u202e`);
    expect(json).not.toMatch(RAW);
    expect(json.split('\n').map((l) => JSON.parse(l))).toEqual([{ actor_type: 'principal', actor: PRINCIPAL }]);
    const d = await queryLake(lake, `SELECT evidence FROM defects WHERE defect_type = 'sensitive_data_in_url' AND template = '${ROUTE}'`);
    expect(d.rows.length).toBeGreaterThan(0);
    expect(JSON.stringify(JSON.parse(String(d.rows[0].evidence)))).toContain(JSON.stringify(QUERY_KEY).slice(1, -1));
    const dj = formatRows(d.columns, d.rows, 'json');
    expect(dj).not.toMatch(RAW);
  });

  it('terminal summary: the actor, the domain and the template shown escaped', async () => {
    const s = await summarizeLake(lake);
    expect(s).toContain(`principal:${PRINCIPAL_SHOWN}`);
    expect(s).toContain(`${DOMAIN_SHOWN}${ROUTE_SHOWN}`);
    expect(s).not.toMatch(RAW);
  });

  it('HTML report: markup escaped, controls and bidi overrides shown as escapes', async () => {
    const { html } = await buildReport(lake);
    expect(html).toContain(`=cmd|&#39;/C calc&#39;!A0\\x1b[31m\\x1b]0;owned\\x07\\u202e`);
    expect(html).not.toMatch(RAW);
  });

  it('alert: subject printable ASCII, message JSON with the controls escaped', () => {
    const alerts = readFileSync(join(lake, 'alerts.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { subject: string; message: unknown });
    const mine = alerts.filter((a) => JSON.stringify(a.message).includes(JSON.stringify(PRINCIPAL).slice(1, -1)));
    expect(mine.length).toBeGreaterThan(0);
    for (const a of mine) {
      expect(a.subject).toMatch(/^[\x20-\x7e]+$/);
      // What SNS carries is JSON.stringify of the body: the C0 controls travel as \u escapes.
      const text = JSON.stringify(a.message);
      expect(text).toContain(String.raw`\u001b[31m`);
      expect(text).not.toMatch(/[\x00-\x1f\x7f]/);
    }
  });
});
