import type { Check, Finding } from '../types.ts';
import { addSample, capRecord, is2xx, truncate } from '../util.ts';
import { fileExtensionOf, isFileEndpoint } from '../classifyEndpoint.ts';

export interface UnauthenticatedFileDownloadState {
  endpoints: Record<string, { downloads: number; bytes: number; ips: string[]; fileTypes: string[]; lastTs: number }>;
}

const thresholds = {
  /** Anonymous successful downloads (lifetime) before the endpoint is reported. */
  minDownloads: 3,
  /** One anonymous caller fetching this many files in a window is a bulk download (critical). */
  bulkPerCaller: 20,
  /** ...or this many bytes in a window. */
  bulkBytes: 100_000_000,
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
    const out: Finding[] = [];
    for (const [key, evs] of win.byEndpoint) {
      const { domainName: domain, method } = evs[0].ev;
      const template = evs[0].template!;
      if (method !== 'GET' && method !== 'HEAD' && method !== 'POST') continue;
      const info = win.endpoints.endpointInfo(domain, method, template);
      const perCaller = new Map<string, number>();
      let n = 0, bytes = 0, lastTs = 0;
      const uas: string[] = [];
      let fileLike: boolean | null = null;
      for (const r of evs) {
        const ev = r.ev;
        if (r.authenticated || !is2xx(ev.status)) continue;
        if (fileLike === null) fileLike = isFileEndpoint(template, info);
        const ext = fileExtensionOf(ev.path);
        if (!fileLike && !ext) continue;
        n++; bytes += ev.responseLength; lastTs = ev.ts;
        perCaller.set(ev.ip, (perCaller.get(ev.ip) ?? 0) + 1);
        addSample(uas, truncate(ev.userAgent, 80), 3);
        const s = (state.endpoints[key] ??= { downloads: 0, bytes: 0, ips: [], fileTypes: [], lastTs: 0 });
        s.downloads++; s.bytes += ev.responseLength; s.lastTs = ev.ts;
        addSample(s.ips, ev.ip, 5);
        if (ext) addSample(s.fileTypes, ext, 8);
      }
      if (n === 0) continue;
      const s = state.endpoints[key];
      if (s.downloads < t.minDownloads) continue;
      const [topIp, topCount] = [...perCaller].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))[0];
      const bulk = topCount >= t.bulkPerCaller || bytes >= t.bulkBytes;
      out.push({
        type: this.definition.id, domain, method, template, count: n, ts: lastTs, severity: bulk ? 'critical' : 'high',
        evidence: {
          bulk, windowDownloads: n, windowBytes: bytes, anonymousCallersInWindow: perCaller.size, topCaller: { ip: topIp, downloads: topCount },
          totalDownloads: s.downloads, totalBytes: s.bytes, sampleIps: s.ips, fileTypes: s.fileTypes, sampleUserAgents: uas,
        },
      });
    }
    capRecord(state.endpoints, t.maxEndpoints, (s) => s.lastTs);
    return out;
  },
};
