// Plugin parameters as Argo CD passes them: ARGOCD_APP_PARAMETERS (exact names, JSON) first, PARAM_<ESC(name)> as
// the fallback for callers that only set the flattened variables.
import { GenerateError } from '../types.js';

export interface PluginParameter {
  name: string;
  string?: string;
  array?: string[];
  map?: Record<string, string>;
}

export type Env = Readonly<Record<string, string | undefined>>;

export class PluginParameters {
  private constructor(
    private readonly byName: ReadonlyMap<string, PluginParameter>,
    private readonly env: Env,
  ) {}

  static fromEnv(env: Env): PluginParameters {
    const raw = env.ARGOCD_APP_PARAMETERS;
    const byName = new Map<string, PluginParameter>();
    if (raw !== undefined && raw.trim() !== '' && raw.trim() !== 'null') {
      let parsed: unknown;
      try {
        parsed = JSON.parse(raw);
      } catch (err) {
        const reason = `ARGOCD_APP_PARAMETERS is not valid JSON: ${err instanceof Error ? err.message : String(err)}`;
        throw new GenerateError(reason, { reason });
      }
      if (!Array.isArray(parsed)) {
        const reason = 'ARGOCD_APP_PARAMETERS must be a JSON array of {name, string|array|map}';
        throw new GenerateError(reason, { reason });
      }
      for (const entry of parsed) {
        const p = toParameter(entry);
        byName.set(p.name, p);
      }
    }
    return new PluginParameters(byName, env);
  }

  string(name: string): string | undefined {
    const p = this.byName.get(name);
    if (p?.string !== undefined) return p.string;
    if (p) return undefined;
    return this.env[`PARAM_${escapeName(name)}`];
  }

  array(name: string): string[] | undefined {
    const p = this.byName.get(name);
    if (p?.array !== undefined) return p.array;
    if (p?.string !== undefined) return splitList(p.string);
    if (p) return undefined;
    const prefix = `PARAM_${escapeName(name)}_`;
    const items: string[] = [];
    for (let i = 0; ; i++) {
      const v = this.env[`${prefix}${i}`];
      if (v === undefined) break;
      items.push(v);
    }
    if (items.length > 0) return items;
    const single = this.env[`PARAM_${escapeName(name)}`];
    return single === undefined ? undefined : splitList(single);
  }

  /** Map parameters need ARGOCD_APP_PARAMETERS: PARAM_<NAME>_<KEY> loses the key's spelling. */
  map(name: string): Record<string, string> | undefined {
    return this.byName.get(name)?.map;
  }

  boolean(name: string, fallback: boolean): boolean {
    const v = this.string(name);
    if (v === undefined || v.trim() === '') return fallback;
    const normalized = v.trim().toLowerCase();
    if (['true', 'yes', '1', 'on'].includes(normalized)) return true;
    if (['false', 'no', '0', 'off'].includes(normalized)) return false;
    const reason = `plugin parameter ${name} must be true or false, got ${JSON.stringify(v)}`;
    throw new GenerateError(reason, { reason });
  }
}

/** Argo CD's escaping for PARAM_ names: upper-case, then everything outside [A-Z0-9_] becomes `_`. */
export function escapeName(name: string): string {
  return name.toUpperCase().replace(/[^A-Z0-9_]/g, '_');
}

function splitList(value: string): string[] {
  return value
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
}

function toParameter(entry: unknown): PluginParameter {
  const bad = (why: string): never => {
    const reason = `ARGOCD_APP_PARAMETERS entry ${JSON.stringify(entry)}: ${why}`;
    throw new GenerateError(reason, { reason });
  };
  if (typeof entry !== 'object' || entry === null || Array.isArray(entry)) return bad('must be an object');
  const e = entry as Record<string, unknown>;
  if (typeof e.name !== 'string' || e.name === '') return bad('needs a non-empty string name');
  const p: PluginParameter = { name: e.name };
  if (e.string !== undefined) {
    if (typeof e.string !== 'string') return bad('string must be a string');
    p.string = e.string;
  }
  if (e.array !== undefined && e.array !== null) {
    if (!Array.isArray(e.array) || !e.array.every((v) => typeof v === 'string')) return bad('array must hold strings');
    p.array = e.array as string[];
  }
  if (e.map !== undefined && e.map !== null) {
    if (typeof e.map !== 'object' || Array.isArray(e.map) || !Object.values(e.map).every((v) => typeof v === 'string')) {
      return bad('map must map strings to strings');
    }
    p.map = e.map as Record<string, string>;
  }
  return p;
}
