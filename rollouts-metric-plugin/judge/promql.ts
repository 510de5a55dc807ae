// PromQL for OTel HTTP server metrics in Prometheus, for one side (canary or stable) of the comparison.
// Canary and stable series are told apart either by a promoted resource-attribute label, by a join on target_info
// (the default Prometheus translation keeps resource attributes there), or by the dotted UTF-8 label (Prometheus 3).
import type { JudgeConfig } from './config.js';

export type DetectedMode = 'label' | 'target_info' | 'utf8';
export type Side = 'canary' | 'stable';

interface Naming {
  bucket: string;
  count: string;
  route: string;
  status: string;
  errorType: string;
}

/**
 * Histogram names seen in practice: the OTel spec's Prometheus translation adds the unit suffix (Collector,
 * Prometheus OTLP ingestion), while the OTel JS Prometheus exporter (0.223) does not.
 */
export const DURATION_METRIC_CANDIDATES = ['http_server_request_duration_seconds', 'http_server_request_duration'] as const;
export const DEFAULT_DURATION_METRIC = DURATION_METRIC_CANDIDATES[0];

function underscoreNaming(base: string): Naming {
  return { bucket: `${base}_bucket`, count: `${base}_count`, route: 'http_route', status: 'http_response_status_code', errorType: 'error_type' };
}
const UTF8: Naming = {
  bucket: '"http.server.request.duration_seconds_bucket"',
  count: '"http.server.request.duration_seconds_count"',
  route: '"http.route"',
  status: '"http.response.status_code"',
  errorType: '"error.type"',
};

export function naming(mode: DetectedMode, metric: string = DEFAULT_DURATION_METRIC): Naming {
  return mode === 'utf8' ? UTF8 : underscoreNaming(metric);
}

/** PromQL string literal (double-quoted, escaped). */
export function quote(value: string): string {
  return JSON.stringify(value);
}

export interface SideScope {
  mode: DetectedMode;
  /** Histogram base name (underscore modes), e.g. http_server_request_duration_seconds. */
  metric: string;
  side: Side;
  /** Offset in seconds (the stable's previous window), 0 for now. */
  offsetSeconds: number;
}

function sideValue(config: JudgeConfig, side: Side): string {
  return side === 'canary' ? config.selection.canary : config.selection.stable;
}

/** Matchers inside a selector's braces for this side (the side's label only in label/utf8 modes). */
export function sideMatchers(config: JudgeConfig, scope: SideScope, extra: readonly string[] = []): string {
  const parts: string[] = [];
  if (config.selection.matchers.trim() !== '') parts.push(config.selection.matchers.trim());
  if (scope.mode === 'label') parts.push(`${config.selection.label}=${quote(sideValue(config, scope.side))}`);
  if (scope.mode === 'utf8') parts.push(`${quote(config.selection.utf8Label)}=${quote(sideValue(config, scope.side))}`);
  parts.push(...extra);
  return parts.join(', ');
}

function selector(metric: string, matchers: string, mode: DetectedMode): string {
  // UTF-8 metric names go inside the braces: {"name", matchers}
  if (mode === 'utf8') return matchers === '' ? `{${metric}}` : `{${metric}, ${matchers}}`;
  return `${metric}{${matchers}}`;
}

function offset(scope: SideScope): string {
  return scope.offsetSeconds > 0 ? ` offset ${scope.offsetSeconds}s` : '';
}

/** In target_info mode, keep only series of this side's pods (joined before any aggregation). */
export function join(config: JudgeConfig, scope: SideScope): string {
  if (scope.mode !== 'target_info') return '';
  const m = [`${config.selection.label}=${quote(sideValue(config, scope.side))}`];
  return ` * on(job, instance) group_left() (target_info{${m.join(', ')}}${offset(scope)})`;
}

function scoped(inner: string, config: JudgeConfig, scope: SideScope): string {
  const j = join(config, scope);
  return j === '' ? inner : `(${inner})${j}`;
}

function byClause(labels: readonly string[]): string {
  return labels.length === 0 ? '' : ` by (${labels.join(', ')})`;
}

/** Requests over the window: sum(increase(count[w])). */
export function requestsQuery(config: JudgeConfig, scope: SideScope, by: readonly string[] = []): string {
  const n = naming(scope.mode, scope.metric);
  const inner = `increase(${selector(n.count, sideMatchers(config, scope), scope.mode)}[${config.windowSeconds}s]${offset(scope)})`;
  return `sum${byClause(by)} (${scoped(inner, config, scope)})`;
}

