import { ChartView } from '../components/Chart.tsx';
import { Card, Kpi, Method, Severity, Show, T, useLoad, Empty } from '../components/ui.tsx';
import { useSession } from '../context.ts';
import { byActor, dataWindow, timeBuckets, isOpenDefect, type Defect, type Endpoint, type RiskEvent } from '../data.ts';
import { hhmm, num, OWASP_NAMES, pct, SEVERITIES, SEVERITY_COLOR, STATUS_COLOR, when } from '../format.ts';
import { href } from '../router.ts';
import { PageHead } from './PageHead.tsx';

export function OverviewPage() {
  const { api } = useSession();
  const r = useLoad(async () => {
    const win = await dataWindow(api);
    const [endpoints, defects, risk] = await Promise.all([
      api.all<Endpoint>('/endpoints', { from: win.from, to: win.to }),
      api.all<Defect>('/defects'),
      api.all<RiskEvent>('/risk-events', { from: win.from, to: win.to }),
    ]);
    return { win, endpoints, defects, risk };
  }, [api]);

  return (
    <>
      <PageHead title="Overview" sub={r.data ? <>Last 7 days of event time, up to {when(r.data.win.end)}</> : 'What your API Gateway traffic shows'} />
      <Show r={r} label="Loading the overview">
        {({ win, endpoints, defects, risk }) => {
          const open = defects.filter(isOpenDefect);
          const bySev = SEVERITIES.map((s) => open.filter((d) => d.severity === s).length);
          const requests = win.traffic.reduce((s, t) => s + t.requests, 0);
          const errors = win.traffic.reduce((s, t) => s + t.status_5xx, 0);
          const denied = win.traffic.reduce((s, t) => s + t.status_4xx, 0);
          const actors = byActor(risk);
          const incidents = new Set(risk.map((e) => e.incident_id).filter(Boolean)).size;
          const notInSpec = endpoints.filter((e) => e.spec_status !== 'in_spec').length;
          const sensitive = endpoints.filter((e) => e.sensitive_types?.length).length;
          const owasp = [...new Set(open.map((d) => d.owasp))].sort((a, b) => Number(a.slice(3, a.indexOf(':'))) - Number(b.slice(3, b.indexOf(':'))));
          const traffic = win.traffic;
          const rb = timeBuckets(risk, SEVERITIES, (e) => e.severity, (s) => s[0].toUpperCase() + s.slice(1), (s) => SEVERITY_COLOR[s]);
          const high = actors.filter((a) => a.score >= 70).length;
          return (
            <>
              <div class="kpis">
                <Kpi label="Endpoints" value={num(endpoints.length)} sub={<>{num(notInSpec)} not in a spec · {num(sensitive)} carry sensitive data</>} href="#/inventory" />
                <Kpi label="Requests" value={num(requests)} sub={<>{pct(denied, requests)} 4xx · {pct(errors, requests)} 5xx</>} />
                <Kpi label="Open defects" value={num(open.length)} tone={bySev[0] + bySev[1] ? 'bad' : 'ok'} sub={<>{num(bySev[0])} critical · {num(bySev[1])} high</>} href="#/defects" />
                <Kpi label="Risky callers" value={num(actors.length)} tone={high ? 'warn' : 'ok'} sub={<>{num(high)} scored 70+ · {num(incidents)} incidents</>} href="#/risk" />
              </div>
              <div class="grid-2-1">
                <Card title="Requests per hour" sub="By response class; each bar is the hour ending at its label">
                  {traffic.length ? (
                    <ChartView
                      type="bar" stacked integer label="Requests per hour by status class" x="Hour ending (UTC)" y="Requests" height={260}
                      labels={traffic.map((t) => (traffic.length > 48 ? `${t.at.slice(5, 10)} ${hhmm(t.at)}` : hhmm(t.at)))}
                      series={[
                        { label: '2xx', data: traffic.map((t) => t.status_2xx), color: STATUS_COLOR.status_2xx },
                        { label: '3xx', data: traffic.map((t) => t.status_3xx), color: STATUS_COLOR.status_3xx },
                        { label: '4xx', data: traffic.map((t) => t.status_4xx), color: STATUS_COLOR.status_4xx },
                        { label: '5xx', data: traffic.map((t) => t.status_5xx), color: STATUS_COLOR.status_5xx },
                      ].filter((s) => s.data.some((v) => v > 0))}
                    />
                  ) : <Empty title="No traffic in the lake yet">Endpoint snapshots appear after the first hour of logs.</Empty>}
                </Card>
                <Card title="Open defects by severity" sub="Untriaged or in work; resolved, fixed and dismissed ones left out">
                  {open.length ? (
                    <ChartView
                      type="doughnut" label="Open defects by severity" height={260}
                      labels={SEVERITIES.filter((_, i) => bySev[i]).map((s) => s[0].toUpperCase() + s.slice(1))}
                      series={[{ label: 'Defects', data: bySev.filter(Boolean), color: SEVERITIES.filter((_, i) => bySev[i]).map((s) => SEVERITY_COLOR[s]) }]}
                      onPick={(i) => { location.hash = href(['defects'], { severity: SEVERITIES.filter((_, j) => bySev[j])[i], open: '1' }); }}
                    />
                  ) : <Empty title="No open defects">Every defect is resolved or triaged.</Empty>}
                </Card>
              </div>
              <div class="grid-2-1">
                <Card title="Risk events over time" sub={`Caller windows that scored as risky, by severity (${rb.step > 900_000 ? 'hourly' : '15-minute'} buckets)`}>
                  {rb.series.length ? <ChartView type="bar" stacked integer label="Risk events over time by severity" x="Window start (UTC)" y="Risky caller windows" labels={rb.labels} series={rb.series} height={240} /> : <Empty title="No risky callers in these 7 days" />}
                </Card>
                <Card title="Open defects by OWASP API Top 10" sub="2023 edition">
                  {owasp.length ? (
                    <ChartView
                      type="bar" horizontal integer label="Open defects by OWASP category" x="Defects" y="OWASP category" height={240}
                      labels={owasp.map((o) => o.replace(':2023', ''))}
                      series={[{ label: 'Open defects', data: owasp.map((o) => open.filter((d) => d.owasp === o).length), color: '#1d4ed8' }]}
                    />
                  ) : <Empty title="No open defects" />}
                  {owasp.length > 0 && <ul class="legend-list">{owasp.map((o) => <li key={o}><b>{o.replace(':2023', '')}</b> {OWASP_NAMES[o] ?? ''}</li>)}</ul>}
                </Card>
              </div>
              <div class="grid-2">
                <Card title="Riskiest callers" actions={<a class="btn btn-ghost" href="#/risk">All callers →</a>}>
                  {actors.length ? (
                    <ul class="rank">
                      {actors.slice(0, 6).map((a) => (
                        <li key={`${a.actor_type}:${a.actor}`}>
                          <a href={href(['risk', 'actor', a.actor_type, a.actor])}>
                            <span class={`score score-${a.score >= 85 ? 'crit' : a.score >= 70 ? 'high' : 'mid'}`}>{a.score}</span>
                            <span class="rank-main"><b class="mono"><T v={a.actor} /></b><small>{a.actor_type} · <T v={a.scenario} /></small></span>
                            <span class="rank-side">{a.windows.length} window{a.windows.length === 1 ? '' : 's'}</span>
                          </a>
                        </li>
                      ))}
                    </ul>
                  ) : <Empty title="No risky callers" />}
                </Card>
                <Card title="Top open defects" actions={<a class="btn btn-ghost" href="#/defects">All defects →</a>}>
                  {open.length ? (
                    <ul class="rank">
                      {open.slice(0, 6).map((d) => (
                        <li key={d.defect_id}>
                          <a href={href(['defects', d.defect_id])}>
                            <Severity s={d.severity} />
                            <span class="rank-main"><b><T v={d.title} /></b><small><Method m={d.method} /> <span class="mono"><T v={d.template} /></span></small></span>
                            <span class="rank-side">{d.owasp.replace(':2023', '')}</span>
                          </a>
                        </li>
                      ))}
                    </ul>
                  ) : <Empty title="No open defects" />}
                </Card>
              </div>
            </>
          );
        }}
      </Show>
    </>
  );
}
