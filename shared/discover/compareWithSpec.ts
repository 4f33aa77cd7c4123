import { specCovers } from './createDiscoveryAnalysis.ts';
import type { DiscoveryState, SpecEntry } from './types.ts';

export interface EndpointRef {
  domainName: string;
  method: string;
  template: string;
  requestCount: number;
}

/** How observed traffic compares with the imported spec. */
export interface SpecComparison {
  /** Called, but not in the spec. */
  shadow: EndpointRef[];
  /** Deprecated in the spec, still called. */
  zombie: EndpointRef[];
  /** In the spec, never called. */
  orphan: Array<Pick<SpecEntry, 'method' | 'template' | 'deprecated'>>;
}

/**
 * Shadow, zombie and orphan endpoints of the domains the spec describes; empty lists when no spec was imported.
 *
 * @example
 * const { shadow, zombie, orphan } = compareWithSpec(state);
 */
export function compareWithSpec(state: DiscoveryState): SpecComparison {
  const out: SpecComparison = { shadow: [], zombie: [], orphan: [] };
  if (!state.spec) return out;
  for (const ep of Object.values(state.endpoints)) {
    if (!specCovers(state, ep.domainName)) continue;
    const ref = { domainName: ep.domainName, method: ep.method, template: ep.template, requestCount: ep.count };
    if (ep.specOp < 0) out.shadow.push(ref);
    else if (state.spec[ep.specOp]?.deprecated) out.zombie.push(ref);
  }
  for (const op of state.spec) if (op.calls === 0) out.orphan.push({ method: op.method, template: op.template, deprecated: op.deprecated });
  const byName = (a: EndpointRef, b: EndpointRef) => a.domainName.localeCompare(b.domainName) || a.template.localeCompare(b.template) || a.method.localeCompare(b.method);
  out.shadow.sort(byName);
  out.zombie.sort(byName);
  return out;
}
