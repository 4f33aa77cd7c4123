/**
 * One corpus run for a seed: five APIs (banking, e-commerce, SaaS, payments, files) of background users,
 * every attack kind (two scripted-client instances of different UA families, one credential-stuffing
 * variant) and every benign look-alike, written as `access.ndjson` + `labels.ndjson` in the dev sample's
 * formats.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { makeApi, type Api, type ApiKind } from './apis.ts';
import { Gen, HOUR, type Label } from './gen.ts';
import { normalUsers, principalFormat, type User } from './population.ts';
import * as A from './attacks.ts';
import * as B from './lookalikes.ts';

export interface RunOptions {
  seed: number;
  /** Hours of traffic (default 12, 18:00 to 06:00 UTC, so nightly jobs fall inside). */
  hours?: number;
  /** Background users per API (default drawn 120-220). */
  users?: number;
}

const KINDS: ApiKind[] = ['banking', 'ecommerce', 'saas', 'payments', 'files'];
const CS_VARIANTS = ['burst', 'slow', 'brute'] as const;

export function generateRun(o: RunOptions): { lines: string[]; labels: Label[]; apis: Api[] } {
  const g = new Gen(o.seed);
  const start = Date.UTC(2026, 5, 1 + (o.seed % 27), 18, 0, 0);
  const end = start + (o.hours ?? 12) * HOUR;
  const apis = KINDS.map((k, i) => makeApi(g, k, i));
  const ctxs = new Map<Api, A.Ctx>();
  for (const api of apis) {
    const newPrincipal = principalFormat(g);
    const users: User[] = normalUsers(g, api, start, end, o.users ?? g.int(120, 220), newPrincipal);
    ctxs.set(api, { g, api, users, start, end, newPrincipal });
  }
  const on = (kinds?: ApiKind[]) => ctxs.get(g.pick(kinds ? apis.filter((a) => kinds.includes(a.kind)) : apis))!;
  // Attacks.
  A.credentialStuffing(on(), CS_VARIANTS[o.seed % 3]);
  A.lowAndSlowScraping(on());
  A.bolaEnumeration(on());
  A.unauthBulkDownload(on(['files', 'saas', 'banking']));
  const fam = B.SCRIPT_FAMILIES;
  A.scriptedUserAgent(on(), fam[(2 * o.seed) % fam.length]);
  A.scriptedUserAgent(on(), fam[(2 * o.seed + 1) % fam.length]);
  A.sequenceAnomaly(on(['payments', 'ecommerce', 'banking']));
  A.trafficSpike(on());
  A.forcedBrowsing(on());
  // Look-alikes.
  B.partnerIntegration(on());
  B.mobileAppBurst(on());
  B.officeNat(on());
  B.nightlyReconciliation(on());
  B.uptimeMonitor(on());
  B.carrierNat(on());
  B.passwordTypos(on());
  B.forgottenPassword(on());
  B.sdkRetryStorm(on());
  B.searchCrawler(on());
  B.linkPreviewBot(on());
  B.adminPaging(on());
  B.supportLookup(on(['payments', 'ecommerce', 'banking']));
  B.bulkExportJob(on(['files', 'saas']));
  B.authorizedScanner(on());
  return { lines: g.sortedLines(), labels: g.labels, apis };
}

export function writeRun(dir: string, o: RunOptions): { events: number; labels: Label[] } {
  const { lines, labels } = generateRun(o);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'access.ndjson'), lines.join('\n') + '\n');
  writeFileSync(join(dir, 'labels.ndjson'), labels.map((l) => JSON.stringify(l)).join('\n') + '\n');
  return { events: lines.length, labels };
}
