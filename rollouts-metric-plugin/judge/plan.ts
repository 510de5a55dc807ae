// What to ask Prometheus: a pure list of queries for one measurement, keyed so the judge can find each answer.
import type { CheckConfig, JudgeConfig } from './config.js';
import {
  bucketsQuery,
  customQuery,
  detectionQueries,
  errorsQuery,
  quantileSeriesQuery,
  requestsQuery,
  routeLabel,
  DEFAULT_DURATION_METRIC,
  DURATION_METRIC_CANDIDATES,
  type DetectedMode,
  type Side,
  type SideScope,
} from './promql.js';

export type Baseline = 'stable' | 'stable-previous-window';

export interface PlannedQuery {
  key: string;
  kind: 'instant' | 'range';
  query: string;
  /** Evaluation time (instant) or end (range), epoch seconds. */
  time: number;
  start?: number;
  step?: number;
}

/** How canary and stable series are found: the selection mode and the duration histogram's name. */
export interface Selection {
  mode: DetectedMode;
  metric: string;
}

export interface QueryPlan {
  mode: DetectedMode;
  metric: string;
  baseline: Baseline;
  /** Window judged, epoch seconds. */
  start: number;
  end: number;
  queries: PlannedQuery[];
}

export const SIDES: readonly Side[] = ['canary', 'stable'];

export function queryKey(check: string, side: Side, what: string): string {
  return `${check}/${side}/${what}`;
}

/** Detection queries: which selection mode does the data support? */
export function planDetection(config: JudgeConfig, now: Date): PlannedQuery[] {
  const time = Math.floor(now.getTime() / 1000);
  const q = detectionQueries(config);
  const modes: DetectedMode[] = config.selection.mode === 'auto' ? ['label', 'target_info', 'utf8'] : [config.selection.mode];
  return [{ key: 'detect/names', kind: 'instant', query: q.names, time }, ...modes.map((m): PlannedQuery => ({ key: `detect/${m}`, kind: 'instant', query: q[m], time }))];
}

function scopeFor(selection: Selection, side: Side, baseline: Baseline, windowSeconds: number): SideScope {
  return { mode: selection.mode, metric: selection.metric, side, offsetSeconds: side === 'stable' && baseline === 'stable-previous-window' ? windowSeconds : 0 };
}

function checkQueries(config: JudgeConfig, check: CheckConfig, selection: Selection, baseline: Baseline, end: number): PlannedQuery[] {
  const out: PlannedQuery[] = [];
  const mode = selection.mode;
  for (const side of SIDES) {
    const scope = scopeFor(selection, side, baseline, config.windowSeconds);
    const instant = (what: string, query: string): void => {
      out.push({ key: queryKey(check.name, side, what), kind: 'instant', query, time: end });
    };
    // A time series over the whole window, for the rank test.
    const series = (query: string): void => {
      out.push({ key: queryKey(check.name, side, 'series'), kind: 'range', query, time: end, start: end - config.windowSeconds, step: config.stepSeconds });
    };
    const route = routeLabel(mode);
    switch (check.type) {
      case 'request-rate':
        break; // uses the shared request counts
      case 'error-rate':
        instant('errors', errorsQuery(config, scope));
        if (check.perRoute) {
          instant('route-requests', requestsQuery(config, scope, [route]));
          instant('route-errors', errorsQuery(config, scope, [route]));
        }
        break;
      case 'latency':
        instant('buckets', bucketsQuery(config, scope));
        if (check.perRoute) instant('route-buckets', bucketsQuery(config, scope, [route]));
        if (!check.thresholdOnly) series(quantileSeriesQuery(config, scope, check.quantile));
        break;
      case 'custom':
        if (check.kind === 'histogram') instant('buckets', customQuery(config, scope, check.query));
        else series(customQuery(config, scope, check.query));
        break;
    }
  }
  return out;
}

/** Every query one measurement needs, for the detected selection mode and baseline. */
export function planQueries(config: JudgeConfig, selection: Selection, now: Date, baseline: Baseline = 'stable'): QueryPlan {
  const end = Math.floor(now.getTime() / 1000);
  const queries: PlannedQuery[] = [];
  for (const side of SIDES) {
    queries.push({ key: `requests/${side}`, kind: 'instant', query: requestsQuery(config, scopeFor(selection, side, baseline, config.windowSeconds)), time: end });
  }
  for (const check of config.checks) queries.push(...checkQueries(config, check, selection, baseline, end));
  return { mode: selection.mode, metric: selection.metric, baseline, start: end - config.windowSeconds, end, queries };
}

/**
 * The selection from detection results: the first mode whose query found series of either side, and the histogram
 * name that exists (the unit-suffixed name first).
 */
export function pickSelection(config: JudgeConfig, found: Partial<Record<DetectedMode, number>>, names: readonly string[]): Selection | undefined {
  const order: DetectedMode[] = config.selection.mode === 'auto' ? ['label', 'target_info', 'utf8'] : [config.selection.mode];
  const mode = order.find((m) => (found[m] ?? 0) > 0);
  if (!mode) return undefined;
  const candidates = config.durationMetric === 'auto' ? DURATION_METRIC_CANDIDATES : [config.durationMetric];
  const metric = candidates.find((c) => names.includes(`${c}_count`)) ?? candidates[0] ?? DEFAULT_DURATION_METRIC;
  return { mode, metric };
}
