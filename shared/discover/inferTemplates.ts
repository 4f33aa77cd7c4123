import type { TrieNode } from './pathTrie.ts';
import { TrieIndex } from './trieIndex.ts';
import { isStrongShape, valueShape, type ValueShape } from './valueShape.ts';

/**
 * The result of inference for one domain: a tree whose edges are literal segments or one parameter edge.
 * `key` is the generalized prefix (`/repos/{}/{}`), the identity of a position across re-inference.
 */
export interface DecisionNode {
  key: string;
  lit: Map<string, DecisionNode>;
  param: DecisionNode | null;
  /** Some request under this node was answered by a route (not 403/404). */
  live: boolean;
}

/** Operator and history constraints that inference must respect. */
export interface InferenceHints {
  /** Positions (generalized prefixes) already published as parameters: they stay parameters. */
  stickyParams?: ReadonlySet<string>;
  /** Positions forced to be parameters by overrides. */
  forcedParams?: ReadonlySet<string>;
  /** `prefix\u0000segment` pairs that must stay literal (pinned by overrides or imported specs). */
  pinnedLiterals?: ReadonlySet<string>;
  /** Internal: word values found by a first pass, and where to collect them. */
  knownValues?: ReadonlySet<string>;
  collectValues?: Set<string>;
  valueParents?: ReadonlySet<string>;
}

/** Tunables of the structure rules; defaults were chosen on synthetic and public API traffic. */
export const INFERENCE_TUNING = {
  /** Merged positions: distinct words / (parent, word) edges above which words are values, not names. */
  noveltyRatio: 0.6,
  minWordsMerged: 5,
  minEdgesMerged: 12,
  /** Merged positions: a value word appears under at most this share of the parents (names recur more). */
  maxValueRecurrence: 0.05,
  /** A word with at most this many requests (per parent) is rare: values are, names of endpoints seldom are. */
  rareHits: 3,
  /** Word-valued positions decided on at least this many words stay parameters (see `stickyParams`). */
  stickyWords: 12,
  /** Single-parent positions: words needed before structure can call them values. */
  minWordsSingle: 8,
  /** Share of (word, grandchild) edges whose grandchild recurs under other words. */
  sharedGrandchildren: 0.5,
  /** Leafy single-parent positions (`/users/{username}`): words, share of leaves, share of rare words. */
  minWordsLeafy: 16,
  /** Requests a lone short number needs to count as a version segment (or 3 children under it). */
  versionHits: 20,
  leafShare: 0.8,
  rareShare: 0.6,
  /** Share of a position's words already seen as values elsewhere that makes them values here. */
  knownValueShare: 0.6,
  /** A word recurring under this share of merged parents is a literal even at a parameter position. */
  literalRecurrence: 0.3,
  /**
   * No real API has this many literal names under one parent (the most in ~1,800 published specs: 233): past it
   * the words at a position are values, whatever their traffic.
   */
  maxLiteralSiblings: 250,
  /** Below the first segment and the one after a version, names are fewer still (GitHub's repository: 60). */
  maxLiteralChildren: 64,
  /**
   * Congruent subtrees: the words' own children (or, when those are values again, their grandchildren) share
   * names. A literal name shared by at least this share of the words that have children is the mark of one
   * parameter's values (`/users/{name}/cards`, `/repos/{owner}/{repo}/issues`); literal siblings hold subtrees of
   * their own.
   */
  congruentShare: 0.5,
  /** Where names are expected (first segment, after a version), or with two words only, congruence must be near-total: share of shared names, and how many. */
  namesCongruence: 0.8,
  minSharedNames: 3,
  /** Words ending in a number of two or more digits: how many words, and what share of them, make values. */
  minNumberedWords: 4,
  numberedShare: 0.25,
  /** Share of camelCase or snake_case words that makes a position's words route names. */
  codeNamedShare: 0.3,
  /** Congruent values: at most this share of the words may hold a child name no other word has. */
  distinctiveShare: 0.25,
  /** Words with subtrees needed before shared names alone make them values. */
  minCongruentWords: 6,
};

/** One child segment at a position: the concrete nodes it labels under the position's members, merged. */
interface ChildStat {
  seg: string;
  shape: ValueShape;
  strong: boolean;
  nodes: TrieNode[];
  h: number;
  g: number;
  /** None of the nodes has children. */
  leaf: boolean;
  /** Set by `classify`: the segment is a parameter value here. */
  param: boolean;
  /** Children of the nodes, and how many of them are identifier-shaped (computed when first needed). */
  kids?: number;
  strongKids?: number;
}