/** Server errors over the window: 5xx status or error.type set (union, each series once). */
export function errorsQuery(config: JudgeConfig, scope: SideScope, by: readonly string[] = []): string {
  const n = naming(scope.mode, scope.metric);
  const w = `[${config.windowSeconds}s]${offset(scope)}`;
  const fivexx = `increase(${selector(n.count, sideMatchers(config, scope, [`${n.status}=~"5.."`]), scope.mode)}${w})`;
  const typed = `increase(${selector(n.count, sideMatchers(config, scope, [`${n.errorType}!=""`]), scope.mode)}${w})`;
  return `sum${byClause(by)} (${scoped(`${fivexx} or ${typed}`, config, scope)})`;
}

/** Cumulative bucket counts over the window, per `le` (and more labels). */
export function bucketsQuery(config: JudgeConfig, scope: SideScope, by: readonly string[] = []): string {
  const n = naming(scope.mode, scope.metric);
  const inner = `increase(${selector(n.bucket, sideMatchers(config, scope), scope.mode)}[${config.windowSeconds}s]${offset(scope)})`;
  return `sum${byClause(['le', ...by])} (${scoped(inner, config, scope)})`;
}

/** One quantile per step (a range query): the time series a rank test compares. */
export function quantileSeriesQuery(config: JudgeConfig, scope: SideScope, q: number): string {
  const n = naming(scope.mode, scope.metric);
  const inner = `rate(${selector(n.bucket, sideMatchers(config, scope), scope.mode)}[${config.stepSeconds}s]${offset(scope)})`;
  return `histogram_quantile(${q}, sum by (le) (${scoped(inner, config, scope)}))`;
}

/** A user query with `$__selector`, `$__join`, `$__range`, `$__step`, `$__offset` filled for this side. */
export function customQuery(config: JudgeConfig, scope: SideScope, template: string): string {
  const off = offset(scope);
  return template
    .replaceAll('$__selector', sideMatchers(config, scope))
    .replaceAll('$__join', join(config, scope))
    .replaceAll('$__range', `${config.windowSeconds}s`)
    .replaceAll('$__step', `${config.stepSeconds}s`)
    .replaceAll('$__offset', off);
}

/** Queries that tell which selection mode the data supports: any series for either side's value. */
export function detectionQueries(config: JudgeConfig): Record<DetectedMode | 'names', string> {
  const values = `${quote(`${escapeRegex(config.selection.canary)}|${escapeRegex(config.selection.stable)}`)}`;
  const m = config.selection.matchers.trim();
  const extra = m === '' ? '' : `, ${m}`;
  const names = config.durationMetric === 'auto' ? DURATION_METRIC_CANDIDATES : [config.durationMetric];
  const nameRe = `__name__=~${quote(names.map((n) => `${escapeRegex(n)}_count`).join('|'))}`;
  return {
    names: `count by (__name__) ({${nameRe}${extra}})`,
    label: `count by (${config.selection.label}) ({${nameRe}, ${config.selection.label}=~${values}${extra}})`,
    target_info: `count by (${config.selection.label}) (target_info{${config.selection.label}=~${values}})`,
    utf8: `count by (${quote(config.selection.utf8Label)}) ({${UTF8.count}, ${quote(config.selection.utf8Label)}=~${values}${extra}})`,
  };
}

function escapeRegex(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Exemplar selector (query_exemplars takes selectors; joins do not filter there, so instances are listed). */
export function exemplarSelector(config: JudgeConfig, mode: DetectedMode, metric: string, extra: readonly string[], instances: readonly string[] = []): string {
  const n = naming(mode, metric);
  const scope: SideScope = { mode, metric, side: 'canary', offsetSeconds: 0 };
  const more = [...extra];
  if (mode === 'target_info' && instances.length > 0) more.push(`instance=~${quote(instances.map(escapeRegex).join('|'))}`);
  return selector(n.bucket, sideMatchers(config, scope, more), mode);
}

export function routeLabel(mode: DetectedMode): string {
  return naming(mode).route;
}
export function statusMatcher(mode: DetectedMode): string {
  return `${naming(mode).status}=~"5.."`;
}
