/**
 * Golden fixtures for the scoring detectors (crowdsec-hub style): each case folder holds `input.ndjson`
 * (compact access events), `templates.json` (the API's endpoints) and `expected.json` (the actors that must be
 * flagged, with their scenario, and the findings the case's detector must emit). This module reads and writes
 * that format and turns it into engine input; `generate.ts` produces the cases from seeded generators.
 */
import type { AccessEvent } from '../../../shared/normalize/types.ts';
import type { EndpointResolver } from '../../../shared/engine/types.ts';

/** One compact event line: t = ms since the fixture epoch. */
export interface CompactEvent { t: number; ip: string; m: string; p: string; s: number; ua: string; pr?: string; k?: string; b?: number }
export interface TemplateDef { domain: string; method: string; template: string }
export interface Expected {
  detector: string;
  description: string;
  /** Exactly these actors (`<type>|<id>`) are flagged (any window), with this scenario. Empty for benign cases. */
  flagged: Array<{ actor: string; scenario: string }>;
  /** The case's detector must emit a finding for each of these actors (may be more than flagged: amplifiers). */
  findings?: string[];
  /** Features the case's (unsupervised) detector must name among its attributions for these actors. */
  attributions?: Record<string, string[]>;
  /** The case's detector only amplifies: its findings alone flag nobody, whatever the flag line. */
  amplifier?: boolean;
  /** Flagged actors the case's amplifier must strengthen: among their detectors, with a higher score than without it. */
  amplified?: string[];
}

export const FIXTURE_EPOCH = Date.UTC(2026, 0, 5, 0, 0, 0);
export const DOMAIN = 'api.example.test';

export function toEvents(lines: CompactEvent[]): AccessEvent[] {
  return lines.map((c, i) => ({
    requestId: `req-${String(i).padStart(7, '0')}`, ts: FIXTURE_EPOCH + c.t, ip: c.ip, method: c.m, path: c.p, query: '', resourcePath: null,
    status: c.s, protocol: 'HTTP/1.1', responseLength: c.b ?? 500, userAgent: c.ua, principalId: c.pr ?? null, apiKeyId: c.k ?? null,
    integrationLatency: 40, responseLatency: 45, domainName: DOMAIN, stage: 'prod', errorMessage: null,
  }));
}

/** Resolver over literal templates: `{x}` matches one segment; anything else matches no endpoint. */
export function templateResolver(defs: TemplateDef[]): EndpointResolver {
  const compiled = defs.map((d) => ({
    ...d,
    re: new RegExp('^' + d.template.split('/').map((s) => (s.startsWith('{') ? '[^/]+' : s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))).join('/') + '$'),
  }));
  return {
    templateOf(domain, method, path) {
      for (const c of compiled) if (c.domain === domain && c.method === method && c.re.test(path)) return c.template;
      return null;
    },
    endpointInfo: () => undefined,
  };
}
