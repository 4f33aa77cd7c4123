import { useMemo } from 'preact/hooks';
import { Card, Chips, Empty, Method, Pill, Search, Select, Show, ShareBar, statusLabel, T, useLoad } from '../components/ui.tsx';
import { Table, type Column } from '../components/Table.tsx';
import { useSession } from '../context.ts';
import { dataWindow, endpointKey, type Endpoint } from '../data.ts';
import { hhmm, num, pct } from '../format.ts';
import { href, setParams } from '../router.ts';
import { PageHead } from './PageHead.tsx';

const SPEC = ['in_spec', 'shadow', 'deprecated', 'orphan', 'no_spec'];
const AUTH = [['', 'Any'], ['anonymous', 'Serves anonymous callers'], ['authenticated', 'Authenticated only']] as const satisfies ReadonlyArray<readonly [string, string]>;

export const endpointHref = (e: { domain_name: string; method: string; template: string }) => href(['inventory', e.domain_name, e.method, e.template]);

export function InventoryPage({ params }: { params: URLSearchParams }) {
  const { api } = useSession();
  const r = useLoad(async () => {
    const win = await dataWindow(api);
    return api.all<Endpoint>('/endpoints', { from: win.from, to: win.to });
  }, [api]);
  const f = { q: params.get('q') ?? '', domain: params.get('domain') ?? '', spec: params.get('spec') ?? '', kind: params.get('kind') ?? '', auth: params.get('auth') ?? '', files: params.get('files') ?? '' };
  const set = (k: keyof typeof f, v: string) => setParams(['inventory'], { ...f, [k]: v });

  return (
    <>
      <PageHead title="API inventory" sub="Every endpoint seen in the access logs, templated from concrete paths" />
      <Show r={r} label="Loading the inventory">
        {(all) => <Inventory all={all} f={f} set={set} />}
      </Show>
    </>
  );
}

function Inventory({ all, f, set }: { all: Endpoint[]; f: Record<'q' | 'domain' | 'spec' | 'kind' | 'auth' | 'files', string>; set: (k: 'q' | 'domain' | 'spec' | 'kind' | 'auth' | 'files', v: string) => void }) {
  const domains = useMemo(() => [...new Set(all.map((e) => e.domain_name))].sort(), [all]);
  const kinds = useMemo(() => [...new Set(all.flatMap((e) => e.sensitive_types ?? []))].sort(), [all]);
  const q = f.q.trim().toLowerCase();
  const rows = all.filter((e) =>
    (!q || `${e.method} ${e.domain_name}${e.template}`.toLowerCase().includes(q)) &&
    (!f.domain || e.domain_name === f.domain) &&
    (!f.spec || e.spec_status === f.spec) &&
    (!f.kind || (e.sensitive_types ?? []).includes(f.kind)) &&
    (!f.auth || (f.auth === 'anonymous' ? e.unauth_requests > 0 : e.unauth_requests === 0)) &&
    (!f.files || e.is_file_asset));
  const columns: Column<Endpoint>[] = [
    { key: 'method', label: 'Method', render: (e) => <Method m={e.method} />, sort: (e) => e.method, width: '84px' },
    { key: 'template', label: 'Endpoint', render: (e) => <span class="ep"><a class="mono" href={endpointHref(e)} onClick={(ev) => ev.stopPropagation()}><T v={e.template} /></a><small><T v={e.domain_name} /></small></span>, sort: (e) => `${e.template} ${e.domain_name}` },
    { key: 'requests', label: 'Requests', align: 'right', render: (e) => num(e.request_count), sort: (e) => e.request_count },
    { key: 'callers', label: 'Callers', align: 'right', render: (e) => num(e.distinct_callers), sort: (e) => e.distinct_callers },
    { key: 'errors', label: '4xx / 5xx', align: 'right', render: (e) => <span class={e.status_5xx / Math.max(e.request_count, 1) > 0.02 ? 'bad' : ''}>{pct(e.status_4xx, e.request_count)} / {pct(e.status_5xx, e.request_count)}</span>, sort: (e) => (e.status_4xx + e.status_5xx) / Math.max(e.request_count, 1) },
    {
      key: 'auth', label: 'Auth', render: (e) => (
        <span class="auth-cell">
          <ShareBar label="Authenticated vs anonymous requests" parts={[{ label: 'Authenticated', value: e.auth_requests, color: '#0d9488' }, { label: 'Anonymous', value: e.unauth_requests, color: '#f97316' }]} />
          <small>{pct(e.auth_requests, e.auth_requests + e.unauth_requests)}</small>
        </span>
      ), sort: (e) => e.auth_requests / Math.max(e.auth_requests + e.unauth_requests, 1),
    },
    { key: 'sensitive', label: 'Sensitive', render: (e) => <>{e.is_file_asset && <span class="chip chip-file">files</span>}<Chips items={e.sensitive_types} tone="sens" empty={e.is_file_asset ? '' : '–'} /></>, sort: (e) => (e.sensitive_types?.length ?? 0) + (e.is_file_asset ? 1 : 0) },
    { key: 'spec', label: 'Spec', render: (e) => <Pill kind="spec" s={e.spec_status} />, sort: (e) => e.spec_status },
    { key: 'last', label: 'Last seen (UTC)', render: (e) => <span class="nowrap">{e.last_seen.slice(5, 10)} {hhmm(e.last_seen)}</span>, sort: (e) => e.last_seen },
  ];
  const active = Object.values(f).some(Boolean);
  return (
    <Card>
      <form class="filters" role="search" onSubmit={(e) => e.preventDefault()}>
        <Search label="Search" value={f.q} placeholder="Path, method or domain" onInput={(v) => set('q', v)} />
        <Select label="Domain" value={f.domain} onChange={(v) => set('domain', v)} options={domains} any="All domains" />
        <Select label="Spec status" value={f.spec} onChange={(v) => set('spec', v)} options={SPEC} show={statusLabel} />
        <Select label="Sensitive kind" value={f.kind} onChange={(v) => set('kind', v)} options={kinds} />
        <Select label="Authentication" value={f.auth} onChange={(v) => set('auth', v)} options={AUTH} any={false} />
        <label class="check">
          <input type="checkbox" checked={!!f.files} onChange={(e) => set('files', (e.target as HTMLInputElement).checked ? '1' : '')} /> File downloads only
        </label>
      </form>
      <p class="count" aria-live="polite">
        {rows.length === all.length ? `${num(all.length)} endpoints` : `${num(rows.length)} of ${num(all.length)} endpoints`}
        {active && <button type="button" class="link" onClick={() => setParams(['inventory'], {})}>Clear filters</button>}
      </p>
      {rows.length ? (
        <Table label="Endpoints" rows={rows} columns={columns} rowKey={endpointKey} initialSort={{ key: 'requests', dir: 'desc' }} onOpen={(e) => { location.hash = endpointHref(e); }} />
      ) : <Empty title={all.length ? 'No endpoint matches these filters' : 'No endpoints in the lake yet'}>{all.length ? 'Clear a filter to see more.' : 'Replay access logs first: apiscope replay --input FILE --out DIR'}</Empty>}
    </Card>
  );
}
