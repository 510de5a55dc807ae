// OTEL_RESOURCE_ATTRIBUTES in the OTel SDK environment format: `k=v,k=v`, values percent-encoded.

/** One `key=value` member, value kept as written so untouched members are never re-encoded. */
export interface ResourceAttributeMember {
  key: string;
  rawValue: string;
}

export function parseResourceAttributes(text: string): ResourceAttributeMember[] {
  const members: ResourceAttributeMember[] = [];
  for (const part of text.split(',')) {
    if (part.trim() === '') continue;
    const eq = part.indexOf('=');
    if (eq === -1) members.push({ key: part.trim(), rawValue: '' });
    else members.push({ key: part.slice(0, eq).trim(), rawValue: part.slice(eq + 1).trim() });
  }
  return members;
}

// W3C baggage-octet (what the OTel spec allows unencoded), minus `%` (the escape), `=` and `,` (separators that
// naive parsers split on) and `$` (Kubernetes would expand `$(NAME)` in an env value).
function isPlainOctet(code: number): boolean {
  if (code < 0x21 || code > 0x7e) return false;
  return code !== 0x22 && code !== 0x2c && code !== 0x3b && code !== 0x5c && code !== 0x25 && code !== 0x3d && code !== 0x24;
}

export function encodeResourceAttributeValue(value: string): string {
  let out = '';
  for (const byte of Buffer.from(value, 'utf8')) {
    out += isPlainOctet(byte) ? String.fromCharCode(byte) : `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}

export function formatResourceAttributes(members: readonly ResourceAttributeMember[]): string {
  return members.map((m) => `${m.key}=${m.rawValue}`).join(',');
}

/** A member to add: `raw` values (a `$(VAR)` reference) are written as they are, others percent-encoded. */
export interface WantedAttribute {
  key: string;
  value: string;
  raw?: boolean;
}

/**
 * Merges wanted attributes into an existing value. Existing keys win unless `overwrite`; the result is undefined
 * when nothing changes, so callers emit no patch.
 */
export function mergeResourceAttributes(
  existing: string | undefined,
  wanted: readonly WantedAttribute[],
  overwrite: boolean,
): string | undefined {
  const members = existing === undefined ? [] : parseResourceAttributes(existing);
  let changed = false;
  const appended: ResourceAttributeMember[] = [];
  for (const w of wanted) {
    const rawValue = w.raw ? w.value : encodeResourceAttributeValue(w.value);
    const at = members.findIndex((m) => m.key === w.key);
    if (at === -1) {
      appended.push({ key: w.key, rawValue });
      changed = true;
    } else if (overwrite && members[at]?.rawValue !== rawValue) {
      members[at] = { key: w.key, rawValue };
      changed = true;
    }
  }
  if (!changed) return undefined;
  if (existing !== undefined && appended.length > 0 && !overwrite) {
    // Keep the user's text exactly; only add members at the end.
    const base = existing.replace(/[\s,]+$/, '');
    const tail = formatResourceAttributes(appended);
    return base === '' ? tail : `${base},${tail}`;
  }
  return formatResourceAttributes([...members, ...appended]);
}
