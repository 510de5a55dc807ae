// The judge's configuration: the `provider.plugin` JSON of an AnalysisTemplate metric (Argo has already substituted
// `{{args.*}}`), validated into a complete JudgeConfig with every default filled in. Errors name the field path.
import { ROLLOUTS_POD_TEMPLATE_HASH_LABEL } from '../../lineage/names.js';

export class JudgeConfigError extends Error {
  constructor(
    readonly field: string,
    readonly problem: string,
  ) {
    super(`${field}: ${problem}`);
    this.name = 'JudgeConfigError';
  }
}

export type Direction = 'increase' | 'decrease' | 'either';
export type SelectionMode = 'auto' | 'label' | 'target_info' | 'utf8';

export interface BackendConfig {
  address: string;
  /** Path of a file holding a bearer token (read by the edge, never copied into results). */
  bearerTokenFile?: string;
  /** Name of an env var holding a bearer token. */
  bearerTokenEnv?: string;
  headers: Record<string, string>;
  timeoutSeconds: number;
}

export interface SelectionConfig {
  /** Label (Prometheus name) that tells canary from stable series. */
  label: string;
  /** The same attribute's dotted name, for Prometheus 3 UTF-8 names. */
  utf8Label: string;
  mode: SelectionMode;
  canary: string;
  stable: string;
  /** Extra PromQL matchers that pick the service, e.g. `job="shop/checkout"`. */
  matchers: string;
}

interface CheckBase {
  name: string;
  direction: Direction;
  weight: number;
  critical: boolean;
  /** Run the check per `http_route` and report the worst route. */
  perRoute: boolean;
}

export interface ErrorRateCheck extends CheckBase {
  type: 'error-rate';
  /** Largest tolerated canary − stable difference (absolute, e.g. 0.01 = one percentage point). */
  maxIncrease: number;
  /** Classic preset: decide on the difference alone, no statistics. */
  thresholdOnly: boolean;
}

export interface LatencyCheck extends CheckBase {
  type: 'latency';
  quantile: number;
  /** Largest tolerated canary/stable ratio of the quantile. */
  maxRatio: number;
  thresholdOnly: boolean;
}

export interface RequestRateCheck extends CheckBase {
  type: 'request-rate';
  /** Canary/stable request-rate ratio below which traffic looks broken (0 disables). */
  minRatio: number;
}

export interface CustomCheck extends CheckBase {
  type: 'custom';
  /** `histogram` queries return per-`le` buckets; `series` queries a range of points per side. */
  kind: 'histogram' | 'series';
  /** PromQL with `$__selector`, `$__range`, `$__step` placeholders. */
  query: string;
  quantile: number;
  /** Tolerated relative change of the compared statistic (e.g. 0.1 = 10%). */
  tolerance: number;
}

export type CheckConfig = ErrorRateCheck | LatencyCheck | RequestRateCheck | CustomCheck;

export interface JudgeConfig {
  preset: 'statistical' | 'classic';
  backend: BackendConfig;
  selection: SelectionConfig;
  metricName: string;
  /** Histogram base name of http.server.request.duration in Prometheus, or `auto` (detected). */
  durationMetric: string;
  /** Lookback window of each measurement, seconds. */
  windowSeconds: number;
  /** Resolution of time series used by distribution tests, seconds. */
  stepSeconds: number;
  /** Confidence level of every test (Kayenta uses 0.98). */
  confidence: number;
  /** Minimum requests per side; fewer → Inconclusive. */
  minRequests: number;
  /** Minimum points per side for time-series tests. */
  minPoints: number;
  /** Promote only after this much analysis time (seconds); before that the measurement stays Running. */
  minAnalysisSeconds: number;
  /** When stable has no traffic, compare with stable's previous window (else Inconclusive). */
  previousWindowFallback: boolean;
  scoreThresholds: { pass: number; marginal: number };
  checks: CheckConfig[];
  /** Name of the AnalysisRun argument carrying the deployment traceparent. */
  traceparentArg: string;
  exemplars: { enabled: boolean; limit: number };
}

