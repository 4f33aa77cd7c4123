import { ChartView } from '../components/Chart.tsx';
import { Card, Chips, Dl, Empty, Kpi, Method, Pill, Severity, Show, ShareBar, T, useLoad } from '../components/ui.tsx';
import { useSession } from '../context.ts';
import { dataWindow, type Defect, type Endpoint } from '../data.ts';
import { bytes, num, pct, shown, STATUS_COLOR, when, words } from '../format.ts';
import { href } from '../router.ts';
import { PageHead } from './PageHead.tsx';

/**
 * The API's templatePrefix takes printable ASCII only; a template holding anything else (an attacker's
 * path with an ESC or a space) is asked for by its printable start and matched exactly here.
 */
export function printablePrefix(t: string): string {
  const i = t.search(/[^\x21-\x7e]/);
  return (i < 0 ? t : t.slice(0, i)).slice(0, 512);
}

type Row = Record<string, unknown>;

export function EndpointPage({ domain, method, template }: { domain: string; method: string; template: string }) {
  const { api } = useSession();
  const r = useLoad(async () => {
    const win = await dataWindow(api);
    const q = { domain, templatePrefix: printablePrefix(template) || '/' };
    const same = <T extends { method?: unknown; template?: unknown }>(rows: T[]) => rows.filter((x) => x.template === template && (x.method === undefined || x.method === method));
    const [eps, defects, files, changes] = await Promise.all([
      api.all<Endpoint>('/endpoints', q),
      api.all<Defect>('/defects', q),
      api.all<Row>('/file-assets', q),
      api.all<Row>('/endpoint-changes', q),
    ]);
    return { win, ep: same(eps)[0], defects: same(defects), files: same(files), changes: same(changes) };
  }, [api, domain, method, template]);

  return (
    <Show r={r} label="Loading the endpoint">
      {({ ep, defects, files, changes }) => {
        if (!ep) return <><PageHead title="Endpoint not found" back={{ href: '#/inventory', label: 'Inventory' }} /><Empty title="This endpoint is not in the inventory">It may have been renamed by discovery, or the lake was replaced.</Empty></>;
        const total = ep.request_count;
        const params = Object.entries(ep.param_types ?? {});
        const file = fileSummary(files);
        return (
          <>
            <PageHead
              back={{ href: '#/inventory', label: 'Inventory' }}
              title={<span class="ep-title"><Method m={ep.method} /> <span class="mono"><T v={ep.template} /></span></span>}
              sub={<><T v={ep.domain_name} /> · first seen {when(ep.first_seen)} · last seen {when(ep.last_seen)}</>}
              actions={<><Pill kind="spec" s={ep.spec_status} /><span class="chip">{ep.source === 'verified' ? 'Verified template' : 'Inferred template'}</span></>}
            />
            <div class="kpis">
              <Kpi label="Requests" value={num(total)} sub={`since ${when(ep.first_seen).slice(0, 10)}`} />
              <Kpi label="Distinct callers" value={num(ep.distinct_callers)} sub="approximate" />
              <Kpi label="Anonymous requests" value={pct(ep.unauth_requests, ep.auth_requests + ep.unauth_requests)} tone={ep.unauth_requests ? 'warn' : 'ok'} sub={`${num(ep.unauth_requests)} with no principal or API key`} />
              <Kpi label="Server errors" value={pct(ep.status_5xx, total)} tone={ep.status_5xx / Math.max(total, 1) > 0.02 ? 'bad' : 'none'} sub={`5xx responses · ${pct(ep.status_4xx, total)} were 4xx`} />
            </div>
            <div class="grid-2">
              <Card title="Status mix" sub="Responses by class since first seen">
                <ChartView
                  type="bar" horizontal integer label="Responses by status class" x="Responses" y="Status class" height={170}
                  labels={['2xx', '3xx', '4xx', '5xx']}
                  series={[{ label: 'Responses', data: [ep.status_2xx, ep.status_3xx, ep.status_4xx, ep.status_5xx], color: [STATUS_COLOR.status_2xx, STATUS_COLOR.status_3xx, STATUS_COLOR.status_4xx, STATUS_COLOR.status_5xx] }]}
                />
              </Card>
              <Card title="Callers" sub="Who calls it, by credential">
                <ShareBar label="Authenticated vs anonymous requests" parts={[{ label: 'Authenticated', value: ep.auth_requests, color: '#0d9488' }, { label: 'Anonymous', value: ep.unauth_requests, color: '#f97316' }]} />
                <Dl rows={[
                  ['Authenticated requests', <>{num(ep.auth_requests)} <span class="muted">({pct(ep.auth_requests, ep.auth_requests + ep.unauth_requests)})</span></>],
                  ['Anonymous requests', <>{num(ep.unauth_requests)} <span class="muted">({pct(ep.unauth_requests, ep.auth_requests + ep.unauth_requests)})</span></>],
                  ['Distinct callers', num(ep.distinct_callers)],
                  ['Response size', <>p50 {bytes(ep.resp_bytes_p50)} · max {bytes(ep.resp_bytes_max)}</>],
                ]} />
                <p class="muted small">Risky callers of this domain: <a href={href(['risk'], { domain: ep.domain_name })}>see Risk</a></p>
              </Card>
            </div>
            <div class="grid-2">
              <Card title="Parameters" sub="Path parameters and the type inferred from their values">
                {params.length ? (
                  <table class="table compact" aria-label="Parameters">
                    <thead><tr><th scope="col">Parameter</th><th scope="col">Inferred type</th></tr></thead>
                    <tbody>{params.map(([k, v]) => <tr key={k}><td class="mono">{'{'}<T v={k} />{'}'}</td><td><span class="chip"><T v={v} /></span></td></tr>)}</tbody>
                  </table>
                ) : <Empty title="No path parameters">This endpoint's path is fixed.</Empty>}
              </Card>
              <Card title="Sensitive data" sub="Kinds seen in the path or query (values are masked or hashed, never stored)">
                {ep.sensitive_types?.length ? <Chips items={ep.sensitive_types} tone="sens" /> : <Empty title="No sensitive data seen" />}
                {ep.is_file_asset && <p class="small">Serves files: <Chips items={ep.file_types} tone="file" /></p>}
              </Card>
            </div>
            {(ep.is_file_asset || file) && <FileAsset file={file} />}
            <div class="grid-2">
              <Card title="Defects on this endpoint">
                {defects.length ? (
                  <ul class="rank">
                    {defects.map((d) => (
                      <li key={d.defect_id}>
                        <a href={href(['defects', d.defect_id])}>
                          <Severity s={d.severity} />
                          <span class="rank-main"><b><T v={d.title} /></b><small>{d.owasp} · {d.status}</small></span>
                          <Pill kind="triage" s={d.triage?.status ?? 'open'} />
                        </a>
                      </li>
                    ))}
                  </ul>
                ) : <Empty title="No defects found on this endpoint" />}
              </Card>
              <Card title="Changes" sub="Discovery's merges, splits and renames of this endpoint, and when it was added or removed">
                {changes.length ? (
                  <ol class="timeline">
                    {changes.map((c, i) => (
                      <li key={i}>
                        <time>{when(c.changed_at)}</time>
                        <span><b>{words(String(c.change ?? ''))}</b>{c.reason ? <> · {words(String(c.reason))}</> : null}</span>
                        {beforeOf(c) || c.after_template ? <span class="mono small"><T v={beforeOf(c) || '–'} /> → <T v={String(c.after_template ?? '–')} /></span> : null}
                      </li>
                    ))}
                  </ol>
                ) : <Empty title="No changes recorded">Changes appear once the inventory has an earlier snapshot to compare with.</Empty>}
              </Card>
            </div>
          </>
        );
      }}
    </Show>
  );
}

/** The templates an endpoint was before a change (`before_templates`, an array in the lake). */
function beforeOf(c: Row): string {
  return Array.isArray(c.before_templates) ? c.before_templates.map(String).join(', ') : '';
}

/** What the file_assets rows of one endpoint (one per UTC day) add up to over the last 30 of them. */
interface FileSummary { downloads: number; unauth: number; bytes: number; principalsPerDay: number; ipsPerDay: number; days: Array<{ day: string; downloads: number }>; principals: Array<{ who: string; n: number }>; ips: Array<{ who: string; n: number }>; types: string[] }

function fileSummary(rows: Row[]): FileSummary | undefined {
  if (!rows.length) return undefined;
  const byDay = [...rows].sort((a, b) => String(a.day).localeCompare(String(b.day))).slice(-30);
  const sum = (k: string) => byDay.reduce((n, r) => n + Number(r[k] ?? 0), 0);
  // Each day names its top downloaders with counts: summed over the days, the top of the month.
  const merge = (k: string) => {
    const m = new Map<string, number>();
    for (const r of byDay) { const v = r[k]; if (v && typeof v === 'object') for (const [who, n] of Object.entries(v as Record<string, unknown>)) m.set(who, (m.get(who) ?? 0) + Number(n)); }
    return [...m].map(([who, n]) => ({ who, n })).sort((a, b) => b.n - a.n || a.who.localeCompare(b.who)).slice(0, 10);
  };
  // Days without downloads have no row: the trend shows them as zero.
  const last = Date.parse(String(byDay[byDay.length - 1].day));
  const have = new Map(byDay.map((r) => [String(r.day), Number(r.downloads ?? 0)]));
  const days = Array.from({ length: 30 }, (_, i) => new Date(last - (29 - i) * 86_400_000).toISOString().slice(0, 10)).map((day) => ({ day, downloads: have.get(day) ?? 0 }));
  const types = [...new Set(byDay.flatMap((r) => (Array.isArray(r.file_types) ? r.file_types.map(String) : [])))];
  const most = (k: string) => byDay.reduce((n, r) => Math.max(n, Number(r[k] ?? 0)), 0);
  return { downloads: sum('downloads'), unauth: sum('unauth_downloads'), bytes: sum('bytes_total'), principalsPerDay: most('distinct_principals'), ipsPerDay: most('distinct_ips'), days, principals: merge('top_principals'), ips: merge('top_ips'), types };
}

function FileAsset({ file }: { file: FileSummary | undefined }) {
  if (!file) {
    return (
      <Card title="File downloads" sub="Files this endpoint serves and who takes them" id="file-asset">
        <Empty title="No file-asset record for this endpoint yet">Its inventory snapshot says it serves files; download counts, the 30-day trend and the flow across principals and IPs appear once a UTC day with downloads has ended (the file_assets table has a row per endpoint and day).</Empty>
      </Card>
    );
  }
  return (
    <Card title="File downloads" sub="Files this endpoint serves and who takes them, over its last 30 days with downloads" id="file-asset">
      <div class="kpis kpis-inline">
        <Kpi label="Downloads" value={num(file.downloads)} />
        <Kpi label="Anonymous downloads" value={num(file.unauth)} tone={file.unauth > 0 ? 'bad' : 'ok'} />
        <Kpi label="Downloaders in a day" value={num(file.principalsPerDay)} sub={`principals, at most; ${num(file.ipsPerDay)} IPs`} />
        <Kpi label="Bytes served" value={bytes(file.bytes)} />
      </div>
      <div class="grid-2 inner">
        <div>
          <h3>30-day trend</h3>
          <ChartView type="line" integer label="Downloads per day, last 30 days" x="Day (UTC)" y="Downloads" labels={file.days.map((d) => d.day.slice(5))} series={[{ label: 'Downloads', data: file.days.map((d) => d.downloads), color: '#7c3aed' }]} height={180} />
        </div>
        <div>
          <h3>Flow across principals and IPs</h3>
          {file.principals.length || file.ips.length ? (
            <div class="flow">
              <FlowList title="Principals" rows={file.principals} />
              <FlowList title="Source IPs" rows={file.ips} />
            </div>
          ) : <Empty title="No downloads by named callers" />}
        </div>
      </div>
    </Card>
  );
}

function FlowList({ title, rows }: { title: string; rows: Array<{ who: string; n: number }> }) {
  const max = Math.max(1, ...rows.map((r) => r.n));
  return (
    <div>
      <h4>{title}</h4>
      {rows.length ? <ul class="bars">{rows.slice(0, 10).map((r) => <li key={r.who}><span class="mono"><T v={r.who} /></span><i style={{ width: `${(100 * r.n) / max}%` }} /><b>{num(r.n)}</b></li>)}</ul> : <p class="muted small">none recorded</p>}
    </div>
  );
}
