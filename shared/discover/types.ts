import type { KnownNode } from './knownTemplates.ts';
import type { TrieNode } from './pathTrie.ts';
import type { StoredTree } from './inferTemplates.ts';

/** Discovery's persisted state: plain JSON, bounded (tries fold identifier fan-out, sketches have fixed size). */
export interface DiscoveryState {
  v: 1;
  domains: Record<string, DomainState>;
  /** Inventory, keyed by `domain \t method \t template`. */
  endpoints: Record<string, EndpointStats>;
  /** Merges, splits and renames of published endpoints, oldest first, at most {@link MAX_CHANGES}. */
  changes: TemplateChange[];
  /** Operations of the imported spec, with how often each was called. */
  spec: SpecEntry[] | null;
  /** Hosts the spec names (empty: it applies to every domain). */
  specHosts?: string[];
  /** Start of the event-time hour being accumulated, and the last hour whose snapshot was written. */
  hour: number;
  emittedHour: number;
  lastTs: number;
  /** Requests not inventoried because their domain reached the endpoint bound. */
  droppedEndpoints?: number;
  /** The UTC day (index since epoch) of the last window closed, and the last day whose file_assets rows were written. */
  fileDay?: number;
  fileRowsDay?: number;
}

export interface DomainState {
  /** Observed masked paths of requests without a usable `resourcePath`. */
  trie: TrieNode;
  trieNodes: number;
  /** Templates reported by the gateway (`resourcePath`), aligned with the path. */
  known: KnownNode;
  /** Positions published as word-valued parameters: they stay parameters (stability). */
  sticky: string[];
  /** Bumped when the trie gains nodes; inference runs when it differs from `inferredGen`. */
  gen: number;
  inferredGen: number;
  /** Window start of the last inference. */
  inferredAt: number;
  /** The decision tree of the last inference (so that a restarted function resolves without re-inferring). */
  tree?: StoredTree;
}

export interface EndpointStats {
  domainName: string;
  method: string;
  template: string;
  source: 'verified' | 'inferred';
  /** Index into `spec` of the matching operation, -1 when not in the spec. */
  specOp: number;
  firstSeen: number;
  lastSeen: number;
  count: number;
  /** Requests by status class 1xx..5xx (index 0..4). */
  status: [number, number, number, number, number];
  auth: number;
  unauth: number;
  /** KMV sketch of caller identities (principal, else api key, else IP). */
  callers: number[];
  /** Per parameter position: value shape -> count. */
  paramShapes: Array<Record<string, number>>;
  sensitive: string[];
  /** Response size log histogram (bucket -> count) and maximum. */
  respHist: Record<string, number>;
  respMax: number;
  /** Up to 3 masked sample paths (used to re-resolve after inference changes). */
  samples: string[];
  /** Previous templates of this endpoint (after merges and renames). */
  aliases?: string[];
  file?: FileAsset;
}

export interface FileAsset {
  types: string[];
  /** Requests per UTC day (day index since epoch), last 30 days. */
  days: Record<string, number>;
  /** The day being counted for its file_assets row (written when the day is over). */
  today?: FileDay;
}

/** One UTC day of a file endpoint: what its file_assets row says. Bounded: top-N and sketches of fixed size. */
export interface FileDay {
  /** Day index since epoch. */
  day: number;
  requests: number;
  /** Requests answered 2xx, those without principal or API key, and their response bytes. */
  downloads: number;
  unauth: number;
  bytes: number;
  /** Top-N downloaders (space-saving counts) and KMV sketches of all of them. */
  principals: Record<string, number>;
  ips: Record<string, number>;
  principalSketch: number[];
  ipSketch: number[];
  /** Sensitive data kinds seen in the day's requests. */
  kinds: string[];
  first: number;
  last: number;
}

export interface TemplateChange {
  at: number;
  kind: 'merge' | 'split' | 'rename';
  domainName: string;
  method: string;
  from: string[];
  to: string;
  /** `inference` or `override`. */
  reason: string;
}

export interface SpecEntry {
  method: string;
  template: string;
  deprecated: boolean;
  calls: number;
}

export const MAX_CHANGES = 500;
