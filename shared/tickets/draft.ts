import type { Severity } from '../emit/rows.ts';
import type { DefectFacts, TicketDraft } from './types.ts';

const str = (v: unknown, fallback = '') => (typeof v === 'string' ? v : v === null || v === undefined ? fallback : String(v));

/** Facts from a defect alert (shared/check/buildAlert.ts body plus kind, severity, dedupKey). */
export function factsFromAlert(m: Record<string, unknown>): DefectFacts {
  const where = (m.where ?? {}) as Record<string, unknown>;
  const gen = Number(str(m.dedupKey).split('#')[1]);
  return {
    id: str(m.defectId), type: str(m.defectType), title: str(m.what, str(m.defectType)), severity: str(m.severity) as Severity, status: str(m.status, 'open'),
    domain: str(where.domain), method: str(where.method), template: str(where.template), owasp: str(m.owasp), firstSeen: str(m.firstSeen), lastSeen: str(m.lastSeen),
    occurrences: Number(m.occurrences ?? 0), fix: str(m.howToFix), generation: Number.isInteger(gen) && gen > 0 ? gen : Number(m.generation ?? 1),
  };
}

/** Facts from a `defects` table row (the API's on-demand ticket). */
export function factsFromRow(r: Record<string, unknown>): DefectFacts {
  let generation = 1;
  try { generation = Number(JSON.parse(str(r.evidence, '{}')).generation ?? 1); } catch { /* evidence is not JSON: first generation */ }
  return {
    id: str(r.defect_id), type: str(r.defect_type), title: str(r.title, str(r.defect_type)), severity: str(r.severity) as Severity, status: str(r.status),
    domain: str(r.domain_name), method: str(r.method), template: str(r.template), owasp: str(r.owasp), firstSeen: str(r.first_seen), lastSeen: str(r.last_seen),
    occurrences: Number(r.occurrences ?? 0), fix: str(r.fix), generation,
  };
}

/**
 * The ticket for a defect. Only what the lake already holds masked goes out (title, endpoint template, counts,
 * fix): no evidence samples, so nothing of a request reaches a third-party system.
 */
export function draftFor(d: DefectFacts): TicketDraft {
  const where = `${d.method === '*' ? '' : `${d.method} `}${d.domain}${d.template === '*' ? ' (all endpoints)' : d.template}`;
  return {
    title: `[apiscope] ${d.severity.toUpperCase()} ${d.title}: ${where}`.slice(0, 250),
    paragraphs: [
      `apiscope found "${d.title}" on ${where}, seen ${d.occurrences} times from ${d.firstSeen} to ${d.lastSeen}.`,
      ...(d.fix ? [`How to fix: ${d.fix}`] : []),
      `When the traffic stops showing it, apiscope marks the defect resolved and updates this ticket.`,
    ],
    facts: [
      ['Defect id', d.id], ['Type', d.type], ['Severity', d.severity], ['OWASP API Top 10', d.owasp || 'n/a'], ['Endpoint', where],
      ['First seen', d.firstSeen], ['Last seen', d.lastSeen], ['Occurrences', String(d.occurrences)],
    ],
    severity: d.severity,
    labels: ['apiscope', `apiscope-${d.severity}`, d.type].filter(Boolean).map((l) => l.replace(/[^A-Za-z0-9_.-]/g, '-').slice(0, 50)),
    defect: d,
  };
}

/** The comment a ticket gets when its defect resolves, or shows up again after being resolved. */
export const resolvedText = (d: { id: string; lastSeen: string }) => `apiscope: defect ${d.id} is resolved: its traffic has not shown it since ${d.lastSeen}.`;
export const reopenedText = (d: DefectFacts) => `apiscope: defect ${d.id} was seen again (reopened, generation ${d.generation}) on ${d.lastSeen}; ${d.occurrences} occurrences so far.`;

/** The draft as plain text lines (Markdown-compatible): paragraphs, then `- label: value`. */
export function draftText(d: TicketDraft): string {
  return [...d.paragraphs, '', ...d.facts.map(([k, v]) => `- ${k}: ${v}`)].join('\n');
}