export interface JudgeContext {
  /** AnalysisRun args by name (resolved values). */
  args: Readonly<Record<string, string | undefined>>;
  /** AnalysisRun labels (rollouts-pod-template-hash is the canary's hash). */
  labels: Readonly<Record<string, string | undefined>>;
  metricName: string;
}

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

class Reader {
  constructor(
    private readonly obj: Record<string, unknown>,
    private readonly path: string,
    private readonly allowed: readonly string[],
  ) {
    for (const key of Object.keys(obj)) {
      if (!allowed.includes(key)) throw new JudgeConfigError(this.at(key), `unknown field (known: ${allowed.join(', ')})`);
    }
  }
  at(key: string): string {
    return this.path === '' ? key : `${this.path}.${key}`;
  }
  has(key: string): boolean {
    return this.obj[key] !== undefined && this.obj[key] !== null;
  }
  string(key: string, fallback?: string): string {
    const v = this.obj[key];
    if (v === undefined || v === null) {
      if (fallback === undefined) throw new JudgeConfigError(this.at(key), 'is required');
      return fallback;
    }
    if (typeof v !== 'string') throw new JudgeConfigError(this.at(key), `must be a string, got ${typeof v}`);
    return v;
  }
  optionalString(key: string): string | undefined {
    return this.has(key) ? this.string(key) : undefined;
  }
  number(key: string, fallback: number, range: { min?: number; max?: number; integer?: boolean } = {}): number {
    const v = this.obj[key];
    if (v === undefined || v === null) return fallback;
    const n = typeof v === 'string' && v.trim() !== '' && !Number.isNaN(Number(v)) ? Number(v) : v; // args arrive as strings
    if (typeof n !== 'number' || !Number.isFinite(n)) throw new JudgeConfigError(this.at(key), `must be a number, got ${JSON.stringify(v)}`);
    if (range.integer && !Number.isInteger(n)) throw new JudgeConfigError(this.at(key), `must be an integer, got ${n}`);
    if (range.min !== undefined && n < range.min) throw new JudgeConfigError(this.at(key), `must be ≥ ${range.min}, got ${n}`);
    if (range.max !== undefined && n > range.max) throw new JudgeConfigError(this.at(key), `must be ≤ ${range.max}, got ${n}`);
    return n;
  }
  boolean(key: string, fallback: boolean): boolean {
    const v = this.obj[key];
    if (v === undefined || v === null) return fallback;
    if (v === 'true' || v === 'false') return v === 'true';
    if (typeof v !== 'boolean') throw new JudgeConfigError(this.at(key), `must be true or false, got ${JSON.stringify(v)}`);
    return v;
  }
  duration(key: string, fallbackSeconds: number): number {
    const v = this.obj[key];
    if (v === undefined || v === null) return fallbackSeconds;
    if (typeof v === 'number' && v >= 0) return v;
    if (typeof v === 'string') {
      const s = parseDuration(v);
      if (s !== undefined) return s;
    }
    throw new JudgeConfigError(this.at(key), `must be a duration like "30s", "5m", "1h" or seconds, got ${JSON.stringify(v)}`);
  }
  oneOf<T extends string>(key: string, values: readonly T[], fallback: T): T {
    const v = this.string(key, fallback);
    if (!(values as readonly string[]).includes(v)) throw new JudgeConfigError(this.at(key), `must be one of ${values.join(', ')}, got "${v}"`);
    return v as T;
  }
  object(key: string): Record<string, unknown> {
    const v = this.obj[key];
    if (v === undefined || v === null) return {};
    if (!isObject(v)) throw new JudgeConfigError(this.at(key), 'must be an object');
    return v;
  }
  stringMap(key: string): Record<string, string> {
    const o = this.object(key);
    for (const [k, v] of Object.entries(o)) {
      if (typeof v !== 'string') throw new JudgeConfigError(`${this.at(key)}.${k}`, 'must be a string');
    }
    return o as Record<string, string>;
  }
  array(key: string): unknown[] | undefined {
    const v = this.obj[key];
    if (v === undefined || v === null) return undefined;
    if (!Array.isArray(v)) throw new JudgeConfigError(this.at(key), 'must be a list');
    return v;
  }
}

