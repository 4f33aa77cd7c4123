import { ChartView } from '../components/Chart.tsx';
import { Card, Chips, Empty, Pill, Search, Select, Show, statusLabel, T, useLoad } from '../components/ui.tsx';
import { TRIAGE_STATUSES } from '../../../shared/triage/transitions.ts';
import { Table, type Column } from '../components/Table.tsx';
import { useSession } from '../context.ts';
import { byActor, dataWindow, timeBuckets, type ActorRisk, type RiskEvent } from '../data.ts';
import { hhmm, num, SEVERITIES, shown, when, words } from '../format.ts';
import { href, setParams } from '../router.ts';
import { PageHead } from './PageHead.tsx';

const ACTOR_TYPES = ['ip', 'principal', 'api_key', 'ua_fingerprint'];
const TYPE_LABEL: Record<string, string> = { ip: 'IP address', principal: 'Principal', api_key: 'API key', ua_fingerprint: 'Client fingerprint' };
export const actorTypeLabel = (t: string) => TYPE_LABEL[t] ?? shown(t);
const PALETTE = ['#1d4ed8', '#dc2626', '#0d9488', '#d97706', '#7c3aed', '#db2777', '#4b5563', '#65a30d'];

export const actorHref = (a: { actor_type: string; actor: string }) => href(['risk', 'actor', a.actor_type, a.actor]);
export const Score = ({ s }: { s: number }) => <span class={`score score-${s >= 85 ? 'crit' : s >= 70 ? 'high' : 'mid'}`} title="Risk score 0-100">{s}</span>;

