/**
 * Golden fixtures for the scoring detectors (crowdsec-hub style): each case folder holds `input.ndjson`
 * (compact access events), `templates.json` (the API's endpoints) and `expected.json` (the actors that must be
 * flagged, with their scenario, and the findings the case's detector must emit), written by hand from
 * `labels.json` (the generator's ground truth: who is who). `generate.ts` writes inputs and labels only.
 */
import type { AccessEvent } from '../../../shared/normalize/types.ts';
import type { EndpointResolver } from '../../../shared/engine/types.ts';

/** One compact event line: t = ms since the fixture epoch. */
export interface CompactEvent { t: number; ip: string; m: string; p: string; s: number; ua: string; pr?: string; k?: string; b?: number }
export interface TemplateDef { domain: string; method: string; template: string }
/** Ground truth written by generate.ts: the case's actors (`<type>|<id>`) by role (attackers, look-alikes). */
export interface Labels {
  description: string;
  groups: Record<string, string[]>;
}

/** An actor (`ip|1.2.3.4`) or a label group of them (`group:bots`). */
export type ActorRef = string;

/**
 * What a person expects of a case, written by hand from its labels (never generated): exactly these actors
 * are flagged (in any window), each with the scenario; the benign groups named are in the input and none
 * of their actors is flagged.
 */
export interface Expected {
  detector: string;
  description: string;
  flagged: Array<{ actors: ActorRef; scenario: string }>;
  /** Look-alike groups that must be present and stay clean. */
  clean?: string[];
  /** The case's detector must emit a finding for each of these (may be more than flagged: amplifiers). */
  findings?: ActorRef[];
  /** Features the case's (unsupervised) detector must name among its attributions for these actors. */
  attributions?: Array<{ actors: ActorRef; features: string[] }>;
  /** The case's detector only amplifies: its findings alone flag nobody, whatever the flag line. */
  amplifier?: boolean;
  /** Flagged actors the case's amplifier must strengthen: among their detectors, with a higher score than without it. */
  amplified?: ActorRef[];
}

/** The actors an ActorRef stands for. */
export function resolveActors(ref: ActorRef, labels: Labels): string[] {
  if (!ref.startsWith('group:')) return [ref];
  const g = labels.groups[ref.slice(6)];
  if (!g) throw new Error(`expected.json names group ${ref}, which labels.json does not have`);
  return g;
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