const PARAM = '{}';
const EMPTY: ReadonlySet<string> = new Set();
/** Debugging aid: APISCOPE_TRACE_INFER=<substring of a position> prints why its words were judged values. */
const TRACE = process.env.APISCOPE_TRACE_INFER;
let why = '';
/** camelCase (`visualizeTaste`) or snake_case (`current_releases`), optionally with a format suffix. */
const CODE_NAME = /^(?:[a-z]+(?:[A-Z][a-z0-9]+)+|[a-z]+(?:_[a-z0-9]+)+)(?:\.[a-z]{2,4})?$/;
/** A word that ends in a number of two or more digits (not a version). */
const NUMBERED = /^(?![vV]\d)[A-Za-z][A-Za-z._-]*?[A-Za-z][-_.]?\d{2,6}$/;
/** Lower-case words, possibly joined by `-` or `_`: how endpoint names are spelled. */
const PLAIN_WORD = /^[a-z]+(?:[-_][a-z]+)*$/;

/**
 * Infers the template tree of one domain's trie, top down: at each position (set of concrete nodes that share a
 * generalized prefix), identifier-shaped children are parameter values, and word-shaped children are values
 * when the structure says so (they keep appearing as new words under many parents, or their own children recur
 * under many of them). Deterministic; the only change it makes to the trie is marking word-valued positions
 * (`w`) so that their fan-out folds like identifiers.
 *
 * @example
 * const { tree } = inferTemplates(domain.trie);
 * templateKeyOf(tree, ['users', '42']) // '/users/{}'
 */
export function inferTemplates(root: TrieNode, hints: InferenceHints = {}, index: TrieIndex = new TrieIndex()): InferenceResult {
  // First pass: the words taken as values somewhere. Second pass: a handful of such words seen again at a
  // position with too little traffic of its own are values there too (the same user names, the same keys).
  const values = new Set<string>();
  const first: Decisions = { sticky: new Set(), wordParams: new Set() };
  // The second pass mostly walks the same positions with the same members: their merged children are reused.
  const seen: StatsMemo = new Map();
  const profiles = new Map<readonly ChildStat[], StrongProfile>();
  build([root], '', { hints: { ...hints, collectValues: values }, out: first, index, record: seen, reuse: null, profiles });
  // Collections whose items were found to be words (`.../properties/{propertyKey}`): the same collection
  // name elsewhere in the API holds the same kind of items, even where traffic is too thin to tell.
  const valueParents = new Set<string>();
  for (const k of first.wordParams) { const last = k.slice(k.lastIndexOf('/') + 1); if (last && last !== PARAM) valueParents.add(last); }
  const out: Decisions = { sticky: new Set(), wordParams: new Set() };
  const tree = build([root], '', { hints: { ...hints, knownValues: values, valueParents }, out, index, record: null, reuse: seen, profiles });
  return { tree, wordParamKeys: out.sticky };
}

/** One walk over the trie. */
interface Pass {
  hints: InferenceHints;
  out: Decisions;
  index: TrieIndex;
  /** First pass: where the merged children of each position are kept; second pass: where they are taken from. */
  record: StatsMemo | null;
  reuse: StatsMemo | null;
  /** Identifier profiles per merged children (the same in both passes). */
  profiles: Map<readonly ChildStat[], StrongProfile>;
}

/** Per position key: the members of the first pass and their merged children. */
type StatsMemo = Map<string, { members: readonly TrieNode[]; stats: ChildStat[] }>;