export function RiskPage({ params }: { params: URLSearchParams }) {
  const { api } = useSession();
  const f = {
    minScore: params.get('minScore') ?? '', severity: params.get('severity') ?? '', actorType: params.get('actorType') ?? '', scenario: params.get('scenario') ?? '',
    triage: params.get('triage') ?? '', domain: params.get('domain') ?? '', q: params.get('q') ?? '',
  };
  const set = (k: keyof typeof f, v: string) => setParams(['risk'], { ...f, [k]: v });
  const r = useLoad(async () => {
    const win = await dataWindow(api);
    const events = await api.all<RiskEvent>('/risk-events', { from: win.from, to: win.to, minScore: f.minScore, severity: f.severity, actorType: f.actorType, triageStatus: f.triage, domain: f.domain });
    return { win, events };
  }, [api, f.minScore, f.severity, f.actorType, f.triage, f.domain]);

  return (
    <>
      <PageHead title="Risky callers" sub="Callers whose behaviour scored as risky, with the detectors and evidence behind each score" />
      <Show r={r} label="Loading risk events">
        {({ win, events }) => {
          const scenarios = [...new Set(events.map((e) => e.scenario))].sort();
          const q = f.q.trim().toLowerCase();
          const shownEvents = events.filter((e) => (!f.scenario || e.scenario === f.scenario) && (!q || e.actor.toLowerCase().includes(q)));
          const actors = byActor(shownEvents);
          const chart = shownEvents.length ? timeBuckets(shownEvents, scenarios, (e) => e.scenario, (s) => words(shown(s)), (_, i) => PALETTE[i % PALETTE.length]) : undefined;
          const triageOf = (a: ActorRisk) => a.windows.find((w) => w.triage)?.triage?.status ?? 'open';
          const columns: Column<ActorRisk>[] = [
            { key: 'score', label: 'Score', render: (a) => <Score s={a.score} />, sort: (a) => a.score, width: '70px' },
            { key: 'actor', label: 'Caller', render: (a) => <span class="ep"><a class="mono" href={actorHref(a)} onClick={(e) => e.stopPropagation()}><T v={a.actor} /></a><small>{actorTypeLabel(a.actor_type)}</small></span>, sort: (a) => a.actor },
            { key: 'scenario', label: 'Looks like', render: (a) => words(shown(a.scenario)), sort: (a) => a.scenario },
            { key: 'detectors', label: 'Detectors', render: (a) => <Chips items={a.detectors.map((d) => words(shown(d)))} /> },
            { key: 'windows', label: 'Windows', align: 'right', render: (a) => num(a.windows.length), sort: (a) => a.windows.length },
            { key: 'when', label: 'Active (UTC)', render: (a) => <span class="nowrap">{a.first.slice(5, 10)} {hhmm(a.first)}–{hhmm(a.last)}</span>, sort: (a) => a.first },
            { key: 'triage', label: 'Incident', render: (a) => <Pill kind="triage" s={triageOf(a)} />, sort: (a) => triageOf(a) },
          ];
          const campaigns = scenarios.map((s) => {
            const ev = events.filter((e) => e.scenario === s);
            const who = byActor(ev);
            return { s, callers: who.length, windows: ev.length, max: Math.max(...ev.map((e) => e.score)), first: ev.reduce((m, e) => (e.window_start < m ? e.window_start : m), ev[0].window_start), last: ev.reduce((m, e) => (e.window_end > m ? e.window_end : m), ev[0].window_end) };
          }).sort((a, b) => b.max - a.max || b.callers - a.callers);
          return (
            <>
              {campaigns.length > 0 && (
                <div class="scenarios" role="group" aria-label="Filter by scenario">
                  {campaigns.map((c) => (
                    <button type="button" key={c.s} class={`scenario ${f.scenario === c.s ? 'on' : ''}`} aria-pressed={f.scenario === c.s} onClick={() => set('scenario', f.scenario === c.s ? '' : c.s)}>
                      <span class="scenario-top"><Score s={c.max} /><b>{words(shown(c.s))}</b></span>
                      <span class="scenario-sub">{num(c.callers)} caller{c.callers === 1 ? '' : 's'} · {num(c.windows)} windows · {hhmm(c.first)}–{hhmm(c.last)} UTC</span>
                    </button>
                  ))}
                </div>
              )}
              <Card title="Risk events over time" sub={`By the attack scenario each window most resembles · ${when(win.from).slice(0, 10)} to ${when(win.end)}`}>
                {chart ? <ChartView type="bar" stacked integer label="Risk events over time by scenario" x="Window start (UTC)" y="Risky caller windows" labels={chart.labels} series={chart.series} height={220} /> : <Empty title="No risk events match" />}
              </Card>
              <Card>
                <form class="filters" role="search" onSubmit={(e) => e.preventDefault()}>
                  <Search label="Search caller" value={f.q} placeholder="IP, principal, key" onInput={(v) => set('q', v)} />
                  <Select label="Minimum score" value={f.minScore} onChange={(v) => set('minScore', v)} options={[['50', '50+'], ['70', '70+'], ['85', '85+']]} />
                  <Select label="Severity" value={f.severity} onChange={(v) => set('severity', v)} options={SEVERITIES} />
                  <Select label="Caller type" value={f.actorType} onChange={(v) => set('actorType', v)} options={ACTOR_TYPES} show={actorTypeLabel} />
                  <Select label="Scenario" value={f.scenario} onChange={(v) => set('scenario', v)} options={scenarios} show={(s) => words(shown(s))} />
                  <Select label="Incident triage" value={f.triage} onChange={(v) => set('triage', v)} options={TRIAGE_STATUSES} show={statusLabel} />
                </form>
                <p class="count" aria-live="polite">{num(actors.length)} callers · {num(shownEvents.length)} risky windows</p>
                {actors.length ? <Table label="Risky callers" rows={actors} columns={columns} rowKey={(a) => `${a.actor_type}:${a.actor}`} initialSort={{ key: 'score', dir: 'desc' }} pageSize={20} onOpen={(a) => { location.hash = actorHref(a); }} />
                  : <Empty title="No risky callers match these filters" />}
              </Card>
            </>
          );
        }}
      </Show>
    </>
  );
}
