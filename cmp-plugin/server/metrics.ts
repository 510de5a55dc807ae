// Invocation counters and timers rendered two ways: Prometheus text and Spinnaker's metrics JSON (seed 002
// format). Hand-written: no maintained library emits the Spinnaker shape, and one tiny registry feeds both.

export type Tags = Readonly<Record<string, string>>;

interface Series {
  tags: Tags;
  value: number;
  updatedAt: number;
}

interface Metric {
  kind: 'Counter' | 'Gauge';
  help: string;
  series: Map<string, Series>;
}

export interface SpinnakerMetrics {
  applicationName: string;
  applicationVersion: string;
  startTime: number;
  metrics: Record<string, { kind: string; values: { tags: { key: string; value: string }[]; values: { t: number; v: number }[] }[] }>;
}

function seriesKey(tags: Tags): string {
  return JSON.stringify(Object.keys(tags).sort().map((k) => [k, tags[k]]));
}

function promName(name: string): string {
  return name.replace(/[^a-zA-Z0-9_:]/g, '_');
}

function promLabelValue(v: string): string {
  return v.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/"/g, '\\"');
}

export class MetricsRegistry {
  private readonly metrics = new Map<string, Metric>();
  readonly startTime: number;

  constructor(
    readonly applicationName: string,
    readonly applicationVersion: string,
    private readonly now: () => number = Date.now,
  ) {
    this.startTime = now();
  }

  /** Adds `by` to the counter series for these tags (names use dots, as Spinnaker's do). */
  increment(name: string, help: string, tags: Tags, by = 1): void {
    let metric = this.metrics.get(name);
    if (!metric) {
      metric = { kind: 'Counter', help, series: new Map() };
      this.metrics.set(name, metric);
    }
    const key = seriesKey(tags);
    const series = metric.series.get(key) ?? { tags: { ...tags }, value: 0, updatedAt: 0 };
    series.value += by;
    series.updatedAt = this.now();
    metric.series.set(key, series);
  }

  /** Sets a gauge series (e.g. calls in flight, which shows a drain making progress). */
  setGauge(name: string, help: string, tags: Tags, value: number): void {
    let metric = this.metrics.get(name);
    if (!metric) {
      metric = { kind: 'Gauge', help, series: new Map() };
      this.metrics.set(name, metric);
    }
    metric.series.set(seriesKey(tags), { tags: { ...tags }, value, updatedAt: this.now() });
  }

  toPrometheus(): string {
    const lines: string[] = [];
    for (const [name, metric] of this.metrics) {
      const n = promName(name) + (metric.kind === 'Counter' ? '_total' : '');
      lines.push(`# HELP ${n} ${metric.help}`, `# TYPE ${n} ${metric.kind === 'Counter' ? 'counter' : 'gauge'}`);
      for (const s of metric.series.values()) {
        const labels = Object.entries(s.tags)
          .map(([k, v]) => `${promName(k)}="${promLabelValue(v)}"`)
          .join(',');
        lines.push(`${n}{${labels}} ${s.value}`);
      }
    }
    return lines.join('\n') + '\n';
  }

  toSpinnaker(): SpinnakerMetrics {
    const metrics: SpinnakerMetrics['metrics'] = {};
    for (const [name, metric] of this.metrics) {
      metrics[name] = {
        kind: metric.kind,
        values: [...metric.series.values()].map((s) => ({
          tags: Object.entries(s.tags).map(([key, value]) => ({ key, value })),
          values: [{ t: s.updatedAt, v: s.value }],
        })),
      };
    }
    return {
      applicationName: this.applicationName,
      applicationVersion: this.applicationVersion,
      startTime: this.startTime,
      metrics,
    };
  }
}
