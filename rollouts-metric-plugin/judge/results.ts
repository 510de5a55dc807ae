// Prometheus HTTP API responses (/api/v1/query, /api/v1/query_range, /api/v1/query_exemplars) parsed into plain
// data the judge reads. Garbage is reported as an error result, never thrown past the caller.

export interface Sample {
  labels: Record<string, string>;
  value: number;
}

export interface Series {
  labels: Record<string, string>;
  points: Array<readonly [number, number]>;
}

export type QueryResult =
  | { ok: true; type: 'vector'; samples: Sample[] }
  | { ok: true; type: 'matrix'; series: Series[] }
  | { ok: false; error: string };

export interface Exemplar {
  traceId: string;
  spanId?: string;
  value: number;
  timestamp: number;
  seriesLabels: Record<string, string>;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Prometheus sends sample values as strings, including "NaN", "+Inf", "-Inf". */
export function parseSampleValue(v: unknown): number {
  if (typeof v !== 'string') return Number.NaN;
  if (v === '+Inf' || v === 'Inf') return Number.POSITIVE_INFINITY;
  if (v === '-Inf') return Number.NEGATIVE_INFINITY;
  return Number(v);
}

function labelsOf(v: unknown): Record<string, string> {
  if (!isObject(v)) return {};
  const out: Record<string, string> = {};
  for (const [k, x] of Object.entries(v)) if (typeof x === 'string') out[k] = x;
  return out;
}

/** Parse the JSON body of /api/v1/query or /api/v1/query_range. */
export function parseQueryResponse(body: unknown): QueryResult {
  if (!isObject(body)) return { ok: false, error: 'response is not a JSON object' };
  if (body['status'] !== 'success') {
    const type = typeof body['errorType'] === 'string' ? `${body['errorType']}: ` : '';
    const msg = typeof body['error'] === 'string' ? body['error'] : 'status is not "success"';
    return { ok: false, error: `${type}${msg}` };
  }
  const data = body['data'];
  if (!isObject(data)) return { ok: false, error: 'response has no data object' };
  const resultType = data['resultType'];
  const result = data['result'];
  if (resultType === 'scalar') {
    const arr = Array.isArray(result) ? result : [];
    return { ok: true, type: 'vector', samples: [{ labels: {}, value: parseSampleValue(arr[1]) }] };
  }
  if (!Array.isArray(result)) return { ok: false, error: 'data.result is not a list' };
  if (resultType === 'vector') {
    const samples: Sample[] = [];
    for (const r of result) {
      if (!isObject(r) || !Array.isArray(r['value'])) return { ok: false, error: 'vector sample without value' };
      samples.push({ labels: labelsOf(r['metric']), value: parseSampleValue((r['value'] as unknown[])[1]) });
    }
    return { ok: true, type: 'vector', samples };
  }
  if (resultType === 'matrix') {
    const series: Series[] = [];
    for (const r of result) {
      if (!isObject(r) || !Array.isArray(r['values'])) return { ok: false, error: 'matrix series without values' };
      const points: Array<readonly [number, number]> = [];
      for (const p of r['values'] as unknown[]) {
        if (!Array.isArray(p) || typeof p[0] !== 'number') return { ok: false, error: 'malformed matrix point' };
        points.push([p[0], parseSampleValue(p[1])]);
      }
      series.push({ labels: labelsOf(r['metric']), points });
    }
    return { ok: true, type: 'matrix', series };
  }
  return { ok: false, error: `unexpected resultType ${JSON.stringify(resultType)}` };
}

/** Parse the JSON body of /api/v1/query_exemplars into exemplars that carry a trace id. */
export function parseExemplarsResponse(body: unknown): { ok: true; exemplars: Exemplar[] } | { ok: false; error: string } {
  if (!isObject(body) || body['status'] !== 'success' || !Array.isArray(body['data'])) {
    return { ok: false, error: isObject(body) && typeof body['error'] === 'string' ? body['error'] : 'malformed exemplars response' };
  }
  const exemplars: Exemplar[] = [];
  for (const group of body['data'] as unknown[]) {
    if (!isObject(group) || !Array.isArray(group['exemplars'])) continue;
    const seriesLabels = labelsOf(group['seriesLabels']);
    for (const e of group['exemplars'] as unknown[]) {
      if (!isObject(e)) continue;
      const labels = labelsOf(e['labels']);
      const traceId = labels['trace_id'] ?? labels['traceID'] ?? labels['traceId'];
      if (!traceId || !/^[0-9a-f]{32}$/.test(traceId)) continue;
      exemplars.push({
        traceId,
        ...(labels['span_id'] ? { spanId: labels['span_id'] } : {}),
        value: parseSampleValue(e['value']),
        timestamp: typeof e['timestamp'] === 'number' ? e['timestamp'] : Number(e['timestamp']),
        seriesLabels,
      });
    }
  }
  return { ok: true, exemplars };
}

/** Sum of an instant vector, or 0 when it is empty (no series = nothing counted). */
export function vectorSum(r: QueryResult | undefined): number | undefined {
  if (!r || !r.ok || r.type !== 'vector') return undefined;
  return r.samples.reduce((s, x) => s + (Number.isFinite(x.value) ? x.value : 0), 0);
}

/** Group an instant vector by one label: label value → sum. */
export function vectorBy(r: QueryResult | undefined, label: string): Map<string, number> | undefined {
  if (!r || !r.ok || r.type !== 'vector') return undefined;
  const out = new Map<string, number>();
  for (const s of r.samples) {
    const k = s.labels[label] ?? '';
    out.set(k, (out.get(k) ?? 0) + (Number.isFinite(s.value) ? s.value : 0));
  }
  return out;
}
