import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { simulateTraffic } from '../../local/simulator.ts';
import { runReplay } from '../../cli/replay.ts';
import { buildReport } from '../../local/buildReport.ts';
import { escapeHtml } from '../../shared/report/renderReport.ts';

const CHROMIUM = ['/usr/bin/chromium', '/usr/bin/chromium-browser'].find((p) => existsSync(p));

describe('daily report', () => {
  let dir: string;
  let html: string;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'report-'));
    writeFileSync(join(dir, 'in.ndjson'), simulateTraffic({ seed: 9, hours: 3, rate: 30 }).lines.join('\n'));
    await runReplay({ input: join(dir, 'in.ndjson'), out: join(dir, 'lake'), shards: 1, quiet: true });
    html = (await buildReport(join(dir, 'lake'))).html;
    writeFileSync(join(dir, 'report.html'), html);
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('holds the day, the riskiest callers and the open defects, with logged values escaped', () => {
    expect(html).toContain('apiscope daily report');
    expect(html).toContain('credential_stuffing');
    expect(html).toMatch(/Files downloadable without authentication|without authentication/);
    expect(html).not.toMatch(/<script>alert/);
    expect(html).not.toContain('\u001b');
    expect(escapeHtml('<img src=x onerror=alert(1)>"\'')).toBe('&#60;img src=x onerror=alert(1)&#62;&#34;&#39;');
  });

  it('renders in headless Chromium with its charts drawn', () => {
    expect(CHROMIUM, 'Debian package "chromium" is required (apt-get install chromium); .ci/run installs it').toBeTruthy();
    const url = 'file://' + join(dir, 'report.html');
    const flags = ['--headless', '--no-sandbox', '--disable-gpu', '--hide-scrollbars', '--virtual-time-budget=5000'];
    const dom = execFileSync(CHROMIUM!, [...flags, '--dump-dom', url], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'], timeout: 60_000 });
    expect(dom).toContain('data-charts="drawn"');
    const risk = dom.slice(dom.indexOf('id="chart-risk"'), dom.indexOf('</svg>', dom.indexOf('id="chart-risk"')));
    expect((risk.match(/<rect /g) ?? []).length).toBeGreaterThan(2);
    const png = join(dir, 'report.png');
    execFileSync(CHROMIUM!, [...flags, '--window-size=1280,1600', `--screenshot=${png}`, url], { stdio: 'ignore', timeout: 60_000 });
    expect(statSync(png).size).toBeGreaterThan(30_000);
  });
});
