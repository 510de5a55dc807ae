// Renders received spans as indented trees, one per trace, so a demo or a failing test shows the thread at a glance.
// Pure and deterministic: same spans in any order → same text.
import { OtlpSpanKind, OtlpStatusCode, type AttributeValue, type ReceivedSpan } from './otlp-receiver.js';

/** Attributes worth a glance, in display order. */
const KEY_ATTRIBUTES = [
  'cicd.pipeline.action.name',
  'cicd.pipeline.result',
  'cicd.pipeline.run.id',
  'vcs.ref.head.revision',
  'deployment.environment.name',
  'k8s.namespace.name',
  'ml.model.id',
  'argo_otel.resources.total',
  'argo_otel.resources.injected',
  'error.type',
] as const;

const KIND_NAMES = new Map<number, string>(Object.entries(OtlpSpanKind).map(([k, v]) => [v, k]));

function byStart(a: ReceivedSpan, b: ReceivedSpan): number {
  if (a.startTimeUnixNano !== b.startTimeUnixNano) return a.startTimeUnixNano < b.startTimeUnixNano ? -1 : 1;
  if (a.name !== b.name) return a.name < b.name ? -1 : 1;
  return a.spanId < b.spanId ? -1 : a.spanId > b.spanId ? 1 : 0;
}

export function formatDuration(ns: bigint): string {
  if (ns < 0n) return '?';
  if (ns < 1_000_000n) return `${(Number(ns) / 1_000).toFixed(0)}µs`;
  if (ns < 1_000_000_000n) return `${(Number(ns) / 1_000_000).toFixed(1)}ms`;
  if (ns < 60_000_000_000n) return `${(Number(ns) / 1_000_000_000).toFixed(2)}s`;
  return `${(Number(ns) / 60_000_000_000).toFixed(1)}min`;
}

function show(value: AttributeValue): string {
  const text = typeof value === 'string' ? value : JSON.stringify(value);
  return text.length > 40 ? `${text.slice(0, 39)}…` : text;
}

function describe(span: ReceivedSpan): string {
  const kind = KIND_NAMES.get(span.kind) ?? String(span.kind);
  const status =
    span.status.code === OtlpStatusCode.ERROR
      ? ` ✗ ${span.status.message || 'error'}`
      : span.status.code === OtlpStatusCode.OK
        ? ' ✓'
        : '';
  const attrs = KEY_ATTRIBUTES.filter((k) => span.attributes[k] !== undefined).map(
    (k) => `${k}=${show(span.attributes[k] ?? null)}`,
  );
  const events = span.events.length ? ` events=${span.events.length}` : '';
  return `${span.name} [${kind}] ${formatDuration(span.endTimeUnixNano - span.startTimeUnixNano)}${status}${
    attrs.length ? `  ${attrs.join(' ')}` : ''
  }${events}`;
}

/** Formats spans as one tree per trace (traces ordered by first start), children under their parents. */
export function formatTraceTree(spans: ReceivedSpan[]): string {
  // Identical ids are one span (deterministic ids make duplicate deliveries identical); keep the first.
  const unique = new Map<string, ReceivedSpan>();
  for (const s of spans) unique.set(`${s.traceId}/${s.spanId}`, unique.get(`${s.traceId}/${s.spanId}`) ?? s);
  const all = [...unique.values()];
  const byId = new Map(all.map((s) => [`${s.traceId}/${s.spanId}`, s]));

  const traces = new Map<string, ReceivedSpan[]>();
  for (const s of all) traces.set(s.traceId, [...(traces.get(s.traceId) ?? []), s]);
  const ordered = [...traces.entries()].sort(([ta, a], [tb, b]) => {
    const first = (xs: ReceivedSpan[]): ReceivedSpan => [...xs].sort(byStart)[0] as ReceivedSpan;
    return byStart(first(a), first(b)) || (ta < tb ? -1 : ta > tb ? 1 : 0);
  });

  const lines: string[] = [];
  for (const [traceId, members] of ordered) {
    const children = new Map<string, ReceivedSpan[]>();
    const roots: ReceivedSpan[] = [];
    for (const s of members) {
      if (s.parentSpanId && byId.has(`${traceId}/${s.parentSpanId}`)) {
        children.set(s.parentSpanId, [...(children.get(s.parentSpanId) ?? []), s]);
      } else {
        roots.push(s);
      }
    }
    lines.push(`trace ${traceId} (${members.length} span${members.length === 1 ? '' : 's'})`);
    const walk = (span: ReceivedSpan, prefix: string, last: boolean): void => {
      const orphan = span.parentSpanId && !byId.has(`${traceId}/${span.parentSpanId}`);
      lines.push(`${prefix}${last ? '└─ ' : '├─ '}${describe(span)}${orphan ? `  (parent ${span.parentSpanId} not in set)` : ''}`);
      const inner = `${prefix}${last ? '   ' : '│  '}`;
      for (const link of span.links) {
        const target = byId.get(`${link.traceId}/${link.spanId}`);
        lines.push(`${inner}↪ linked to ${link.traceId}/${link.spanId} (${target ? target.name : 'not in set'})`);
      }
      const kids = (children.get(span.spanId) ?? []).sort(byStart);
      kids.forEach((kid, i) => walk(kid, inner, i === kids.length - 1));
    };
    const sortedRoots = roots.sort(byStart);
    sortedRoots.forEach((root, i) => walk(root, '', i === sortedRoots.length - 1));
  }
  return lines.join('\n');
}
