import { Card, Empty, Method, Pill, Search, Select, Severity, Show, statusLabel, T, useLoad } from '../components/ui.tsx';
import { Table, type Column } from '../components/Table.tsx';
import { useSession } from '../context.ts';
import { CLOSED_TRIAGE, type Defect } from '../data.ts';
import { hhmm, num, OWASP_NAMES, SEVERITIES, shown } from '../format.ts';
import { href, setParams } from '../router.ts';
import { PageHead } from './PageHead.tsx';

const SEV_RANK = Object.fromEntries(SEVERITIES.map((s, i) => [s, i]));
import { TRIAGE_STATUSES as TRIAGE } from '../../../shared/triage/transitions.ts';

export function DefectsPage({ params }: { params: URLSearchParams }) {
  const { api } = useSession();
  const f = {
    status: params.get('status') ?? '', triage: params.get('triage') ?? '', severity: params.get('severity') ?? '', domain: params.get('domain') ?? '',
    owasp: params.get('owasp') ?? '', q: params.get('q') ?? '', open: params.get('open') ?? '',
  };
  const set = (k: keyof typeof f, v: string) => setParams(['defects'], { ...f, [k]: v });
  // Status and triage filters go to the API (it knows the triage store); the rest filter the page.
  const r = useLoad(() => api.all<Defect>('/defects', { status: f.status, triageStatus: f.triage }), [api, f.status, f.triage]);

  return (
    <>
      <PageHead title="Defects" sub="Weaknesses the traffic shows, mapped to the OWASP API Security Top 10 (2023)" />
      <Show r={r} label="Loading defects">
        {(all) => {
          const q = f.q.trim().toLowerCase();
          const rows = all.filter((d) =>
            (!f.severity || d.severity === f.severity) && (!f.domain || d.domain_name === f.domain) && (!f.owasp || d.owasp === f.owasp) &&
            (!f.open || (d.status !== 'resolved' && !CLOSED_TRIAGE.includes(d.triage?.status ?? 'open'))) &&
            (!q || `${d.title} ${d.defect_type} ${d.method} ${d.template} ${d.triage?.owner ?? ''}`.toLowerCase().includes(q)));
          const domains = [...new Set(all.map((d) => d.domain_name))].sort();
          const owasp = [...new Set(all.map((d) => d.owasp))].sort();
          const columns: Column<Defect>[] = [
            { key: 'severity', label: 'Severity', render: (d) => <Severity s={d.severity} />, sort: (d) => 9 - (SEV_RANK[d.severity] ?? 9), width: '96px' },
            { key: 'title', label: 'Defect', render: (d) => <span class="ep"><a href={href(['defects', d.defect_id])} onClick={(e) => e.stopPropagation()}><T v={d.title} /></a><small><Method m={d.method} /> <span class="mono"><T v={d.template} /></span></small></span>, sort: (d) => d.title },
            { key: 'owasp', label: 'OWASP', render: (d) => <span title={OWASP_NAMES[d.owasp]}>{shown(d.owasp).replace(':2023', '')}</span>, sort: (d) => Number(d.owasp.slice(3, d.owasp.indexOf(':'))) },
            { key: 'occ', label: 'Occurrences', align: 'right', render: (d) => num(d.occurrences), sort: (d) => d.occurrences },
            { key: 'life', label: 'Traffic', render: (d) => <Pill kind="life" s={d.status} />, sort: (d) => d.status },
            { key: 'triage', label: 'Triage', render: (d) => <Pill kind="triage" s={d.triage?.status ?? 'open'} />, sort: (d) => d.triage?.status ?? 'open' },
            { key: 'owner', label: 'Owner', render: (d) => (d.triage?.owner ? <T v={d.triage.owner} /> : <span class="muted">unassigned</span>), sort: (d) => d.triage?.owner ?? '' },
            { key: 'last', label: 'Last seen (UTC)', render: (d) => <span class="nowrap">{d.last_seen.slice(5, 10)} {hhmm(d.last_seen)}</span>, sort: (d) => d.last_seen },
          ];
          return (
            <Card>
              <form class="filters" role="search" onSubmit={(e) => e.preventDefault()}>
                <Search label="Search" value={f.q} placeholder="Title, path or owner" onInput={(v) => set('q', v)} />
                <Select label="Severity" value={f.severity} onChange={(v) => set('severity', v)} options={SEVERITIES} />
                <Select label="Traffic status" value={f.status} onChange={(v) => set('status', v)} options={['open', 'reopened', 'resolved']} />
                <Select label="Triage" value={f.triage} onChange={(v) => set('triage', v)} options={TRIAGE} show={statusLabel} />
                <Select label="OWASP" value={f.owasp} onChange={(v) => set('owasp', v)} options={owasp} show={(o) => `${shown(o)} ${OWASP_NAMES[o] ?? ''}`} />
                <Select label="Domain" value={f.domain} onChange={(v) => set('domain', v)} options={domains} any="All domains" />
                <label class="check"><input type="checkbox" checked={!!f.open} onChange={(e) => set('open', (e.target as HTMLInputElement).checked ? '1' : '')} /> Needs work only</label>
              </form>
              <p class="count" aria-live="polite">{rows.length === all.length ? `${num(all.length)} defects` : `${num(rows.length)} of ${num(all.length)} defects`}</p>
              {rows.length ? (
                <Table label="Defects" rows={rows} columns={columns} rowKey={(d) => d.defect_id} initialSort={{ key: 'severity', dir: 'desc' }} onOpen={(d) => { location.hash = href(['defects', d.defect_id]); }}
                  rowClass={(d) => (CLOSED_TRIAGE.includes(d.triage?.status ?? 'open') ? 'dim' : '')} />
              ) : <Empty title={all.length ? 'No defect matches these filters' : 'No defects found'}>{all.length ? 'Clear a filter to see more.' : 'The defect checks found nothing in this lake.'}</Empty>}
            </Card>
          );
        }}
      </Show>
    </>
  );
}
