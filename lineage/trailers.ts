// Lineage as git commit trailers (`Model-Id: …`): pure parse of git's trailer output and formatting for `stamp`.
import { LINEAGE_FIELDS } from './fields.js';
import { LineageCarrierNames } from './names.js';
import type { Lineage, LineageField } from './record.js';
import type { CarrierValue } from './resolve.js';

/** Trailer key (lower-cased, as git compares them) → field. */
const FIELD_BY_TRAILER = new Map<string, LineageField>(
  LINEAGE_FIELDS.map((f) => [LineageCarrierNames[f].trailer.toLowerCase(), f]),
);

export interface TrailerValues {
  values: Partial<Record<LineageField, CarrierValue>>;
  notices: string[];
}

/**
 * Reads `Key: value` lines as printed by `git log --format=%(trailers:only,unfold)`. Keys match case-insensitively,
 * as in git; when a key repeats, the last one wins (git appends new trailers at the end) and we say so.
 */
export function parseTrailers(text: string, where: string): TrailerValues {
  const values: Partial<Record<LineageField, CarrierValue>> = {};
  const notices: string[] = [];
  for (const line of text.split('\n')) {
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    const key = line.slice(0, colon).trim();
    const field = FIELD_BY_TRAILER.get(key.toLowerCase());
    if (!field) continue;
    const value = line.slice(colon + 1).trim();
    if (values[field] && values[field].value !== value) {
      notices.push(`${where}: trailer ${LineageCarrierNames[field].trailer} appears more than once; using the last`);
    }
    values[field] = { value, origin: `${where} trailer ${LineageCarrierNames[field].trailer}` };
  }
  return { values, notices };
}

/** `Key: value` for every set field, in the lineage file's field order (values are single-line by validation). */
export function formatTrailers(lineage: Lineage): string[] {
  return LINEAGE_FIELDS.flatMap((field) => {
    const value = lineage[field];
    return value === undefined ? [] : [`${LineageCarrierNames[field].trailer}: ${value}`];
  });
}