/** "90s", "5m", "1h30m", "250ms" → seconds (Prometheus/Go duration units). */
export function parseDuration(text: string): number | undefined {
  const re = /(\d+(?:\.\d+)?)(ms|s|m|h|d|w)/g;
  const units: Record<string, number> = { ms: 0.001, s: 1, m: 60, h: 3600, d: 86400, w: 604800 };
  const trimmed = text.trim();
  if (/^\d+(?:\.\d+)?$/.test(trimmed)) return Number(trimmed);
  let total = 0;
  let consumed = 0;
  for (const m of trimmed.matchAll(re)) {
    if (m.index !== consumed) return undefined;
    total += Number(m[1]) * (units[m[2] as string] as number);
    consumed += m[0].length;
  }
  return consumed === trimmed.length && consumed > 0 ? total : undefined;
}

const DEFAULT_LABEL = 'k8s_pod_label_rollouts_pod_template_hash';
const DEFAULT_UTF8_LABEL = `k8s.pod.label.${ROLLOUTS_POD_TEMPLATE_HASH_LABEL}`;

function presetChecks(preset: 'statistical' | 'classic'): unknown[] {
  if (preset === 'classic') {
    return [
      { name: 'error-rate', type: 'error-rate', maxIncrease: 0.1, thresholdOnly: true, critical: true },
      { name: 'latency-p99', type: 'latency', quantile: 0.99, maxRatio: 1.2, thresholdOnly: true },
    ];
  }
  return [
    { name: 'request-rate', type: 'request-rate' },
    { name: 'error-rate', type: 'error-rate', critical: true, perRoute: true },
    { name: 'latency-p99', type: 'latency', quantile: 0.99, perRoute: true },
    { name: 'latency-p50', type: 'latency', quantile: 0.5, weight: 0.5 },
  ];
}

function parseCheck(raw: unknown, path: string, preset: 'statistical' | 'classic'): CheckConfig {
  if (!isObject(raw)) throw new JudgeConfigError(path, 'must be an object');
  const common = ['name', 'type', 'direction', 'weight', 'critical', 'perRoute'];
  const type = raw['type'];
  const base = (r: Reader, defaultDirection: Direction): CheckBase => ({
    name: r.string('name', typeof type === 'string' ? type : 'check'),
    direction: r.oneOf('direction', ['increase', 'decrease', 'either'] as const, defaultDirection),
    weight: r.number('weight', 1, { min: 0 }),
    critical: r.boolean('critical', false),
    perRoute: r.boolean('perRoute', false),
  });
  switch (type) {
    case 'error-rate': {
      const r = new Reader(raw, path, [...common, 'maxIncrease', 'thresholdOnly']);
      return { ...base(r, 'increase'), type, maxIncrease: r.number('maxIncrease', preset === 'classic' ? 0.1 : 0.01, { min: 0, max: 1 }), thresholdOnly: r.boolean('thresholdOnly', false) };
    }
    case 'latency': {
      const r = new Reader(raw, path, [...common, 'quantile', 'maxRatio', 'thresholdOnly']);
      return {
        ...base(r, 'increase'),
        type,
        quantile: r.number('quantile', 0.99, { min: 0.01, max: 0.9999 }),
        maxRatio: r.number('maxRatio', preset === 'classic' ? 1.2 : 1.1, { min: 1 }),
        thresholdOnly: r.boolean('thresholdOnly', false),
      };
    }
    case 'request-rate': {
      const r = new Reader(raw, path, [...common, 'minRatio']);
      return { ...base(r, 'decrease'), type, minRatio: r.number('minRatio', 0, { min: 0 }) };
    }
    case 'custom': {
      const r = new Reader(raw, path, [...common, 'kind', 'query', 'quantile', 'tolerance']);
      const query = r.string('query');
      if (!query.includes('$__selector')) throw new JudgeConfigError(r.at('query'), 'must contain $__selector so canary and stable can be told apart');
      return {
        ...base(r, 'either'),
        type,
        kind: r.oneOf('kind', ['histogram', 'series'] as const, 'series'),
        query,
        quantile: r.number('quantile', 0.5, { min: 0.01, max: 0.9999 }),
        tolerance: r.number('tolerance', 0.1, { min: 0 }),
      };
    }
    default:
      throw new JudgeConfigError(`${path}.type`, `must be one of error-rate, latency, request-rate, custom, got ${JSON.stringify(type)}`);
  }
}

