import { useEffect, useState } from 'preact/hooks';

/**
 * Hash routes (`#/defects/3f2a?status=open`): the page is one file in both modes, so neither the local server
 * nor CloudFront needs to know the app's routes, and a reload keeps where the user was.
 */
export interface Route {
  parts: string[];
  params: URLSearchParams;
}

export function parseHash(hash: string): Route {
  const h = hash.replace(/^#/, '');
  const [path, q = ''] = h.split('?', 2);
  return { parts: path.split('/').filter(Boolean).map((p) => safeDecode(p)), params: new URLSearchParams(q) };
}

const safeDecode = (s: string) => {
  try { return decodeURIComponent(s); } catch { return s; }
};

export function useRoute(): Route {
  const [route, setRoute] = useState(() => parseHash(location.hash));
  useEffect(() => {
    const on = () => setRoute(parseHash(location.hash));
    addEventListener('hashchange', on);
    return () => removeEventListener('hashchange', on);
  }, []);
  return route;
}

/** `#/a/b?x=1` from path segments (each encoded) and parameters (empty ones left out). */
export function href(parts: string[], params: Record<string, string | undefined> = {}): string {
  const p = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v) p.set(k, v);
  const q = p.toString();
  return `#/${parts.map(encodeURIComponent).join('/')}${q ? `?${q}` : ''}`;
}

/** Replaces the query of the current route (filters), keeping history short. */
export function setParams(parts: string[], params: Record<string, string | undefined>) {
  history.replaceState(null, '', href(parts, params));
  dispatchEvent(new HashChangeEvent('hashchange'));
}
