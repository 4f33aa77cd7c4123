import type { MetricsSink } from '../shared/engine/ports.ts';

export class CountingMetrics implements MetricsSink {
  readonly counts: Record<string, number> = {};
  count(name: string, value = 1, dimension?: string) {
    const k = dimension ? `${name}.${dimension}` : name;
    this.counts[k] = (this.counts[k] ?? 0) + value;
  }
}
