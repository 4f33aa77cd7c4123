import type { Check, Finding } from '../types.ts';
import { addSample, capRecord, pruneDue, is2xx, truncate } from '../util.ts';
import { downloadRouteOf, fileExtensionOf, isFileEndpoint } from '../classifyEndpoint.ts';

/** File types that hold data exports, dumps or keys rather than published documents. */
const DATA_FILE_TYPES = new Set(['csv', 'tsv', 'xls', 'xlsx', 'xlsm', 'ods', 'sql', 'dump', 'bak', 'db', 'sqlite', 'mdb', 'pem', 'key', 'p12', 'pfx', 'eml', 'msg', 'log']);

export interface UnauthenticatedFileDownloadState {
  /** Per download route (`domain method route`). */
  endpoints: Record<string, { downloads: number; authDownloads: number; bytes: number; ips: string[]; fileTypes: string[]; templates: string[]; lastTs: number }>;
}

const thresholds = {
  /** Anonymous successful downloads (lifetime) before the endpoint is reported. */
  minDownloads: 3,
  /** One anonymous caller fetching this many files in a window is a bulk download (critical). */
  bulkPerCaller: 20,
  /** ...or this many bytes in a window. */
  bulkBytes: 100_000_000,
  /** Authenticated 2xx on the route that show it is not meant to be public. */
  minAuthDownloads: 1,
  maxEndpoints: 20_000,
};

/**
 * Files (documents, spreadsheets, archives...) served with 2xx to callers with neither a principal nor an
 * API key; critical when one anonymous caller pulls them in bulk. Authenticated bulk exports are not reported.
 */
export const unauthenticatedFileDownload: Check<UnauthenticatedFileDownloadState, typeof thresholds> = {
  definition: {
    id: 'unauthenticated_file_download',
    title: 'Files downloadable without authentication',
    owasp: 'API2:2023',
    severity: 'high',
    fix: 'Require authentication on the download method (authorizer or API key) and check that the caller may read that file; serve private files through short-lived pre-signed URLs instead of a public route.',
    evidence: 'anonymous downloads and bytes in the window and in total, top anonymous caller and its count, sample IPs, file types',
    thresholds,
  },
  initialState: () => ({ endpoints: {} }),
  evaluate(win, state, t) {
    type Acc = { domain: string; method: string; route: string; perCaller: Map<string, number>; n: number; bytes: number; lastTs: number; uas: string[] };
    const routes = new Map<string, Acc>();
    for (const evs of win.byEndpoint.values()) {
      const { domainName: domain, method } = evs[0].ev;
      const template = evs[0].template!;
      if (method !== 'GET' && method !== 'HEAD' && method !== 'POST') continue;
      const route = downloadRouteOf(template);
      const key = `${domain} ${method} ${route}`;
      let fileLike: boolean | null = null;
      // The route's record, looked up once: only this loop creates it meanwhile (and then keeps it here).
      let known = state.endpoints[key];
      let fileTemplate: boolean | null = null;
      for (const r of evs) {
        if (!is2xx(r.status)) continue;
        if (r.authenticated) {
          // Remember that the route is used with credentials (routes known as file routes, or named like one).
          if (known) { known.authDownloads++; known.lastTs = r.ts; }
          else if ((fileTemplate ??= isFileEndpoint(template))) {
            known = state.endpoints[key] = { downloads: 0, authDownloads: 1, bytes: 0, ips: [], fileTypes: [], templates: [], lastTs: r.ts };
          }
          continue;
        }
        const ev = r.ev;
        if (fileLike === null) fileLike = isFileEndpoint(template, win.endpoints.endpointInfo(domain, method, template));
        const ext = fileExtensionOf(ev.path);
        if (!fileLike && !ext) continue;
        let a = routes.get(key);
        if (!a) routes.set(key, (a = { domain, method, route, perCaller: new Map(), n: 0, bytes: 0, lastTs: 0, uas: [] }));
        a.n++; a.bytes += ev.responseLength; a.lastTs = ev.ts;
        a.perCaller.set(ev.ip, (a.perCaller.get(ev.ip) ?? 0) + 1);
        addSample(a.uas, truncate(ev.userAgent, 80), 3);
        const s = (known ??= state.endpoints[key] = { downloads: 0, authDownloads: 0, bytes: 0, ips: [], fileTypes: [], templates: [], lastTs: 0 });
        s.downloads++; s.bytes += ev.responseLength; s.lastTs = ev.ts;
        addSample(s.ips, ev.ip, 5);
        addSample(s.templates, template, 5);
        if (ext) addSample(s.fileTypes, ext, 8);
      }
    }
    const out: Finding[] = [];
    for (const [key, a] of routes) {
      const { domain, method, route, perCaller, n, bytes, lastTs, uas } = a;
      const s = state.endpoints[key];
      if (s.downloads < t.minDownloads) continue;
      const [topIp, topCount] = [...perCaller].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))[0];
      const bulk = topCount >= t.bulkPerCaller || bytes >= t.bulkBytes;
      // Anonymous fetches of documents nobody fetches with credentials may be public content (a brochure PDF):
      // reported only in bulk, when the same route is also used authenticated, or for data-export file types.
      const dataFile = s.fileTypes.some((x) => DATA_FILE_TYPES.has(x));
      if (!bulk && s.authDownloads < t.minAuthDownloads && !dataFile) continue;
      out.push({
        type: this.definition.id, domain, method, template: route, count: n, ts: lastTs, severity: bulk ? 'critical' : 'high',
        evidence: {
          bulk, windowDownloads: n, windowBytes: bytes, anonymousCallersInWindow: perCaller.size, topCaller: { ip: topIp, downloads: topCount },
          totalDownloads: s.downloads, authenticatedDownloads: s.authDownloads, totalBytes: s.bytes, sampleIps: s.ips, fileTypes: s.fileTypes, templates: s.templates, sampleUserAgents: uas,
        },
      });
    }
    if (pruneDue(win)) capRecord(state.endpoints, t.maxEndpoints, (s) => s.lastTs);
    return out;
  },
};
