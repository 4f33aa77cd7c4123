import { useEffect, useRef } from 'preact/hooks';
import {
  ArcElement, BarController, BarElement, CategoryScale, Chart, DoughnutController, Filler, Legend, LinearScale, LineController, LineElement, PointElement, Tooltip,
  type ChartConfiguration, type ChartType, type TooltipModel,
} from 'chart.js';

Chart.register(BarController, BarElement, LineController, LineElement, PointElement, DoughnutController, ArcElement, CategoryScale, LinearScale, Tooltip, Legend, Filler);
Chart.defaults.font.family = getComputedStyle(document.documentElement).getPropertyValue('--font').trim() || 'system-ui, sans-serif';
Chart.defaults.font.size = 12;
Chart.defaults.color = '#475569';
Chart.defaults.borderColor = '#e2e8f0';

export interface Series {
  label: string;
  data: number[];
  /** One colour, or one per label (doughnut slices). */
  color: string | string[];
}

export interface ChartProps {
  type: 'bar' | 'line' | 'doughnut';
  labels: string[];
  series: Series[];
  /** Axis titles as drawn: `x` under the chart, `y` at its left (for a horizontal bar chart `x` is the value axis). */
  x?: string;
  y?: string;
  stacked?: boolean;
  horizontal?: boolean;
  height?: number;
  /** What the chart shows, for screen readers and the figure caption. */
  label: string;
  /** Click on a bar or slice: its label's index. */
  onPick?: (index: number) => void;
  /** Integer counts (requests, events): ticks without fractions. */
  integer?: boolean;
}

/**
 * Chart.js on a canvas with an HTML tooltip (text nodes, positioned over the canvas) and a hidden data table
 * with the same numbers for screen readers. `data-drawn` is set once Chart.js has painted, with the axis
 * titles in `data-x` / `data-y`, which is what the browser test checks.
 */
export function ChartView(p: ChartProps) {
  const canvas = useRef<HTMLCanvasElement>(null);
  const tip = useRef<HTMLDivElement>(null);
  const box = useRef<HTMLDivElement>(null);

  useEffect(() => {
    const el = canvas.current!;
    const doughnut = p.type === 'doughnut';
    const axis = (title: string | undefined, stacked: boolean, value: boolean) => ({
      stacked,
      beginAtZero: value,
      title: { display: !!title, text: title ?? '', font: { weight: 600 as const }, color: '#334155' },
      grid: { display: value, color: '#eef2f7' },
      border: { display: false },
      ticks: value && p.integer ? { precision: 0 } : { autoSkipPadding: 12, maxRotation: 0 },
    });
    const cfg: ChartConfiguration<ChartType> = {
      type: p.type,
      data: {
        labels: p.labels,
        datasets: p.series.map((s) => ({
          label: s.label,
          data: s.data,
          ...(p.type === 'line' ? { pointRadius: 3, pointHoverRadius: 5, tension: 0, pointBackgroundColor: s.color } : {}),
          backgroundColor: p.type === 'line' && typeof s.color === 'string' ? `${s.color}1f` : s.color,
          borderColor: doughnut ? '#fff' : s.color,
          borderWidth: doughnut ? 2 : p.type === 'line' ? 2 : 0,
          borderRadius: p.type === 'bar' ? 3 : 0,
          maxBarThickness: 42,
          fill: p.type === 'line' ? 'origin' : false,
        })),
      },
      options: {
        responsive: true,
        maintainAspectRatio: false,
        animation: { duration: 250 },
        indexAxis: p.horizontal ? 'y' : 'x',
        interaction: { mode: doughnut ? 'nearest' : 'index', intersect: doughnut },
        onClick: p.onPick ? (_e, els) => { if (els[0]) p.onPick!(els[0].index); } : undefined,
        onHover: p.onPick ? (e, els) => { (e.native?.target as HTMLElement | null)?.style.setProperty('cursor', els.length ? 'pointer' : 'default'); } : undefined,
        plugins: {
          legend: { display: p.series.length > 1 || doughnut, position: doughnut ? 'right' : 'bottom', labels: { boxWidth: 10, boxHeight: 10, usePointStyle: true, pointStyle: 'rectRounded', padding: 14 } },
          tooltip: { enabled: false, external: ({ chart, tooltip }) => renderTip(tip.current!, chart.canvas, tooltip) },
        },
        scales: doughnut ? {} : {
          x: axis(p.x, !!p.stacked, !!p.horizontal),
          y: axis(p.y, !!p.stacked, !p.horizontal),
        },
        ...(doughnut ? { cutout: '62%' } : {}),
      },
      plugins: [{ id: 'drawn', afterRender: () => { box.current?.setAttribute('data-drawn', 'true'); } }],
    };
    const chart = new Chart(el, cfg);
    return () => chart.destroy();
  }, [JSON.stringify([p.type, p.labels, p.series, p.x, p.y, p.stacked, p.horizontal])]);

  return (
    <figure class="chart" ref={box} data-x={p.x} data-y={p.y} data-kind={p.type}>
      <div class="chart-canvas" style={{ height: `${p.height ?? 240}px` }}>
        <canvas ref={canvas} role="img" aria-label={p.label} />
        <div class="chart-tip" ref={tip} role="tooltip" hidden />
      </div>
      <figcaption class="sr-only">
        {p.label}
        <table>
          <thead><tr><th scope="col">{p.x ?? 'Item'}</th>{p.series.map((s) => <th scope="col" key={s.label}>{s.label}</th>)}</tr></thead>
          <tbody>{p.labels.map((l, i) => <tr key={i}><th scope="row">{l}</th>{p.series.map((s) => <td key={s.label}>{s.data[i]}</td>)}</tr>)}</tbody>
        </table>
      </figcaption>
    </figure>
  );
}

/** The tooltip as DOM text (labels may be logged values): title, one line per series with its colour. */
function renderTip(el: HTMLDivElement, canvas: HTMLCanvasElement, t: TooltipModel<ChartType>) {
  if (t.opacity === 0) { el.hidden = true; return; }
  el.replaceChildren();
  const title = document.createElement('div');
  title.className = 'chart-tip-title';
  title.textContent = (t.title ?? []).join(' ');
  el.append(title);
  t.dataPoints.forEach((dp, i) => {
    if (dp.raw === 0 && t.dataPoints.length > 1) return;
    const row = document.createElement('div');
    row.className = 'chart-tip-row';
    const sw = document.createElement('i');
    const c = t.labelColors[i]?.backgroundColor;
    sw.style.background = typeof c === 'string' ? c : '#64748b';
    const name = document.createElement('span');
    name.textContent = dp.dataset.label && (dp.chart.config as { type?: string }).type !== 'doughnut' ? dp.dataset.label : dp.label;
    const val = document.createElement('b');
    val.textContent = typeof dp.raw === 'number' ? dp.raw.toLocaleString('en-US') : String(dp.formattedValue);
    row.append(sw, name, val);
    el.append(row);
  });
  el.hidden = false;
  const w = el.offsetWidth;
  const left = Math.min(Math.max(t.caretX + 12, 4), canvas.clientWidth - w - 4);
  el.style.left = `${t.caretX + 12 + w > canvas.clientWidth ? Math.max(t.caretX - w - 12, 4) : left}px`;
  el.style.top = `${Math.max(t.caretY - el.offsetHeight / 2, 0)}px`;
}
