import type { AccessEvent } from '../../shared/normalize/types.ts';
import type { WindowContext } from '../../shared/engine/types.ts';
import { createDiscoveryAnalysis, type DiscoveryOptions, type DiscoveryState } from '../../shared/discover/index.ts';

export const T0 = Date.UTC(2026, 10, 23, 0, 0, 0);

let seq = 0;
/** A minimal access event; fields not given are plausible defaults. */
export function ev(path: string, o: Partial<AccessEvent> = {}): AccessEvent {
  seq++;
  return {
    requestId: `r${String(seq).padStart(8, '0')}`,
    ts: T0 + seq,
    ip: `10.0.${seq % 200}.${seq % 250}`,
    method: 'GET',
    path,
    query: '',
    resourcePath: null,
    status: 200,
    protocol: 'HTTP/1.1',
    responseLength: 500,
    userAgent: 'test',
    principalId: `user-${seq % 37}`,
    apiKeyId: null,
    integrationLatency: 10,
    responseLatency: 12,
    domainName: 'api.example.com',
    stage: 'prod',
    errorMessage: null,
    ...o,
  };
}

/** Runs events through discovery in 5-minute windows (by their ts); returns the analysis, state and outputs. */
export function run(events: AccessEvent[], opts: DiscoveryOptions = {}) {
  const d = createDiscoveryAnalysis(opts);
  const state: DiscoveryState = d.initialState();
  const outputs = step(d, state, events);
  return { d, state, outputs, templateOf: (p: string, m = 'GET', dom = 'api.example.com') => d.resolver(state).templateOf(dom, m, p) };
}

export function step(d: ReturnType<typeof createDiscoveryAnalysis>, state: DiscoveryState, events: AccessEvent[]) {
  const W = 300_000;
  const sorted = [...events].sort((a, b) => a.ts - b.ts || (a.requestId < b.requestId ? -1 : 1));
  const outputs = [];
  for (let i = 0; i < sorted.length;) {
    const ws = sorted[i].ts - (sorted[i].ts % W);
    let j = i;
    while (j < sorted.length && sorted[j].ts < ws + W) j++;
    const ctx: WindowContext = { windowStart: ws, windowEnd: ws + W, endpoints: d.resolver(state) };
    outputs.push(d.closeWindow(sorted.slice(i, j), state, ctx));
    i = j;
  }
  return outputs;
}

/** Deterministic pseudo-random generator for fixtures. */
export function rng(seed: number) {
  let s = seed >>> 0;
  return () => { s = (Math.imul(s, 1664525) + 1013904223) >>> 0; return s / 4294967296; };
}

const SYL = ['ka', 'lo', 'mi', 'ra', 'ten', 'vo', 'zu', 'pe', 'shi', 'dan', 'mor', 'el', 'ix', 'ba', 'qu'];
/** A plausible lowercase word-ish name (user names, repo names). */
export function word(r: () => number): string {
  const n = 2 + Math.floor(r() * 3);
  let w = '';
  for (let i = 0; i < n; i++) w += SYL[Math.floor(r() * SYL.length)];
  return r() < 0.4 ? w + '-' + SYL[Math.floor(r() * SYL.length)] + SYL[Math.floor(r() * SYL.length)] : w;
}
