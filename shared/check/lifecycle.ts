import { createHash } from 'node:crypto';
import type { DefectRow, Severity } from '../emit/rows.ts';
import type { Finding, OwaspItem } from './types.ts';
import { capRecord, maxSeverity } from './util.ts';

/** One defect as remembered between windows. */
export interface DefectRecord {
  id: string;
  type: string;
  domain: string;
  method: string;
  template: string;
  severity: Severity;
  owasp: OwaspItem | string;
  title: string;
  fix: string;
  status: 'open' | 'resolved' | 'reopened';
  /** 1 for the first opening, +1 at each reopening: `dedupKey = id#generation`. */
  generation: number;
  firstSeen: number;
  lastSeen: number;
  occurrences: number;
  /** Evidence of the latest window plus capped history. */
  evidence: Record<string, unknown>;
  /** Earlier windows' evidence, newest first (capped). */
  history: Array<{ ts: number; evidence: Record<string, unknown> }>;
  lastRowAt: number;
  lastRowOccurrences: number;
  /** Generation that already raised an alert. */
  alertedGeneration?: number;
  /** Severity of that generation's latest alert: a higher one alerts again (absent in states from before it was kept). */
  alertedSeverity?: Severity;
  /** Quiet time before this defect resolves (its check's, else the analysis-wide one). */
  resolveAfterMs?: number;
}

export interface LifecycleState { defects: Record<string, DefectRecord> }

export interface LifecycleOptions {
  /** A defect not seen for this long (event time) is resolved. */
  resolveAfterMs: number;
  /** Minimum event time between two occurrence-update rows of the same open defect. */
  updateEveryMs: number;
  maxDefects: number;
  maxHistory: number;
}

export interface Transition { record: DefectRecord; change: 'opened' | 'reopened' | 'escalated' | 'updated' | 'resolved' }

/** Stable id of a defect: a short hash of (type, domain, method, template). */
export function defectId(type: string, domain: string, method: string, template: string): string {
  return createHash('sha256').update(`${type}\u0000${domain}\u0000${method}\u0000${template}`).digest('hex').slice(0, 16);
}

export interface FindingText { title: string; fix: string; owasp: OwaspItem | string; severity: Severity; resolveAfterMs?: number }

/**
 * Folds one window's findings into the defect records and returns the lifecycle transitions that need a row:
 * opened, reopened, resolved, and (at most every `updateEveryMs`) occurrence updates.
 */
export function applyFindings(
  state: LifecycleState, findings: readonly Finding[], text: (f: Finding) => FindingText, windowEnd: number, o: LifecycleOptions,
): Transition[] {
  const out: Transition[] = [];
  const touched = new Set<string>();
  for (const f of findings) {
    const id = defectId(f.type, f.domain, f.method, f.template);
    const tx = text(f);
    let d = state.defects[id];
    const sev = f.severity ?? tx.severity;
    // A copy, as a reloaded state holds it: a check's evidence may share arrays with the check's own state
    // (sample lists it keeps adding to), and history kept by reference would change after the fact, in a
    // container that kept its state in memory only.
    const evidence = JSON.parse(JSON.stringify(f.evidence)) as Record<string, unknown>;
    if (!d) {
      d = state.defects[id] = {
        id, type: f.type, domain: f.domain, method: f.method, template: f.template, severity: sev, owasp: tx.owasp, title: tx.title, fix: tx.fix,
        status: 'open', generation: 1, firstSeen: f.ts, lastSeen: f.ts, occurrences: 0, evidence, history: [], lastRowAt: 0, lastRowOccurrences: -1,
        ...(tx.resolveAfterMs !== undefined ? { resolveAfterMs: tx.resolveAfterMs } : {}),
      };
      d.occurrences = f.count;
      if (!touched.has(id)) out.push({ record: d, change: 'opened' });
    } else {
      if (d.status === 'resolved') {
        d.status = 'reopened'; d.generation++; d.severity = sev;
        if (!touched.has(id)) out.push({ record: d, change: 'reopened' });
      } else if (maxSeverity(d.severity, sev) !== d.severity) {
        d.severity = sev;
        if (!touched.has(id)) out.push({ record: d, change: 'escalated' });
      }
      d.history.unshift({ ts: d.lastSeen, evidence: d.evidence });
      if (d.history.length > o.maxHistory) d.history.length = o.maxHistory;
      d.occurrences += f.count;
      d.lastSeen = Math.max(d.lastSeen, f.ts);
      d.evidence = evidence;
      d.title = tx.title; d.fix = tx.fix;
    }
    touched.add(id);
  }
  const ids = Object.keys(state.defects).sort();
  for (const id of ids) {
    const d = state.defects[id];
    if (d.status === 'resolved') continue;
    if (!touched.has(id) && windowEnd - d.lastSeen >= (d.resolveAfterMs ?? o.resolveAfterMs)) {
      d.status = 'resolved';
      out.push({ record: d, change: 'resolved' });
      continue;
    }
    if (touched.has(id) && !out.some((x) => x.record === d) && d.occurrences !== d.lastRowOccurrences && windowEnd - d.lastRowAt >= o.updateEveryMs) {
      out.push({ record: d, change: 'updated' });
    }
  }
  for (const x of out) { x.record.lastRowAt = windowEnd; x.record.lastRowOccurrences = x.record.occurrences; }
  if (ids.length > o.maxDefects) capRecord(state.defects, o.maxDefects, (d) => (d.status === 'resolved' ? d.lastSeen : d.lastSeen + 1e15));
  return out;
}

/** The open defects whose occurrence count changed since their last row (written when a replay ends). */
export function pendingUpdates(state: LifecycleState, windowEnd: number): Transition[] {
  const out: Transition[] = [];
  for (const id of Object.keys(state.defects).sort()) {
    const d = state.defects[id];
    if (d.status !== 'resolved' && d.occurrences !== d.lastRowOccurrences) {
      d.lastRowAt = windowEnd; d.lastRowOccurrences = d.occurrences;
      out.push({ record: d, change: 'updated' });
    }
  }
  return out;
}

const iso = (ts: number) => new Date(ts).toISOString();

export function toRow(d: DefectRecord): DefectRow {
  return {
    defect_id: d.id, defect_type: d.type, severity: d.severity, status: d.status, domain_name: d.domain, method: d.method, template: d.template,
    first_seen: iso(d.firstSeen), last_seen: iso(d.lastSeen), owasp: d.owasp, occurrences: d.occurrences, title: d.title, fix: d.fix,
    evidence: JSON.stringify({ ...d.evidence, generation: d.generation, earlier: d.history.slice(0, 3).map((h) => ({ at: iso(h.ts), ...h.evidence })) }),
  };
}

export { severityAtLeast } from '../emit/rows.ts';
