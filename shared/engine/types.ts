import type { AccessEvent } from '../normalize/types.ts';
import type { Alert, ActorRow, DefectRow, EndpointChangeRow, EndpointRow, FileAssetRow, RiskEventRow } from '../emit/rows.ts';
import type { WindowPaths } from './windowPaths.ts';

/**
 * The engine cuts the stream into tumbling event-time windows. When a window closes (every shard's watermark
 * has passed its end plus the allowed lateness) each analysis sees every event of that window, sorted by
 * (ts, requestId), together with its own state from the previous windows. Because windows close in order and
 * their contents do not depend on which shard delivered which record, results are the same for 1 or N shards
 * and under redelivery.
 */
export const DEFAULT_WINDOW_MS = 5 * 60_000;

/** Resolves a concrete (masked) path to its endpoint template as of the window being closed. */
export interface EndpointResolver {
  /** The endpoint template, or null when the path matches no known endpoint (probe, typo, scanner). */
  templateOf(domainName: string, method: string, path: string): string | null;
  /** Endpoint attributes known to discovery (auth seen, sensitive kinds, file asset...). */
  endpointInfo(domainName: string, method: string, template: string): EndpointInfo | undefined;
  /**
   * `templateOf` for every path of a window (by its number in `paths`), when the resolver has them at hand:
   * discovery keeps what it resolved for the window it closed last. Undefined for any other window.
   */
  templatesOf?(paths: WindowPaths): ReadonlyArray<string | null> | undefined;
}

export interface EndpointInfo {
  domainName: string;
  method: string;
  template: string;
  requestCount: number;
  authRequests: number;
  unauthRequests: number;
  sensitiveTypes: string[];
  isFileAsset: boolean;
  fileTypes: string[];
  /** `verified` when it comes from an imported spec, `inferred` otherwise. */
  source: 'verified' | 'inferred';
  specStatus: 'in_spec' | 'shadow' | 'deprecated' | 'no_spec';
  firstSeen: number;
  lastSeen: number;
}

export interface WindowContext {
  windowStart: number;
  windowEnd: number;
  endpoints: EndpointResolver;
  /** The window's distinct paths (see indexPaths), made once for every stage; a stage makes them when absent. */
  paths?: WindowPaths;
}

export interface AnalysisOutput {
  endpoints?: EndpointRow[];
  defects?: DefectRow[];
  riskEvents?: RiskEventRow[];
  actors?: ActorRow[];
  fileAssets?: FileAssetRow[];
  endpointChanges?: EndpointChangeRow[];
  alerts?: Alert[];
  /** Documents that replace their previous version whole (discovery's daily OpenAPI export per domain). */
  documents?: LakeDocument[];
}

/** A JSON document the engine writes as it is, outside the tables, when the window that made it commits. */
export interface LakeDocument {
  /** Object key in the findings bucket (shared/engine/lakeLayout.ts names them). */
  key: string;
  body: Record<string, unknown>;
}

/**
 * A windowed analysis: pure, deterministic, state in a JSON-serialisable object it owns.
 * `closeWindow` may mutate `state`; the engine persists it after the window.
 */
export interface Analysis<S> {
  readonly name: 'discovery' | 'defects' | 'scoring' | 'pipeline';
  initialState(): S;
  closeWindow(events: readonly AccessEvent[], state: S, ctx: WindowContext): AnalysisOutput;
  /** Called when the stream ends (replay) so that open incidents are written out. Optional. */
  finish?(state: S, ctx: WindowContext): AnalysisOutput;
  /**
   * The current row of defect `id` if the analysis has seen it after `since` (event time), else undefined.
   * Read-only; the engine asks it about defects triaged as fixed, after each window, to find regressions.
   */
  defectSeenSince?(state: S, id: string, since: number): DefectRow | undefined;
}

/** Discovery also answers "which endpoint is this path?" for the other analyses. */
export interface DiscoveryAnalysis<S> extends Analysis<S> {
  readonly name: 'discovery';
  resolver(state: S): EndpointResolver;
}
