/**
 * The writer every scenario shares: a seeded random source, API Gateway access-log records in the
 * recommended format (every value a string, `-` when missing) and the labels of what was injected.
 */
import type { Api, Endpoint } from './apis.ts';

export const MIN = 60_000;
export const HOUR = 3_600_000;

/** Label line, in the dev sample's format (`/work/shared/eval/README.md`). */
export interface Label {
  id: string;
  scenario: string;
  kind: 'attack' | 'benign';
  api: string;
  domainName: string;
  start: string;
  end: string;
  startEpoch: number;
  endEpoch: number;
  requestCount: number;
  actors: { ips: string[]; principals: string[]; userAgents: string[] };
  templates: string[];
  description: string;
  /** Parameters this instance was generated with (rates, pool sizes, UA family): for reading results per variant. */
  params: Record<string, unknown>;
}

export interface Req {
  t: number;
  ip: string;
  ep: Endpoint;
  /** Concrete path (without the stage prefix). */
  path: string;
  status: number;
  ua: string;
  principal?: string | null;
  apiKey?: string | null;
  bytes?: number;
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

export class Gen {
  private s: number;
  private seq = 0;
  readonly lines: Array<{ t: number; line: string }> = [];
  readonly labels: Label[] = [];

  constructor(seed: number) { this.s = (seed * 2654435761) >>> 0; }

  /** mulberry32. */
  rnd(): number {
    this.s = (this.s + 0x6d2b79f5) >>> 0;
    let t = this.s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
  int(lo: number, hi: number): number { return lo + Math.floor(this.rnd() * (hi - lo + 1)); }
  pick<T>(xs: readonly T[]): T { return xs[Math.floor(this.rnd() * xs.length)]; }
  chance(p: number): boolean { return this.rnd() < p; }
  hex(n: number): string { let s = ''; for (let i = 0; i < n; i++) s += '0123456789abcdef'[this.int(0, 15)]; return s; }
  alnum(n: number): string { let s = ''; for (let i = 0; i < n; i++) s += 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789'[this.int(0, 35)]; return s; }
  uuid(): string { return `${this.hex(8)}-${this.hex(4)}-4${this.hex(3)}-${this.pick(['8', '9', 'a', 'b'])}${this.hex(3)}-${this.hex(12)}`; }

  /** Residential / mobile-carrier looking IPv4 (none of the default hosting ranges), sometimes IPv6. */
  home(): string {
    if (this.chance(0.06)) return `2a02:${this.hex(4)}:${this.hex(4)}:${this.hex(4)}::${this.hex(3)}`;
    return `${this.pick([24, 68, 73, 81, 86, 92, 98, 109, 151, 176, 177, 186, 189, 201, 213])}.${this.int(1, 254)}.${this.int(1, 254)}.${this.int(1, 254)}`;
  }
  /** Hosting-provider address (in the default datacenter lists: AWS, DigitalOcean, Hetzner, OVH). */
  cloud(): string {
    const [a, b] = this.pick([[3, this.int(0, 127)], [52, this.int(0, 63)], [161, 35], [165, 22], [138, 68], [95, 216], [135, 181], [51, 38], [54, this.int(64, 95)]]);
    return `${a}.${b}.${this.int(1, 254)}.${this.int(1, 254)}`;
  }

  /** Writes one access-log record. */
  emit(api: Api, r: Req): void {
    const d = new Date(r.t);
    const clf = `${String(d.getUTCDate()).padStart(2, '0')}/${MONTHS[d.getUTCMonth()]}/${d.getUTCFullYear()}:${d.toISOString().slice(11, 19)} +0000`;
    const lat = r.status >= 500 ? this.int(1000, 29000) : this.int(15, 250);
    const rec = {
      requestId: `${this.hex(8)}-${this.hex(4)}-4${this.hex(3)}-a${this.hex(3)}-${String(++this.seq).padStart(12, '0')}`,
      ip: r.ip, requestTime: clf, requestTimeEpoch: String(Math.round(r.t)), httpMethod: r.ep.method,
      path: api.executeApi ? `/${api.stage}${r.path}` : r.path,
      resourcePath: api.proxied ? '/{proxy+}' : r.ep.template,
      status: String(r.status), protocol: 'HTTP/1.1',
      responseLength: String(r.bytes ?? (r.status >= 400 ? this.int(40, 300) : this.int(r.ep.bytes[0], r.ep.bytes[1]))),
      userAgent: r.ua === '' ? '-' : r.ua, principalId: r.principal ?? '-', apiKeyId: r.apiKey ?? '-',
      integrationLatency: String(lat), responseLatency: String(lat + this.int(1, 9)), domainName: api.domain, stage: api.stage,
      errorMessage: r.status >= 500 ? 'Internal server error' : r.status === 429 ? 'Too Many Requests' : '-',
    };
    this.lines.push({ t: r.t, line: JSON.stringify(rec) });
  }

  /** Records a scenario instance: actors are exactly the identities that took part. */
  label(l: Omit<Label, 'start' | 'end' | 'id'>): Label {
    const startEpoch = Math.round(l.startEpoch), endEpoch = Math.round(l.endEpoch);
    const full: Label = { id: `${l.kind === 'attack' ? 'A' : 'B'}${String(this.labels.length + 1).padStart(2, '0')}-${l.scenario}`, start: new Date(startEpoch).toISOString(), end: new Date(endEpoch).toISOString(), ...l, startEpoch, endEpoch };
    full.actors = { ips: [...new Set(l.actors.ips)], principals: [...new Set(l.actors.principals)], userAgents: [...new Set(l.actors.userAgents)] };
    this.labels.push(full);
    return full;
  }

  sortedLines(): string[] { return this.lines.sort((a, b) => a.t - b.t).map((x) => x.line); }
}

/** Collects what one scenario instance did, for its label. */
export class Trace {
  ips = new Set<string>();
  principals = new Set<string>();
  uas = new Set<string>();
  templates = new Set<string>();
  n = 0;
  first = Infinity;
  last = -Infinity;

  constructor(private readonly g: Gen, readonly api: Api) {}

  emit(r: Req, asActor = true): void {
    this.g.emit(this.api, r);
    if (!asActor) return;
    this.n++;
    this.ips.add(r.ip);
    if (r.principal) this.principals.add(r.principal);
    this.uas.add(r.ua);
    this.templates.add(`${r.ep.method} ${r.ep.template}`);
    this.first = Math.min(this.first, r.t); this.last = Math.max(this.last, r.t);
  }

  label(scenario: string, kind: 'attack' | 'benign', description: string, params: Record<string, unknown>, only?: { ips?: string[]; principals?: string[] }): Label {
    return this.g.label({
      scenario, kind, api: this.api.name, domainName: this.api.domain, startEpoch: this.first, endEpoch: this.last, requestCount: this.n,
      actors: { ips: only?.ips ?? [...this.ips], principals: only?.principals ?? [...this.principals], userAgents: [...this.uas] },
      templates: [...this.templates], description, params,
    });
  }
}