/** Validate the plugin JSON and fill defaults. `context` supplies the AnalysisRun's args and labels. */
export function parseJudgeConfig(input: unknown, context: JudgeContext): JudgeConfig {
  const root = input === undefined || input === null ? {} : input;
  if (!isObject(root)) throw new JudgeConfigError('(config)', 'must be a JSON object');
  const r = new Reader(root, '', [
    'preset', 'backend', 'selection', 'durationMetric', 'window', 'step', 'confidence', 'minRequests', 'minPoints', 'minAnalysisTime',
    'previousWindowFallback', 'scoreThresholds', 'checks', 'traceparentArg', 'exemplars',
  ]);
  const preset = r.oneOf('preset', ['statistical', 'classic'] as const, 'statistical');

  const b = new Reader(r.object('backend'), 'backend', ['address', 'bearerTokenFile', 'bearerTokenEnv', 'headers', 'timeout']);
  const address = b.string('address');
  let url: URL;
  try {
    url = new URL(address);
  } catch {
    throw new JudgeConfigError('backend.address', `must be an http(s) URL, got "${address}"`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new JudgeConfigError('backend.address', `must be an http(s) URL, got "${address}"`);
  // fetch refuses such URLs outright (every query would fail as "unreachable"), and the config is no place for secrets.
  if (url.username !== '' || url.password !== '') {
    throw new JudgeConfigError('backend.address', 'must not carry credentials (user:password@); put a token in bearerTokenFile or bearerTokenEnv');
  }
  const headers = b.stringMap('headers');
  for (const [name, value] of Object.entries(headers)) {
    // What fetch refuses on every query (RFC 9110 token names; values are bytes without CR, LF or NUL).
    if (!/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/.test(name)) throw new JudgeConfigError(`backend.headers["${name}"]`, 'is not a valid HTTP header name');
    if (/[\0\r\n\u0100-\uffff]/.test(value)) throw new JudgeConfigError(`backend.headers.${name}`, 'must not contain CR, LF, NUL or characters beyond U+00FF');
  }
  if (Object.keys(headers).some((h) => h.toLowerCase() === 'authorization')) {
    throw new JudgeConfigError('backend.headers.Authorization', 'put credentials in bearerTokenFile or bearerTokenEnv, not in the config');
  }
  const backend: BackendConfig = {
    address: address.replace(/\/+$/, ''),
    headers,
    timeoutSeconds: b.duration('timeout', 10),
    ...(b.optionalString('bearerTokenFile') !== undefined ? { bearerTokenFile: b.string('bearerTokenFile') } : {}),
    ...(b.optionalString('bearerTokenEnv') !== undefined ? { bearerTokenEnv: b.string('bearerTokenEnv') } : {}),
  };
  if (backend.timeoutSeconds <= 0 || backend.timeoutSeconds > 300) throw new JudgeConfigError('backend.timeout', 'must be between 0 and 300 seconds');

  const s = new Reader(r.object('selection'), 'selection', ['label', 'utf8Label', 'mode', 'canary', 'stable', 'canaryArg', 'stableArg', 'matchers']);
  const canaryArg = s.string('canaryArg', 'canary-hash');
  const stableArg = s.string('stableArg', 'stable-hash');
  const canary = s.optionalString('canary') ?? context.args[canaryArg] ?? context.labels[ROLLOUTS_POD_TEMPLATE_HASH_LABEL];
  const stable = s.optionalString('stable') ?? context.args[stableArg];
  if (!canary) throw new JudgeConfigError('selection.canary', `no canary value: set it, or pass arg "${canaryArg}" (valueFrom.podTemplateHashValue: Latest)`);
  if (!stable) throw new JudgeConfigError('selection.stable', `no stable value: set it, or pass arg "${stableArg}" (valueFrom.podTemplateHashValue: Stable)`);
  const label = s.string('label', DEFAULT_LABEL);
  if (!/^[a-zA-Z_][a-zA-Z0-9_]*$/.test(label)) throw new JudgeConfigError('selection.label', `must be a Prometheus label name, got "${label}"`);
  const selection: SelectionConfig = {
    label,
    utf8Label: s.string('utf8Label', label === DEFAULT_LABEL ? DEFAULT_UTF8_LABEL : label),
    mode: s.oneOf('mode', ['auto', 'label', 'target_info', 'utf8'] as const, 'auto'),
    canary,
    stable,
    matchers: s.string('matchers', ''),
  };
  if (selection.matchers.includes('{') || selection.matchers.includes('}')) {
    throw new JudgeConfigError('selection.matchers', 'give matchers without braces, e.g. job="shop/checkout"');
  }

  const t = new Reader(r.object('scoreThresholds'), 'scoreThresholds', ['pass', 'marginal']);
  const scoreThresholds = { pass: t.number('pass', 90, { min: 0, max: 100 }), marginal: t.number('marginal', 75, { min: 0, max: 100 }) };
  if (scoreThresholds.marginal > scoreThresholds.pass) throw new JudgeConfigError('scoreThresholds.marginal', 'must not exceed scoreThresholds.pass');

  const rawChecks = r.array('checks') ?? presetChecks(preset);
  if (rawChecks.length === 0) throw new JudgeConfigError('checks', 'needs at least one check');
  const checks = rawChecks.map((c, i) => parseCheck(c, `checks[${i}]`, preset));
  const names = new Set<string>();
  checks.forEach((c, i) => {
    if (names.has(c.name)) throw new JudgeConfigError(`checks[${i}].name`, `duplicate check name "${c.name}"`);
    names.add(c.name);
  });
  const e = new Reader(r.object('exemplars'), 'exemplars', ['enabled', 'limit']);

  const config: JudgeConfig = {
    preset,
    backend,
    selection,
    metricName: context.metricName,
    durationMetric: r.string('durationMetric', 'auto'),
    windowSeconds: r.duration('window', 300),
    stepSeconds: r.duration('step', 15),
    confidence: r.number('confidence', 0.98, { min: 0.5, max: 0.9999 }),
    minRequests: r.number('minRequests', 100, { min: 0, integer: true }),
    minPoints: r.number('minPoints', 8, { min: 3, integer: true }),
    minAnalysisSeconds: r.duration('minAnalysisTime', preset === 'classic' ? 600 : 0),
    previousWindowFallback: r.boolean('previousWindowFallback', true),
    scoreThresholds,
    checks,
    traceparentArg: r.string('traceparentArg', 'traceparent'),
    exemplars: { enabled: e.boolean('enabled', true), limit: e.number('limit', 5, { min: 0, max: 100, integer: true }) },
  };
  if (config.durationMetric !== 'auto' && !/^[a-zA-Z_:][a-zA-Z0-9_:]*$/.test(config.durationMetric)) {
    throw new JudgeConfigError('durationMetric', `must be "auto" or a Prometheus metric name, got "${config.durationMetric}"`);
  }
  if (config.windowSeconds < 10) throw new JudgeConfigError('window', 'must be at least 10s');
  if (config.stepSeconds <= 0 || config.stepSeconds > config.windowSeconds) throw new JudgeConfigError('step', 'must be positive and not longer than window');
  return config;
}

export type { Json };
