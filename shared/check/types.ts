import type { AccessEvent } from '../normalize/types.ts';
import type { EndpointResolver } from '../engine/types.ts';
import type { Severity } from '../emit/rows.ts';
import type { SpecModel } from './spec/types.ts';

/** OWASP API Security Top 10 (2023) items used by the checks. */
export type OwaspItem =
  | 'API1:2023' | 'API2:2023' | 'API3:2023' | 'API4:2023' | 'API5:2023'
  | 'API6:2023' | 'API7:2023' | 'API8:2023' | 'API9:2023' | 'API10:2023';

/**
 * What a check is, as data: reading it tells an operator what fires, how bad it is and how to fix it.
 * `thresholds` are the defaults; `createDefectsAnalysis({ thresholds })` can override any of them.
 */
export interface CheckDefinition<T extends Record<string, number> = Record<string, number>> {
  /** Defect type written to `defects.defect_type`. */
  id: string;
  title: string;
  owasp: OwaspItem;
  severity: Severity;
  /** Plain-language remediation. */
  fix: string;
  /** What the evidence keeps (for the README table and reviewers). */
  evidence: string;
  thresholds: T;
  /**
   * Quiet time (event time) after which this check's defects resolve, for incident-like checks (error bursts);
   * others use the analysis-wide `resolveAfterMs`. Overridable with `thresholds: { <id>: { resolveAfterMs } }`.
   */
  resolveAfterMs?: number;
  /** Only runs when an OpenAPI spec was given. */
  needsSpec?: boolean;
}

/**
 * One event of the window, with the endpoint it resolved to (null = no endpoint: probe, typo, scanner) and the
 * facts most checks test on every request. The facts are copied from `ev` while the view is built (in event
 * order): the checks walk the events endpoint by endpoint, and these small objects stay in the CPU cache where
 * the events themselves do not.
 */
export interface ResolvedEvent {
  ev: AccessEvent;
  template: string | null;
  /** `domain method template`, or null when template is null. */
  key: string | null;
  authenticated: boolean;
  /** `ev.status`, `ev.ts`, and the integration latency (else the response latency). */
  status: number;
  ts: number;
  latency: number | null;
  /** The path or the query holds a masked sensitive value (`*`). */
  masked: boolean;
  /** The path holds a run of 11 or more digits (phone, card and ID numbers, or ids that look like them). */
  longDigits: boolean;
}

/** The window as the checks see it. Read-only. */
export interface WindowView {
  windowStart: number;
  windowEnd: number;
  events: readonly ResolvedEvent[];
  /** Resolved events grouped by endpoint key, in event order. */
  byEndpoint: ReadonlyMap<string, ResolvedEvent[]>;
  endpoints: EndpointResolver;
  /** Imported specs (empty without one). */
  specs: readonly SpecModel[];
  /** The specs describing a domain: those naming it, else those naming no host; empty when none. */
  specsFor(domain: string): readonly SpecModel[];
}

/** What a check reports: one finding per endpoint (or per domain with template '*') per window at most. */
export interface Finding {
  type: string;
  domain: string;
  method: string;
  template: string;
  /** Override the definition's text when one check reports several defect types (e.g. shadow vs zombie). */
  title?: string;
  fix?: string;
  owasp?: OwaspItem;
  resolveAfterMs?: number;
  /** Overrides the definition's severity when the evidence makes it worse (or milder). */
  severity?: Severity;
  /** Occurrences in this window (requests, callers or windows, as the check defines). */
  count: number;
  /** Event time of the latest occurrence. */
  ts: number;
  /** JSON-serialisable, masked, small. */
  evidence: Record<string, unknown>;
}

/**
 * A built-in check: a data definition plus one deterministic function. `evaluate` may update only its own
 * state slice (plain JSON, bounded), does no I/O and reads no clock: same window + same state => same output.
 */
export interface Check<S = any, T extends Record<string, number> = Record<string, number>> {
  definition: CheckDefinition<T>;
  initialState(): S;
  evaluate(win: WindowView, state: S, thresholds: T): Finding[];
}
