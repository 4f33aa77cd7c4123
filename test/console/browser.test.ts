import { mkdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startConsole, type RunningConsole } from '../../cli/console.ts';
import { FileTriageStore } from '../../local/fileTriageStore.ts';
import { ticketClient } from '../../shared/tickets/connector.ts';
import { JIRA } from '../../shared/tickets/connectors/jira.ts';
import { fetchSend } from '../../shared/tickets/http.ts';
import { TicketService } from '../../shared/tickets/ticketService.ts';
import { jiraServer } from '../tickets/contractServers.ts';
import { CHROMIUM, launchChromium } from './chromium.ts';
import { replayedSample } from './lake.ts';

/**
 * The console in headless Chromium (Debian's package; CI installs it), against `apiscope console` over a lake
 * replayed from examples/access.ndjson.gz. Skipped only when Chromium is not installed, and never in CI.
 * APISCOPE_SCREENSHOTS=1 writes the screenshots to docs/console/ (they are committed); otherwise they go to
 * a temporary folder and are only checked.
 */
const DOCS = join(import.meta.dirname, '..', '..', 'docs', 'console');

describe.skipIf(!CHROMIUM)('console in headless Chromium', () => {
  let sample: Awaited<ReturnType<typeof replayedSample>>;
  let running: RunningConsole;
  /** The same lake with a Jira connector (a contract server on this machine). */
  let withTickets: RunningConsole;
  let jira: Awaited<ReturnType<typeof jiraServer>>;
  let ctx: BrowserContext;
  let page: Page;
  let shots: string;
  const problems: string[] = [];
  const dialogs: string[] = [];

  beforeAll(async () => {
    sample = await replayedSample('console-browser-');
    running = await startConsole({ data: sample.lake, port: '0', as: 'dana@bank.example' });
    const creds = { email: 'apiscope-bot@bank.example', apiToken: 'ATATT3xFfGF0-test' };
    jira = await jiraServer(creds);
    const tickets = new TicketService({ client: ticketClient(JIRA, { baseUrl: jira.url, project: 'SEC', issueType: 'Bug', closeStatus: 'resolved' }, creds, fetchSend()), triage: new FileTriageStore(sample.lake), minSeverity: 'high', onResolve: 'close' });
    withTickets = await startConsole({ data: sample.lake, port: '0', as: 'erin@bank.example', tickets });
    shots = process.env.APISCOPE_SCREENSHOTS ? DOCS : join(sample.dir, 'shots');
    mkdirSync(shots, { recursive: true });
    ctx = await launchChromium();
    page = await ctx.newPage();
    const origin = new URL(running.url).origin;
    // Nothing leaves the console's origin (no fonts, no CDNs), nothing breaks the CSP, no script error.
    const ticketsOrigin = new URL(withTickets.url).origin;
    page.on('request', (r) => { if (![origin, ticketsOrigin, 'data:'].some((o) => r.url().startsWith(o))) problems.push(`request to ${r.url()}`); });
    page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
    page.on('console', (m) => { if (m.type() === 'error' && !/status of 4\d\d/.test(m.text())) problems.push(`console error: ${m.text()}`); });
    page.on('dialog', (d) => { dialogs.push(d.message()); void d.dismiss(); });
    await page.addInitScript({ content: "document.addEventListener('securitypolicyviolation', (e) => console.error('CSP violation: ' + e.violatedDirective + ' ' + e.blockedURI));" });
  }, 120_000);

  afterAll(async () => {
    await ctx?.close();
    await running?.close();
    await withTickets?.close();
    await jira?.close();
    sample?.remove();
  });

  const open = async (hash: string) => {
    await page.goto(`${running.url}${hash}`);
    await page.locator('.loading').first().waitFor({ state: 'detached', timeout: 30_000 }).catch(() => undefined);
  };

  const shot = async (name: string) => {
    const file = join(shots, `${name}.png`);
    // The top of the page, at most 1600 px: what a reader of docs/console sees first, in a small file.
    const height = Math.min(Number(await page.evaluate('document.documentElement.scrollHeight')), 1600);
    await page.screenshot({ path: file, fullPage: true, clip: { x: 0, y: 0, width: 1440, height } });
    expect(statSync(file).size).toBeGreaterThan(40_000);
  };

  /** Every chart on the page: drawn by Chart.js (non-blank canvas), with both axis titles where it has axes. */
  async function expectChartsDrawn(min: number) {
    await page.locator('figure.chart[data-drawn="true"]').nth(min - 1).waitFor({ timeout: 15_000 });
    const charts = await page.locator('figure.chart').evaluateAll((figs) => figs.map((f) => {
      const c = f.querySelector('canvas')!;
      const px = c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data;
      let inked = 0;
      for (let i = 3; i < px.length; i += 4) if (px[i] > 0) inked++;
      return { kind: f.getAttribute('data-kind'), x: f.getAttribute('data-x'), y: f.getAttribute('data-y'), drawn: f.getAttribute('data-drawn'), inked, label: c.getAttribute('aria-label') };
    }));
    expect(charts.length).toBeGreaterThanOrEqual(min);
    for (const c of charts) {
      expect(c.drawn, c.label!).toBe('true');
      expect(c.inked, c.label!).toBeGreaterThan(2000);
      if (c.kind !== 'doughnut') {
        expect(c.x, c.label!).toBeTruthy();
        expect(c.y, c.label!).toBeTruthy();
      }
    }
    return charts;
  }

  it('Overview: headline figures and charts with labelled axes, legends and a tooltip on hover', async () => {
    await open('#/');
    await expect.poll(() => page.locator('.kpi').count()).toBe(4);
    const kpis = await page.locator('.kpi').allInnerTexts();
    expect(kpis.map((k) => k.split('\n')[0])).toEqual(['ENDPOINTS', 'REQUESTS', 'OPEN DEFECTS', 'RISKY CALLERS']);
    const requests = Number(/REQUESTS\n([\d,]+)/.exec(kpis[1])![1].replace(/,/g, ''));
    expect(requests).toBeGreaterThan(5000);
    const charts = await expectChartsDrawn(4);
    expect(charts.map((c) => [c.x, c.y])).toEqual(expect.arrayContaining([['Hour ending (UTC)', 'Requests'], ['Window start (UTC)', 'Risky caller windows'], ['Defects', 'OWASP category']]));
    // Hover over the requests chart: the HTML tooltip names the hour and the status classes with counts.
    const canvas = page.locator('canvas[aria-label="Requests per hour by status class"]');
    const box = (await canvas.boundingBox())!;
    await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
    const tip = page.locator('.chart-tip').first();
    await tip.waitFor({ state: 'visible' });
    expect(await tip.innerText()).toMatch(/^\d\d:00\n2xx\n[\d,]+/);
    await page.mouse.move(0, 0);
    await shot('overview');
  });

  it('Inventory: search, filters, sorting, and the endpoint detail with parameters, status mix, callers, file downloads and changes', async () => {
    await open('#/inventory');
    const rows = page.locator('table[aria-label="Endpoints"] tbody tr');
    await rows.first().waitFor();
    const all = await rows.count();
    expect(all).toBeGreaterThan(10);
    // An attacker's path with an ANSI sequence is a row shown as text, the escape made visible.
    expect(await page.locator('table[aria-label="Endpoints"]').innerText()).toContain('/v1/{v1_id}/\\x1b[2J');
    await shot('inventory');
    await page.getByLabel('Sensitive kind').selectOption('cn_mobile');
    await expect.poll(() => rows.count()).toBe(1);
    await page.getByLabel('Sensitive kind').selectOption('');
    await page.getByLabel('Search').fill('statements');
    await expect.poll(() => rows.count()).toBe(1);
    await page.getByRole('button', { name: 'Clear filters' }).click();
    await expect.poll(() => rows.count()).toBe(all);
    // Sort by requests ascending: the first row has the fewest.
    await page.getByRole('button', { name: /^Requests/ }).click();
    const counts = (await page.locator('table[aria-label="Endpoints"] tbody tr td:nth-child(3)').allInnerTexts()).map((t) => Number(t.replace(/,/g, '')));
    expect(counts).toEqual([...counts].sort((a, b) => a - b));

    await page.getByRole('link', { name: '/v1/statements/{statementFile}' }).click();
    await page.getByRole('heading', { level: 1 }).filter({ hasText: '/v1/statements/{statementFile}' }).waitFor();
    const text = await page.locator('main').innerText();
    expect(text).toContain('{statementFile}');
    expect(text).toContain('filename');
    expect(text).toMatch(/Anonymous requests\n\d+%/i);
    expect(text).toContain('Files downloadable without authentication');
    // The file_assets row of the replayed day: its downloads, the 30-day trend (drawn) and who downloaded.
    expect(text).toMatch(/Downloads\n[1-9][\d,]*/);
    expect(text).toContain('Source IPs');
    expect(text).not.toContain('No file-asset record');
    await expectChartsDrawn(2);
    await shot('endpoint');
  });

  it('Defects: triage in the page (false positive, owner, note), a bad value shows the API message, and a reload shows it persisted with its history', async () => {
    await open('#/defects');
    await page.locator('table[aria-label="Defects"] tbody tr').first().waitFor();
    await shot('defects');
    await page.getByRole('link', { name: 'Files downloadable without authentication' }).click();
    const form = page.getByRole('form', { name: 'Triage' });
    await form.waitFor();
    expect(await page.locator('main').innerText()).toContain('Top caller');
    await form.getByLabel('Status').selectOption('false_positive');
    await form.getByLabel('Owner').fill('   ');
    await form.getByRole('button', { name: 'Save triage' }).click();
    await expect.poll(() => form.getByRole('alert').innerText()).toBe('owner: must not be empty; send null to clear it');

    await form.getByLabel('Owner').fill('team-statements');
    await form.getByLabel('Note').fill('Brochure PDFs <b>published</b> on purpose; not customer statements');
    await form.getByRole('button', { name: 'Save triage' }).click();
    await expect.poll(() => form.getByRole('status').innerText()).toBe('Saved as dana@bank.example.');

    await page.reload();
    await page.getByRole('form', { name: 'Triage' }).waitFor();
    const f2 = page.getByRole('form', { name: 'Triage' });
    expect(await f2.getByLabel('Status').inputValue()).toBe('false_positive');
    expect(await f2.getByLabel('Owner').inputValue()).toBe('team-statements');
    expect(await f2.getByLabel('Note').inputValue()).toBe('Brochure PDFs <b>published</b> on purpose; not customer statements');
    const history = await page.getByRole('list', { name: 'Triage history' }).locator('li').allInnerTexts();
    expect(history.map((h) => h.split('\n')[1])).toEqual([
      'dana@bank.example set note to Brochure PDFs <b>published</b> on purpose; not customer statements',
      'dana@bank.example set owner to team-statements',
      'dana@bank.example changed status from Open to False positive',
    ]);
    // From false positive the API allows only reopening: the status list offers just that.
    expect(await f2.getByLabel('Status').locator('option').allInnerTexts()).toEqual(['False positive (current)', 'Open']);
    await shot('defect');
    await open('#/defects?triage=false_positive');
    await expect.poll(() => page.locator('table[aria-label="Defects"] tbody tr').count()).toBe(1);
  });

  it('Risk: callers with filters, and the actor drill-down with evidence per detector, timeline, related callers and campaign; logged markup shows as text', async () => {
    await open('#/risk');
    const rows = page.locator('table[aria-label="Risky callers"] tbody tr');
    await rows.first().waitFor();
    await expectChartsDrawn(1);
    await page.getByRole('button', { name: /Credential stuffing/ }).click();
    await expect.poll(async () => new Set((await page.locator('table[aria-label="Risky callers"] tbody tr td:nth-child(3)').allInnerTexts())).size).toBe(1);
    await page.getByRole('button', { name: /Credential stuffing/ }).click();
    await shot('risk');

    await open('#/risk/actor/ip/203.0.152.245');
    await page.getByRole('heading', { level: 1, name: '203.0.152.245' }).waitFor();
    const main = await page.locator('main').innerText();
    expect(main).toContain('Enumeration');
    expect(main).toContain('Sequential step share');
    expect(main).toContain('u-10003');
    expect(main).toMatch(/risk:[0-9a-f]{16}/);
    await expectChartsDrawn(1);
    await shot('actor');

    // The scanner sent <script>, <img onerror> and ANSI escapes in its user agent and paths: shown as text.
    await open('#/risk/actor/ip/89.248.165.72');
    await page.getByRole('heading', { level: 1, name: '89.248.165.72' }).waitFor();
    const ua = await page.locator('.ua').first().innerText();
    expect(ua).toMatch(/^<script>alert\(\d\)<\/script>\\x1b\[31m\\x0aFAKE ALERT$/);
    expect(await page.locator('main').innerText()).toContain('/v1/{v1_id}/\\x1b[2J');
    expect(await page.locator('main script, main img, main [onerror]').count()).toBe(0);
  });

  it('Create ticket: with a connector the button opens the ticket, the page links it and the history records it; without one it is disabled', async () => {
    await open('#/defects/1ea10b2652d028f7');
    await page.getByRole('heading', { name: 'Ticket' }).waitFor();
    expect(await page.getByRole('button', { name: 'Create ticket' }).isDisabled()).toBe(true);

    await page.goto(`${withTickets.url}#/defects/1ea10b2652d028f7`);
    const button = page.getByRole('button', { name: 'Create ticket' });
    await button.waitFor();
    expect(await button.isDisabled()).toBe(false);
    await button.click();
    const link = page.getByRole('link', { name: 'SEC-1' });
    await link.waitFor();
    expect(await link.getAttribute('href')).toBe(`${jira.url}/browse/SEC-1`);
    expect(await link.getAttribute('rel')).toBe('noopener noreferrer');
    expect(jira.issues.size).toBe(1);
    expect(jira.violations).toEqual([]);
    await expect.poll(async () => (await page.getByRole('list', { name: 'Triage history' }).locator('li').first().innerText()).split('\n')[1]).toBe('erin@bank.example set ticket to jira:SEC-1 (open)');
    await page.reload();
    await page.getByRole('link', { name: 'SEC-1' }).waitFor();
  });

  it('made no request off its origin, broke no CSP rule, raised no script error and no dialog', () => {
    expect(problems).toEqual([]);
    expect(dialogs).toEqual([]);
  });
});
