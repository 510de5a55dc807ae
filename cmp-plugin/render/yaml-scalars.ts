// Plain-scalar resolution exactly as go-yaml v2 (`resolve.go`) does it, which is what Argo CD and kubectl see through
// sigs.k8s.io/yaml. Hand-written because no JS YAML schema matches it: the `yaml` library's 1.1 schema adds
// sexagesimal numbers (`12:30` → 750) and misses Go's base-0 integer syntax (`0o17`, `08` → float 8).

export type ResolvedScalar =
  | { kind: 'string'; value: string }
  | { kind: 'null' }
  | { kind: 'bool'; value: boolean }
  | { kind: 'int'; value: number }
  /** An integer go-yaml reads exactly (int64/uint64) that a JS number cannot hold. */
  | { kind: 'big-int'; value: bigint }
  | { kind: 'float'; value: number };

const KEYWORDS = new Map<string, ResolvedScalar>();
for (const [values, resolved] of [
  [['y', 'Y', 'yes', 'Yes', 'YES', 'true', 'True', 'TRUE', 'on', 'On', 'ON'], { kind: 'bool', value: true }],
  [['n', 'N', 'no', 'No', 'NO', 'false', 'False', 'FALSE', 'off', 'Off', 'OFF'], { kind: 'bool', value: false }],
  [['', '~', 'null', 'Null', 'NULL'], { kind: 'null' }],
  [['.nan', '.NaN', '.NAN'], { kind: 'float', value: Number.NaN }],
  [['.inf', '.Inf', '.INF', '+.inf', '+.Inf', '+.INF'], { kind: 'float', value: Number.POSITIVE_INFINITY }],
  [['-.inf', '-.Inf', '-.INF'], { kind: 'float', value: Number.NEGATIVE_INFINITY }],
] as const) {
  for (const v of values) KEYWORDS.set(v, resolved);
}

const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;
const UINT64_MAX = 2n ** 64n - 1n;

// Go's strconv.ParseInt(s, 0, 64) syntax after go-yaml removed every `_`: sign, then 0x/0o/0b prefix, leading-0 octal
// or decimal.
const GO_INT = /^([-+]?)(?:0[xX]([0-9a-fA-F]+)|0[oO]([0-7]+)|0[bB]([01]+)|0([0-7]+)|([1-9][0-9]*|0))$/;
// go-yaml's yamlStyleFloat, applied before strconv.ParseFloat.
const YAML_STYLE_FLOAT = /^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$/;
// What strconv.ParseFloat accepts for a scalar that starts with `.` (go-yaml tries it without the regex).
const DOT_FLOAT = /^\.[0-9]+([eE][-+]?[0-9]+)?$/;

/** Go's ParseInt/ParseUint base 0 (after go-yaml's `_` removal): the exact value, or undefined if Go rejects it. */
function parseGoInt(plain: string): bigint | undefined {
  const m = GO_INT.exec(plain);
  if (!m) return undefined;
  const negative = m[1] === '-';
  let magnitude: bigint;
  if (m[2] !== undefined) magnitude = BigInt(`0x${m[2]}`);
  else if (m[3] !== undefined) magnitude = BigInt(`0o${m[3]}`);
  else if (m[4] !== undefined) magnitude = BigInt(`0b${m[4]}`);
  else if (m[5] !== undefined) magnitude = BigInt(`0o${m[5]}`);
  else if (m[6] !== undefined) magnitude = BigInt(m[6]);
  else return undefined;
  const value = negative ? -magnitude : magnitude;
  // ParseInt takes int64; ParseUint (no sign allowed) takes up to uint64.
  if (value >= INT64_MIN && value <= INT64_MAX) return value;
  if (m[1] === '' && value <= UINT64_MAX) return value;
  return undefined;
}

function integer(value: bigint): ResolvedScalar {
  if (value >= BigInt(Number.MIN_SAFE_INTEGER) && value <= BigInt(Number.MAX_SAFE_INTEGER)) {
    return { kind: 'int', value: Number(value) };
  }
  return { kind: 'big-int', value };
}

/** go-yaml's ParseFloat step: a finite float64, or undefined (Go returns a range error for ±Inf results). */
function parseGoFloat(text: string): number | undefined {
  const value = Number(text);
  return Number.isFinite(value) ? value : undefined;
}

/** How go-yaml v2 reads an untagged plain (unquoted) scalar. Timestamps stay strings, as for interface{} targets. */
export function resolvePlain(text: string): ResolvedScalar {
  const keyword = KEYWORDS.get(text);
  if (keyword) return keyword;
  const first = text.charCodeAt(0);
  if (first === 0x2e /* . */) {
    if (DOT_FLOAT.test(text)) {
      const f = parseGoFloat(text);
      if (f !== undefined) return { kind: 'float', value: f };
    }
    return { kind: 'string', value: text };
  }
  const isDigit = first >= 0x30 && first <= 0x39;
  if (!isDigit && first !== 0x2b /* + */ && first !== 0x2d /* - */) return { kind: 'string', value: text };
  const plain = text.includes('_') ? text.replaceAll('_', '') : text;
  const int = parseGoInt(plain);
  if (int !== undefined) return integer(int);
  if (YAML_STYLE_FLOAT.test(plain)) {
    const f = parseGoFloat(plain);
    if (f !== undefined) return { kind: 'float', value: f };
  }
  return { kind: 'string', value: text };
}

/** True when go-yaml v2 reads `text`, written as a plain scalar, back as this very string. */
export function isPlainSafeString(text: string): boolean {
  return resolvePlain(text).kind === 'string';
}

// go-yaml v2's allowedTimestampFormats for Go's time.Parse: 2006-1-2T15:4:5.999999999Z07:00 (T or t),
// 2006-1-2 15:4:5.999999999 and 2006-1-2 (1- or 2-digit fields, optional fraction).
const GO_TIMESTAMP =
  /^(\d{4})-(\d{1,2})-(\d{1,2})(?:[Tt](\d{1,2}):(\d{1,2}):(\d{1,2})(?:[.,]\d+)?(?:Z|[+-](\d{2}):(\d{2}))| (\d{1,2}):(\d{1,2}):(\d{1,2})(?:[.,]\d+)?)?$/;

/** True when go-yaml v2 accepts `text` as an explicit `!!timestamp` (Go's time.Parse, with its range checks). */
export function isGoTimestamp(text: string): boolean {
  const m = GO_TIMESTAMP.exec(text);
  if (!m) return false;
  const [year, month, day] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const leap = year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
  const days = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1];
  if (days === undefined || day < 1 || day > days) return false;
  const hour = Number(m[4] ?? m[9] ?? 0);
  const minute = Number(m[5] ?? m[10] ?? 0);
  const second = Number(m[6] ?? m[11] ?? 0);
  if (hour > 23 || minute > 59 || second > 59) return false;
  // Go allows zone offsets up to 24:60.
  return Number(m[7] ?? 0) <= 24 && Number(m[8] ?? 0) <= 60;
}
