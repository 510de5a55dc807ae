// Writes JSON data as block YAML that go-yaml v2 reads back to the very same values. Hand-written because the
// quoting decision must use go-yaml v2's own resolver (yaml-scalars.ts): a YAML 1.2 writer leaves `yes`, `0o17` or
// `08` unquoted and go-yaml would turn them into a bool or a number. It is also ~5× faster than `yaml` stringify.
import { isPlainSafeString } from './yaml-scalars.js';
import type { JsonValue } from './yaml-reader.js';

// Characters that keep a plain scalar unambiguous in any position (block key or value, never flow context).
// The first character may not be an indicator, and `-`/`.`/`+` only before a word character (`- x`, `---`, `...`).
const PLAIN_SAFE = /^(?:[A-Za-z0-9_/]|[.+-](?=[A-Za-z0-9_/]))(?:[A-Za-z0-9_./+@%=~()-]|[:#](?=[A-Za-z0-9_./-])| (?=[A-Za-z0-9_./(+-]))*$/;

// go-yaml v2 reads `12:30` as a string, but YAML 1.1 readers with sexagesimal ints (PyYAML, `yaml`) do not: quote.
const SEXAGESIMAL = /^[-+]?[0-9][0-9_]*(:[0-5]?[0-9])+(\.[0-9_]*)?$/;

function scalarText(value: string): string {
  if (value.length > 0 && value.length < 256 && PLAIN_SAFE.test(value) && !SEXAGESIMAL.test(value) && isPlainSafeString(value)) {
    return value;
  }
  // JSON escapes are a subset of YAML double-quoted escapes, so JSON.stringify is a correct YAML quoter.
  return JSON.stringify(value);
}

function numberText(value: number): string {
  if (!Number.isFinite(value)) throw new Error(`cannot write ${value} as a Kubernetes value`);
  return JSON.stringify(value);
}

function isEmptyCollection(value: JsonValue): boolean {
  return typeof value === 'object' && value !== null && (Array.isArray(value) ? value.length === 0 : isEmptyObject(value));
}

function isEmptyObject(value: object): boolean {
  for (const _ in value) return false;
  return true;
}

function inline(value: JsonValue): string {
  if (value === null) return 'null';
  if (typeof value === 'string') return scalarText(value);
  if (typeof value === 'number') return numberText(value);
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  return Array.isArray(value) ? '[]' : '{}';
}

function write(value: JsonValue, indent: string, out: string[]): void {
  if (Array.isArray(value)) {
    for (const item of value) {
      if (typeof item === 'object' && item !== null && !isEmptyCollection(item)) {
        // First entry of a map/seq shares the dash line.
        const nested: string[] = [];
        write(item, `${indent}  `, nested);
        const first = nested[0] ?? '';
        out.push(`${indent}- ${first.slice(indent.length + 2)}`);
        for (let i = 1; i < nested.length; i++) out.push(nested[i] ?? '');
      } else {
        out.push(`${indent}- ${inline(item)}`);
      }
    }
    return;
  }
  if (typeof value === 'object' && value !== null) {
    for (const key of Object.keys(value)) {
      const v = value[key] as JsonValue;
      const k = scalarText(key);
      if (typeof v === 'object' && v !== null && !isEmptyCollection(v)) {
        out.push(`${indent}${k}:`);
        write(v, Array.isArray(v) ? indent : `${indent}  `, out);
      } else {
        out.push(`${indent}${k}: ${inline(v)}`);
      }
    }
    return;
  }
  out.push(`${indent}${inline(value)}`);
}

/** One YAML document (no `---`), newline-terminated. */
export function toYamlDocument(value: JsonValue): string {
  const out: string[] = [];
  write(value, '', out);
  return `${out.join('\n')}\n`;
}

/** A multi-document stream as argocd-cmp-server splits it: documents separated by `---` lines. */
export function toYamlStream(values: readonly JsonValue[]): string {
  return values.map(toYamlDocument).join('---\n');
}
