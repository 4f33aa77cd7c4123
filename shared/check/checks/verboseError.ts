import type { Check, Finding } from '../types.ts';
import { truncate } from '../util.ts';

/** What a leaky error message looks like. Each pattern is linear-time (no nested quantifiers). */
export const LEAK_PATTERNS: Array<{ kind: string; re: RegExp }> = [
  { kind: 'stack_trace', re: /\bat [\w$.<>]+ ?\([^()]*:\d+(:\d+)?\)|Traceback \(most recent call last\)|\bFile "[^"]+", line \d+|Exception in thread|\b[a-z]+(\.[a-z0-9_]+)+\.[A-Z]\w*(Exception|Error)\b|\.(java|py|js|ts|go|rb|php|cs):\d+\b/ },
  { kind: 'sql', re: /SQLSTATE|\bORA-\d{5}\b|syntax error at or near|You have an error in your SQL syntax|\bSELECT\b[^;]{1,200}\bFROM\b|\bINSERT INTO\b|\bUPDATE\b\s+\w+\s+SET\b|psycopg2?\.|SQLException|duplicate key value violates|relation "[^"]+" does not exist|Unknown column '/i },
  { kind: 'internal_host', re: /\b[\w-]+(\.[\w-]+)*\.(internal|local|localdomain|corp|intra|lan)\b|\bip-\d+-\d+-\d+-\d+\b|\b(10\.\d{1,3}|192\.168|172\.(1[6-9]|2\d|3[01]))\.\d{1,3}\.\d{1,3}\b|\.rds\.amazonaws\.com|\.cache\.amazonaws\.com|\.svc\.cluster\.local/i },
  { kind: 'file_path', re: /(^|[\s'"(])\/(var|home|usr|opt|srv|etc|app|var\/task)\/[\w./-]+|\b[A-Z]:\\[\w\\.-]+/ },
  { kind: 'secret', re: /\b(password|passwd|secret|api[_-]?key|access[_-]?key|AKIA[0-9A-Z]{16})\b\s*[=:]/i },
];

export interface VerboseErrorState { reported: number }

const thresholds = {
  /** Leaky messages needed in a window. */
  minMessages: 1,
};

/** API Gateway `errorMessage` carrying stack traces, SQL, internal host names, file paths or secrets. */
export const verboseError: Check<VerboseErrorState, typeof thresholds> = {
  definition: {
    id: 'verbose_error',
    title: 'Error messages leak internals',
    owasp: 'API8:2023',
    severity: 'medium',
    fix: 'Return generic error bodies (a code and a correlation id) through Gateway Responses / integration response mapping, and log details server-side only. Never pass exception text, SQL or host names to clients.',
    evidence: 'kinds of leak found, number of messages, one truncated sample with secrets and long tokens blanked (phones, emails already masked)',
    thresholds,
  },
  initialState: () => ({ reported: 0 }),
  evaluate(win, state, t) {
    const hits = new Map<string, { domain: string; method: string; template: string; n: number; kinds: Set<string>; sample: string; ts: number }>();
    for (const r of win.events) {
      const msg = r.ev.errorMessage;
      if (!msg || msg.length < 12) continue;
      const kinds = LEAK_PATTERNS.filter((p) => p.re.test(msg)).map((p) => p.kind);
      if (kinds.length === 0) continue;
      const k = r.key ?? `${r.ev.domainName} * *`;
      const h = hits.get(k) ?? { domain: r.ev.domainName, method: r.key ? r.ev.method : '*', template: r.template ?? '*', n: 0, kinds: new Set<string>(), sample: redact(msg), ts: r.ev.ts };
      h.n++; h.ts = r.ev.ts; kinds.forEach((x) => h.kinds.add(x));
      hits.set(k, h);
    }
    const out: Finding[] = [];
    for (const h of hits.values()) {
      if (h.n < t.minMessages) continue;
      state.reported++;
      out.push({
        type: this.definition.id, domain: h.domain, method: h.method, template: h.template, count: h.n, ts: h.ts,
        severity: h.kinds.has('secret') || h.kinds.has('sql') ? 'high' : 'medium',
        evidence: { leaks: [...h.kinds].sort(), messages: h.n, sample: h.sample },
      });
    }
    return out;
  },
};

/** Truncates a message and blanks anything that looks like a secret value or a long token. */
export function redact(msg: string): string {
  return truncate(msg, 300)
    .replace(/\b(password|passwd|pwd|secret|token|api[_-]?key|access[_-]?key|authorization)(\s*[=:]\s*)("[^"]*"|'[^']*'|\S+)/gi, '$1$2***')
    .replace(/\bAKIA[0-9A-Z]{16}\b/g, 'AKIA***')
    .replace(/\b[A-Za-z0-9+/_-]{32,}\b/g, '***');
}