function sameMembers(a: readonly TrieNode[], b: readonly TrieNode[]): boolean {
  if (a === b) return true;
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

interface Decisions {
  /** Word-valued positions decided on strong evidence. */
  sticky: Set<string>;
  /** All word-valued positions. */
  wordParams: Set<string>;
}

const MAX_KNOWN_VALUES = 50_000;

export interface InferenceResult {
  tree: DecisionNode;
  /** Positions where word-shaped values were judged parameters (to keep them so: see `stickyParams`). */
  wordParamKeys: Set<string>;
}

function build(members: TrieNode[], key: string, pass: Pass): DecisionNode {
  const pos = key || '/';
  let live = false;
  for (const m of members) if (m.g > 0) { live = true; break; }
  const node: DecisionNode = { key: pos, lit: new Map(), param: null, live };
  const prev = pass.reuse?.get(pos);
  let stats: ChildStat[];
  if (prev && sameMembers(prev.members, members)) { stats = prev.stats; for (const s of stats) s.param = false; }
  else stats = childStats(members, pass.index);
  pass.record?.set(pos, { members, stats });
  if (stats.length === 0) return node;
  classify(stats, members.length, pos, pass);
  const { hints, out } = pass;
  // Positions that hold word values for good fold further new words like identifiers (bounded state).
  if (out.sticky.has(pos) || hints.stickyParams?.has(pos) || hints.forcedParams?.has(pos)) for (const m of members) m.w = 1;
  // Children known to be leaves give leaf positions without walking their nodes again (positions of ids
  // often merge thousands of them).
  let params = 0, paramLeaves = 0, paramLive = false;
  for (const s of stats) {
    if (s.param) { params++; if (s.leaf) paramLeaves++; if (s.g > 0) paramLive = true; }
    else node.lit.set(s.seg, s.leaf ? leafPosition(key + '/' + s.seg, s.g > 0) : build(s.nodes, key + '/' + s.seg, pass));
  }
  if (params > 0 && params === paramLeaves) node.param = leafPosition(key + '/' + PARAM, paramLive);
  else if (params > 0) {
    const paramNodes: TrieNode[] = [];
    for (const s of stats) if (s.param) for (const n of s.nodes) paramNodes.push(n);
    node.param = build(paramNodes, key + '/' + PARAM, pass);
  }
  return node;
}

/** What `build` gives for members without children: live when one of them was answered by a route. */
function leafPosition(key: string, live: boolean): DecisionNode {
  return { key, lit: new Map(), param: null, live };
}

/**
 * The children of a position's members merged by segment, in first-seen order (members in order, each one's
 * children in key order). A single member needs no merging: this is the common case and it skips the map.
 */
function childStats(members: readonly TrieNode[], index: TrieIndex): ChildStat[] {
  const stats: ChildStat[] = [];
  if (members.length === 1) {
    const list = index.children(members[0]);
    if (list) for (let i = 0; i < list.segs.length; i++) stats.push(newStat(list.segs[i], list.nodes[i], list.shapes[i]));
    return stats;
  }
  const bySeg = new Map<string, ChildStat>();
  for (const m of members) {
    const list = index.children(m);
    if (!list) continue;
    const { segs, nodes } = list;
    for (let i = 0; i < segs.length; i++) {
      const child = nodes[i];
      const s = bySeg.get(segs[i]);
      if (s) { s.nodes.push(child); s.h += child.h; s.g += child.g; if (child.c) s.leaf = false; }
      else { const n = newStat(segs[i], child, list.shapes[i]); bySeg.set(segs[i], n); stats.push(n); }
    }
  }
  return stats;
}

function newStat(seg: string, child: TrieNode, shape: ValueShape): ChildStat {
  return { seg, shape, strong: isStrongShape(shape), nodes: [child], h: child.h, g: child.g, leaf: !child.c, param: false };
}

/** Marks (`param`) the segments at this position that are parameter values. */
function classify(stats: readonly ChildStat[], m: number, key: string, pass: Pass): void {
  const T = INFERENCE_TUNING;
  const { hints, out, index } = pass;
  // Most domains pin nothing: then no `prefix\u0000segment` string is built per child.
  const pins = hints.pinnedLiterals && hints.pinnedLiterals.size > 0 ? hints.pinnedLiterals : null;
  const pinned = (seg: string) => pins !== null && pins.has(key + '\u0000' + seg);
  const words: ChildStat[] = [];
  let strongLive = 0;
  for (const s of stats) {
    if (pinned(s.seg)) continue;
    // A lone short number carrying steady traffic is a version (`/rest/api/3`), not an identifier.
    if (stats.length === 1 && s.shape === 'integer' && s.seg.length <= 3 && (s.g >= T.versionHits || (s.nodes[0].k ?? 0) >= 3)) continue;
    if (s.strong) { s.param = true; if (s.g > 0) strongLive++; }
    else if (s.g > 0) words.push(s);
  }
  // File names are documents, not endpoint names, once a few sit side by side.
  let files = 0;
  for (const w of words) if (w.shape === 'file') files++;
  if (files >= 3) for (const w of words) if (w.shape === 'file') w.param = true;
  const forced = hints.forcedParams?.has(key) || hints.stickyParams?.has(key);
  let mixed: StrongProfile | null = null;
  if (strongLive > 0) {
    mixed = pass.profiles.get(stats) ?? null;
    if (mixed === null) pass.profiles.set(stats, (mixed = strongProfile(stats)));
  }
  let wordParam = forced === true;
  why = forced ? 'forced' : '';
  // What comes first in a path or right after a version names a resource (`/v1/users`, `/rest/api/3/issue`).
  const last = key.slice(key.lastIndexOf('/') + 1);
  const namesOnly = key === '/' || (last !== PARAM && (valueShape(last) === 'version' || /^\d{1,3}$/.test(last)));
  if (!wordParam && namesOnly && words.length >= 2) {
    // A first segment or the one after a version is a name unless the structure leaves no doubt.
    if (words.length >= T.maxLiteralSiblings) { wordParam = true; why = 'names:cardinality'; }
    else {
      const st = sharedStructure(words, index);
      wordParam = st.inner >= 2 && st.sharedNames >= T.minSharedNames && st.sharedShare >= T.namesCongruence && st.top1 >= Math.max(2, T.congruentShare * st.inner) && st.collections * 2 < st.inner;
      if (wordParam) why = 'names:congruent';
    }
  }
  if (!wordParam && !namesOnly && words.length >= 2) {
    const v = wordsAreValues(words, m, mixed, index);
    if (v === 2) out.sticky.add(key);
    wordParam = v > 0;
  }
  if (!wordParam && !namesOnly && hints.valueParents && m >= 2 && words.length > 0 && hints.valueParents.has(key.slice(key.lastIndexOf('/') + 1))) {
    let rare = 0;
    for (const w of words) if (w.g <= T.rareHits * w.nodes.length) rare++;
    wordParam = rare === words.length && !(m >= 4 && words.some((w) => w.nodes.length >= 3 && w.nodes.length >= T.literalRecurrence * m));
    if (wordParam) why = 'valueParents';
  }
  if (!wordParam && !namesOnly && hints.knownValues && words.length >= 2) {
    let known = 0;
    for (const w of words) if (hints.knownValues.has(w.seg) && !(mixed && isHeavy(w, mixed))) known++;
    wordParam = known >= 2 && known >= T.knownValueShare * words.length;
    if (wordParam) why = 'knownValues';
  }
  if (!wordParam) {
    if (strongLive > 0 && words.length > 0) {
      const vocab = valueSubtreeVocabulary(stats);
      // Upper-case codes among many identifiers are keys of the same things (`/project/10023`, `/project/API`).
      const codesAreKeys = strongLive >= Math.max(4, 2 * words.length);
      // One word shaped like the values' subtrees is likely an endpoint mirroring them (`/invoices/upcoming/lines`);
      // several are values (`/branches/main/protection`, `/branches/develop/protection`).
      const alike = vocab.size ? words.filter((w) => !pinned(w.seg) && looksLikeValue(w, vocab)) : [];
      for (const w of words) {
        if (pinned(w.seg) || (mixed && isHeavy(w, mixed) && w.shape !== 'code')) continue;
        const witnessed = alike.length >= 2 || (alike.length === 1 && !PLAIN_WORD.test(w.seg));
        if ((witnessed && alike.includes(w)) || (codesAreKeys && w.shape === 'code')) w.param = true;
      }
    }
    return;
  }
  // Where the values hold one common subtree, a word whose subtree shares nothing with the other words' is an
  // endpoint of its own (`/project/type/accessible` beside `/project/{key}/components`).
  const st = hints.forcedParams?.has(key) ? null : sharedStructure(words, index);
  const congruent = st !== null && st.inner >= 2 && (st.common1.size > 0 || st.common2.size > 0);
  for (const s of stats) {
    if (s.param || pinned(s.seg)) continue;
    const holds = congruent && !s.strong && !s.leaf && holdsCommon(s, st!, index);
    // A word that recurs under a good share of the merged parents is a name (issues under each repo), unless the
    // position's words are values whose children are the same names and it is one of them (a repository name
    // many owners use, with issues and pulls below it like the others).
    if (m >= 4 && s.nodes.length >= 3 && s.nodes.length >= T.literalRecurrence * m && !(holds && st!.common1.size > 0 && holdsCommon(s, { ...st!, shared2: EMPTY }, index))) continue;
    if (congruent && !s.strong && !s.leaf && !holds) continue;
    // Beside identifiers, a word requested far more than any identifier is an endpoint (`/invoices/upcoming`).
    if (mixed && !forced && isHeavy(s, mixed) && !(s.shape === 'code' && mixed.live >= 4)) continue;
    s.param = true;
  }
  out.wordParams.add(key);
  if (TRACE && key.includes(TRACE)) console.error(`[infer] ${key} m=${m} words=${words.length} forced=${forced} why=${why} params=${words.filter((w) => w.param).map((w) => w.seg).slice(0, 8).join(',')}`);
  const cv = hints.collectValues;
  if (cv) for (const w of words) if (w.param && cv.size < MAX_KNOWN_VALUES) cv.add(w.seg);
}

/**
 * 0: names; 1: values; 2: values, with evidence strong enough to keep the position a parameter for good.
 * Names: REST collections (their children are identifiers), or words that keep being requested. Values: new
 * words under almost every merged parent, or many rarely requested words whose subtrees look alike.
 */
interface StrongProfile {
  /** Distinct identifier values answered by a route. */
  live: number;
  /** Median and 90th percentile of requests per identifier value. */
  medianHits: number;
  p90Hits: number;
  /** Share of identifier values without children. */
  leafShare: number;
}

function strongProfile(stats: readonly ChildStat[]): StrongProfile {
  let n = 0;
  for (const s of stats) if (s.strong && s.g > 0) n++;
  // A typed array sorts numerically without a comparator call per step (positions can hold 10^4 values).
  const hits = new Float64Array(n);
  let i = 0, leaves = 0;
  for (const s of stats) {
    if (!s.strong || s.g === 0) continue;
    hits[i++] = s.g;
    if (s.leaf) leaves++;
  }
  hits.sort();
  return { live: n, medianHits: n ? hits[n >> 1] : 0, p90Hits: n ? hits[Math.min(n - 1, Math.floor(n * 0.9))] : 0, leafShare: n ? leaves / n : 0 };
}

function isHeavy(w: ChildStat, p: StrongProfile): boolean {
  return w.g >= Math.max(8, 4 * p.p90Hits);
}

function childCounts(w: ChildStat, index: TrieIndex): { kids: number; strongKids: number } {
  if (w.kids === undefined) {
    let kids = 0, strongKids = 0;
    for (const n of w.nodes) { const list = index.children(n); if (list) { kids += list.segs.length; strongKids += list.strong; } }
    w.kids = kids;
    w.strongKids = strongKids;
  }
  return w as { kids: number; strongKids: number };
}

function wordsAreValues(words: ChildStat[], m: number, mixed: StrongProfile | null, index: TrieIndex): 0 | 1 | 2 {
  const T = INFERENCE_TUNING;
  const nW = words.length;
  let edges = 0, leaves = 0, rare = 0, singles = 0, collections = 0, hits = 0, maxParents = 0;
  for (const w of words) {
    edges += w.nodes.length;
    if (w.nodes.length > maxParents) maxParents = w.nodes.length;
    hits += w.g;
    const { kids, strongKids } = childCounts(w, index);
    if (kids === 0) leaves++;
    // REST alternates names and identifiers: a word whose children are identifiers names a collection.
    else if (strongKids * 2 > kids) collections++;
    if (w.g <= T.rareHits * w.nodes.length) rare++;
    if (w.g <= w.nodes.length) singles++;
  }
  const inner = nW - leaves;
  if (nW >= T.maxLiteralChildren) { why = 'cardinality'; return 2; }
  if (inner >= 2 && collections * 2 >= inner) return 0;
  // Words spelled as code identifiers (`visualizeTaste`, `current_releases`) are route names: where they are
  // a good share, shapes alone (leaves, identical subtrees) say nothing about values.
  let coded = 0;
  for (const w of words) if (CODE_NAME.test(w.seg)) coded++;
  const codeNamed = coded >= T.codeNamedShare * nW;
  // Names seldom end in a number (`oauth2`, `avatar2` have one digit); user names and slugs often do
  // (`Zoey48`, `round-fold-17`). A good share of such words among several is a sample of values.
  let numbered = 0;
  for (const w of words) if (NUMBERED.test(w.seg)) numbered++;
  if (nW >= T.minNumberedWords && numbered >= T.numberedShare * nW) { why = 'numbered'; return 1; }
  const st = sharedStructure(words, index);
  // Values of one parameter hold the same subtree: the same names below them, at depth 1 or, when their children
  // are values again (`/repos/{owner}/{repo}/issues`), at depth 2. Counts of words, not of requests: the same
  // answer at any volume.
  // A few words sharing a child are as often parallel collections (`/food/{ingredients,menuItems}/search`): with
  // fewer than `minCongruentWords`, only subtrees that are nearly the same (`/{json,xml}/races/...`) make values.
  // Depth 1: the values' children are the same few names, and (unlike parallel collections such as
  // `/food/{ingredients,products}/search`, each with endpoints of its own) hardly any word has a name of its own.
  // Depth 2: the children are values again, each word's own, and the grandchildren are shared.
  const d1 = st.inner >= T.minCongruentWords && st.top1 >= T.congruentShare * st.inner && st.distinctive <= T.distinctiveShare * st.inner;
  // (At a merged position the words under many parents are names, and shared grandchildren there are their
  // values' subtrees: depth 2 speaks only where the words are not spread over many parents.)
  const d2 = m < 3 && st.inner2 >= T.minCongruentWords && st.top2 >= Math.max(3, T.congruentShare * st.inner2) && st.distinctive > T.distinctiveShare * st.inner;
  if (d1 || d2) { why = d1 ? 'congruent' : 'congruent2'; return st.inner >= T.stickyWords ? 2 : 1; }
  if (!codeNamed && st.inner >= 2 && st.inner === nW && st.sharedNames >= T.minSharedNames && st.sharedShare >= T.namesCongruence) { why = 'near-identical'; return 1; }
  if (inner >= 3 && inner >= 0.6 * nW && rare * 2 >= nW && alikeSubtrees(words)) { why = 'alikeSubtrees'; return 1; }
  const novelty = nW / edges;
  // Names recur: the most used one shows up under many parents. Values seldom repeat across parents.
  if (m >= 3 && nW >= T.minWordsMerged && edges >= T.minEdgesMerged && novelty >= T.noveltyRatio && maxParents <= Math.max(3, T.maxValueRecurrence * m)) {
    why = 'merged:novelty';
    return edges >= 4 * T.minEdgesMerged && novelty >= 0.8 && rare / nW >= T.rareShare ? 2 : 1;
  }
  if (m >= 3) return 0;
  // Many leaf words under one parent: a sample of values (`/users/{username}`), whatever their traffic.
  if (!codeNamed && m === 1 && nW >= T.minWordsLeafy && leaves / nW >= T.leafShare) { why = 'leafy'; return nW >= T.stickyWords * 2 ? 2 : 1; }
  const rareShare = rare / nW;
  if (rareShare < T.rareShare) return 0;
  const sure = (n: number) => (n >= T.stickyWords && rareShare >= 0.8 && hits >= 10 * nW / 4 ? 2 : 1);
  // Identifiers and rare words side by side, shaped alike (`/status/{idOrName}`: both leaves).
  if (mixed && mixed.live >= 2 && nW >= 4 && Math.abs(leaves / nW - mixed.leafShare) <= 0.3) { why = 'mixed-leafshare'; return 1; }
  if (nW < T.minWordsSingle) return 0;
  if (nW >= T.minWordsLeafy && leaves / nW >= T.leafShare) { why = 'leafy'; return sure(nW); }
  // Fewer leaf words, but nearly all requested once: a sample of values.
  if (nW >= T.minWordsSingle + 2 && leaves / nW >= T.leafShare && singles >= 0.75 * nW) { why = 'leafy-singles'; return 1; }
  // Rare words whose own children recur under many of them (`/orgs/{org}/teams`) or are values again
  // (`/repos/{owner}/{repo}`).
  const under = new Map<string, number>();
  let gEdges = 0, gNovel = 0;
  for (const w of words) {
    const seen = new Set<string>();
    for (const n of w.nodes) {
      if (!n.c) continue;
      for (const g in n.c) {
        if (seen.has(g) || n.c[g].g === 0) continue;
        seen.add(g);
        if (n.c[g].s === 1) continue;
        under.set(g, (under.get(g) ?? 0) + 1);
        gEdges++;
      }
    }
  }
  for (const c of under.values()) if (c === 1) gNovel++;
  if (gEdges >= nW * 0.5) {
    let shared = 0;
    for (const c of under.values()) if (c >= 2) shared += c;
    if (shared / gEdges >= T.sharedGrandchildren && under.size * 2 <= nW) { why = 'grandchildren-shared'; return sure(nW); }
    if (gNovel / gEdges >= T.noveltyRatio) { why = 'grandchildren-novel'; return sure(nW); }
  }
  return 0;
}

interface SharedStructure {
  /** Words with word-shaped (literal-candidate) children. */
  inner: number;
  /** Words whose word-shaped children have children of their own. */
  inner2: number;
  /** Words under which the most shared child name, and the most shared grandchild name (through word children), occur. */
  top1: number;
  top2: number;
  /** Share of the words' child names that occur under at least two of the words, and how many such names. */
  sharedShare: number;
  sharedNames: number;
  /** The names that make the structure congruent (under at least `congruentShare` of the words), at depth 1 and 2. */
  common1: Set<string>;
  common2: Set<string>;
  /** Names under at least two of the words, at depth 1 and 2. */
  shared1: ReadonlySet<string>;
  shared2: ReadonlySet<string>;
  /** Words whose children are mostly identifiers (collections: REST names). */
  collections: number;
  /** Words with children that have a child name none of the other words has. */
  distinctive: number;
}

/**
 * The literal structure below a position's words: which child and grandchild names recur across them. Children
 * that are identifiers are left out (every collection has them, so they tell values from names nothing); so are
 * grandchildren reached through identifier children (`/customers/{id}/metadata` and `/charges/{id}/metadata`
 * are two collections, not two values).
 */
function sharedStructure(words: readonly ChildStat[], index: TrieIndex): SharedStructure {
  const f1 = new Map<string, number>();
  const f2 = new Map<string, number>();
  let inner = 0, inner2 = 0, names = 0, collections = 0;
  const d1: Set<string>[] = [];
  for (const w of words) {
    const kids = new Set<string>();
    const grand = new Set<string>();
    let strong = 0, all = 0;
    for (const n of w.nodes) {
      const list = index.children(n);
      if (!list) continue;
      all += list.segs.length;
      strong += list.strong;
      for (let i = 0; i < list.segs.length; i++) {
        const c = list.nodes[i];
        if (c.s === 1 || c.g === 0) continue;
        kids.add(list.segs[i]);
        if (c.c) for (const g in c.c) if (c.c[g].s !== 1 && c.c[g].g > 0) grand.add(g);
      }
    }
    if (all > 0 && strong * 2 > all) collections++;
    // A word with more children than any name has holds values: words drawing on one value pool share names
    // by chance (`/apis/Cash`, `/domains/Cash`), so only what lies below them counts.
    if (kids.size >= INFERENCE_TUNING.maxLiteralChildren) kids.clear();
    if (kids.size === 0 && grand.size === 0) continue;
    if (kids.size === 0) { inner2++; for (const g of grand) f2.set(g, (f2.get(g) ?? 0) + 1); continue; }
    inner++;
    d1.push(kids);
    names += kids.size;
    for (const k of kids) f1.set(k, (f1.get(k) ?? 0) + 1);
    if (grand.size) { inner2++; for (const g of grand) f2.set(g, (f2.get(g) ?? 0) + 1); }
  }
  let top1 = 0, top2 = 0, shared = 0;
  for (const c of f1.values()) if (c > top1) top1 = c;
  for (const c of f2.values()) if (c > top2) top2 = c;
  for (const kids of d1) for (const k of kids) if (f1.get(k)! >= 2) shared++;
  let sharedNames = 0;
  const common1 = new Set<string>(), common2 = new Set<string>();
  for (const [k, c] of f1) { if (c >= 2) sharedNames++; if (c >= Math.max(2, INFERENCE_TUNING.congruentShare * inner)) common1.add(k); }
  for (const [k, c] of f2) if (c >= Math.max(3, INFERENCE_TUNING.congruentShare * inner2)) common2.add(k);
  const shared1 = new Set<string>(), shared2 = new Set<string>();
  for (const [k, c] of f1) if (c >= 2) shared1.add(k);
  for (const [k, c] of f2) if (c >= 2) shared2.add(k);
  // Words with a child name no other word has: endpoints of their own (values hold what the others hold).
  let distinctive = 0;
  for (const kids of d1) for (const k of kids) if (f1.get(k) === 1) { distinctive++; break; }
  return { inner, inner2, top1, top2, sharedShare: names ? shared / names : 0, sharedNames, common1, common2, shared1, shared2, collections, distinctive };
}

/** The word's children (or grandchildren through word children) include a name another word at the position has too. */
function holdsCommon(w: ChildStat, st: SharedStructure, index: TrieIndex): boolean {
  for (const n of w.nodes) {
    const list = index.children(n);
    if (!list) continue;
    for (let i = 0; i < list.segs.length; i++) {
      const c = list.nodes[i];
      if (c.s === 1) continue;
      if (st.shared1.has(list.segs[i])) return true;
      if (c.c) for (const g in c.c) if (st.shared2.has(g)) return true;
    }
  }
  return false;
}

/**
 * Words whose subtrees are alike (`methods/{cert,duo,sms}/lifecycle`, `roles/{ADMIN,CUSTOM}/subscriptions`):
 * each child name is shared by at least two of them on average and the most common one is under most of them.
 */
function alikeSubtrees(words: ChildStat[]): boolean {
  const under = new Map<string, number>();
  let inner = 0, sum = 0;
  for (const w of words) {
    const seen = new Set<string>();
    for (const n of w.nodes) if (n.c) for (const g in n.c) if (n.c[g].s !== 1 && n.c[g].g > 0) seen.add(g);
    if (seen.size === 0) continue;
    inner++;
    sum += seen.size;
    for (const g of seen) under.set(g, (under.get(g) ?? 0) + 1);
  }
  let top = 0;
  for (const c of under.values()) if (c > top) top = c;
  return inner >= 3 && sum >= 2 * under.size && top >= 0.6 * inner;
}

/** Weak-shaped children of the identifier-valued children at a position (what a value's subtree looks like). */
function valueSubtreeVocabulary(stats: readonly ChildStat[]): Set<string> {
  const vocab = new Set<string>();
  for (const s of stats) {
    if (!s.strong) continue;
    for (const n of s.nodes) if (n.c) for (const g in n.c) if (n.c[g].s !== 1 && n.c[g].g > 0) vocab.add(g);
  }
  return vocab;
}

/** A word whose children are mostly among the identifier values' children is a value too (`/project/API/features`). */
function looksLikeValue(s: ChildStat, vocab: Set<string>): boolean {
  let kids = 0, inVocab = 0;
  for (const n of s.nodes) if (n.c) for (const g in n.c) { if (n.c[g].s === 1) continue; kids++; if (vocab.has(g)) inVocab++; }
  return kids > 0 && inVocab * 2 > kids;
}

/**
 * Walks the tree along `segs`; returns the generalized key (`/users/{}`), provisional when the path leaves the
 * structure seen at the last inference, or null when it reaches, through literals only, a node that no routed
 * request reached (a probe).
 */
export function templateKeyOf(tree: DecisionNode, segs: readonly string[]): string | null {
  let node = tree;
  let viaParam = false;
  for (let i = 0; i < segs.length; i++) {
    const seg = segs[i];
    const lit = node.lit.get(seg);
    if (lit) { node = lit; continue; }
    if (node.param) { node = node.param; viaParam = true; continue; }
    // A path beyond what inference has seen: provisional template, identifiers as parameters.
    let k = node.key === '/' ? '' : node.key;
    for (let j = i; j < segs.length; j++) k += '/' + (isStrongShape(valueShape(segs[j])) ? PARAM : segs[j]);
    return k;
  }
  // Only answered by 403/404 and reached by names alone: a probe, not an endpoint.
  return node.live || viaParam ? node.key : null;
}

/** Compact JSON form of a decision tree, persisted with the state so a restart does not re-run inference. */
export interface StoredTree {
  l?: Record<string, StoredTree>;
  p?: StoredTree;
  /** 1 when live. */
  v?: 1;
}

export function storeTree(node: DecisionNode): StoredTree {
  const out: StoredTree = {};
  if (node.live) out.v = 1;
  if (node.lit.size) { out.l = {}; for (const [seg, child] of node.lit) out.l[seg] = storeTree(child); }
  if (node.param) out.p = storeTree(node.param);
  return out;
}

export function loadTree(stored: StoredTree, key = ''): DecisionNode {
  const node: DecisionNode = { key: key || '/', lit: new Map(), param: null, live: stored.v === 1 };
  if (stored.l) for (const seg in stored.l) node.lit.set(seg, loadTree(stored.l[seg], key + '/' + seg));
  if (stored.p) node.param = loadTree(stored.p, key + '/' + PARAM);
  return node;
}
