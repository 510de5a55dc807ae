// The lineage file (`.argo-otel/lineage.json`): a JSON object with sorted keys, `"schema"` naming the version,
// and one string per lineage field. Pure parse and format; unknown keys are kept so a newer writer's data survives.
import { isLineageField, LINEAGE_FIELDS } from './fields.js';
import { LINEAGE_FILE_SCHEMA } from './names.js';
import type { Lineage, LineageField } from './record.js';
import { fail, ok, quote, type ParseResult } from './result.js';

export interface LineageFileContent {
  /** Field values as written (not yet validated). */
  values: Partial<Record<LineageField, string>>;
  /** Keys that are neither `schema` nor a lineage field, kept verbatim. */
  extra: Record<string, unknown>;
  /** Keys whose value has the wrong type. */
  problems: string[];
}

export function parseLineageFile(text: string): ParseResult<LineageFileContent> {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (err) {
    return fail(`not valid JSON: ${(err as Error).message}`);
  }
  if (typeof data !== 'object' || data === null || Array.isArray(data)) return fail('must be a JSON object');
  const record = data as Record<string, unknown>;
  if (record.schema !== LINEAGE_FILE_SCHEMA) {
    return fail(
      record.schema === undefined
        ? `has no "schema"; expected "${LINEAGE_FILE_SCHEMA}"`
        : `has schema ${quote(String(record.schema))}; this version reads "${LINEAGE_FILE_SCHEMA}"`,
    );
  }
  const content: LineageFileContent = { values: {}, extra: {}, problems: [] };
  for (const [key, value] of Object.entries(record)) {
    if (key === 'schema') continue;
    if (!isLineageField(key)) content.extra[key] = value;
    else if (typeof value === 'string') content.values[key] = value;
    else content.problems.push(`key ${quote(key)} must be a string, got ${value === null ? 'null' : typeof value}`);
  }
  return ok(content);
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (typeof value !== 'object' || value === null) return value;
  return Object.fromEntries(
    Object.keys(value)
      .sort()
      .map((k) => [k, sortKeys((value as Record<string, unknown>)[k])]),
  );
}

/** Deterministic bytes: keys sorted at every level, two-space indent, trailing newline. */
export function formatLineageFile(lineage: Lineage, extra: Readonly<Record<string, unknown>> = {}): string {
  const data: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(extra)) if (key !== 'schema' && !isLineageField(key)) data[key] = value;
  for (const field of LINEAGE_FIELDS) {
    const value = lineage[field];
    if (value !== undefined) data[field] = value;
  }
  data.schema = LINEAGE_FILE_SCHEMA;
  return `${JSON.stringify(sortKeys(data), null, 2)}\n`;
}
