// Reads the carriers Argo CD passes as env (pure: the env is a plain record): the Application's plugin env
// (ARGOCD_ENV_*), the plugin parameters (ARGOCD_APP_PARAMETERS JSON, with PARAM_* as fallback), and `strict`.
import { ARGOCD_APP_PARAMETERS, LineageCarrierNames, StrictCarrierNames } from './names.js';
import { LINEAGE_FIELDS } from './fields.js';
import type { LineageField } from './record.js';
import type { CarrierReading, CarrierValue } from './resolve.js';
import { quote } from './result.js';

export type Env = Readonly<Record<string, string | undefined>>;

const PLUGIN_ENV_PREFIX = 'ARGOCD_ENV_';

/** Argo CD's escaping of a parameter name into `PARAM_<NAME>`: upper-case, anything else becomes `_`. */
export const escapeEnvName = (name: string): string => name.toUpperCase().replace(/[^A-Z0-9_]/g, '_');

export function readPluginEnv(env: Env): CarrierReading {
  const values: Partial<Record<LineageField, CarrierValue>> = {};
  const notices: string[] = [];
  for (const field of LINEAGE_FIELDS) {
    const name = LineageCarrierNames[field].pluginEnv;
    const value = env[name];
    if (value !== undefined) values[field] = { value, origin: `plugin env ${name}` };
  }
  // Argo CD passes plugin env names verbatim, so `name: model-id` arrives as ARGOCD_ENV_model-id; say so.
  const ours = new Set<string>([...LINEAGE_FIELDS.map((f) => LineageCarrierNames[f].pluginEnv), StrictCarrierNames.pluginEnv]);
  for (const name of Object.keys(env).sort()) {
    if (!name.startsWith(PLUGIN_ENV_PREFIX) || ours.has(name)) continue;
    const meant = PLUGIN_ENV_PREFIX + escapeEnvName(name.slice(PLUGIN_ENV_PREFIX.length));
    if (ours.has(meant)) notices.push(`plugin env ${name} ignored: names are case-sensitive, use ${meant.slice(PLUGIN_ENV_PREFIX.length)}`);
  }
  return { source: 'plugin-env', values, problems: [], notices };
}

interface Parameter {
  name: string;
  string?: unknown;
  array?: unknown;
  map?: unknown;
}

type ParsedParameters = { parameters: Parameter[]; problem?: undefined } | { parameters: []; problem: string };

function parseParameters(json: string | undefined): ParsedParameters {
  // Argo CD sends `null` when the Application sets no parameters.
  if (json === undefined || json.trim() === '' || json.trim() === 'null') return { parameters: [] };
  let data: unknown;
  try {
    data = JSON.parse(json);
  } catch (err) {
    return { parameters: [], problem: `${ARGOCD_APP_PARAMETERS} is not valid JSON: ${(err as Error).message}` };
  }
  if (!Array.isArray(data)) return { parameters: [], problem: `${ARGOCD_APP_PARAMETERS} must be a JSON array of parameters` };
  const parameters: Parameter[] = [];
  for (const [i, item] of data.entries()) {
    if (typeof item !== 'object' || item === null || typeof (item as { name?: unknown }).name !== 'string') {
      return { parameters: [], problem: `${ARGOCD_APP_PARAMETERS}[${i}] must be an object with a string "name"` };
    }
    parameters.push(item as Parameter);
  }
  return { parameters };
}

/** A string parameter's value from the JSON, else from PARAM_<NAME>; records why a non-string one is unusable. */
function parameterValue(
  parameters: readonly Parameter[],
  name: string,
  paramEnv: string,
  env: Env,
  problems: string[],
): CarrierValue | undefined {
  const found = parameters.find((p) => p.name === name);
  if (found) {
    const origin = `parameter ${quote(name)} (${ARGOCD_APP_PARAMETERS})`;
    if (typeof found.string === 'string') return { value: found.string, origin };
    problems.push(`${origin}: must be a string parameter, not ${found.array !== undefined ? 'an array' : found.map !== undefined ? 'a map' : 'empty'}`);
    return undefined;
  }
  const value = env[paramEnv];
  return value === undefined ? undefined : { value, origin: `parameter env ${paramEnv}` };
}

export function readParameters(env: Env): CarrierReading {
  const parsed = parseParameters(env[ARGOCD_APP_PARAMETERS]);
  const problems = parsed.problem ? [parsed.problem] : [];
  const values: Partial<Record<LineageField, CarrierValue>> = {};
  for (const field of LINEAGE_FIELDS) {
    const names = LineageCarrierNames[field];
    const value = parameterValue(parsed.parameters, names.parameter, names.paramEnv, env, problems);
    if (value) values[field] = value;
  }
  return { source: 'parameters', values, problems, notices: [] };
}

export interface StrictSetting {
  strict: boolean;
  /** Set when the value was neither true nor false (then strict is off). */
  notice?: string;
}

/** `strict` from plugin env, then the parameter JSON, then PARAM_STRICT; the first one present decides. */
export function readStrict(env: Env): StrictSetting {
  const ignored: string[] = [];
  const candidates: Array<CarrierValue | undefined> = [
    env[StrictCarrierNames.pluginEnv] === undefined
      ? undefined
      : { value: env[StrictCarrierNames.pluginEnv] ?? '', origin: `plugin env ${StrictCarrierNames.pluginEnv}` },
    parameterValue(parseParameters(env[ARGOCD_APP_PARAMETERS]).parameters, StrictCarrierNames.parameter, StrictCarrierNames.paramEnv, env, ignored),
  ];
  const chosen = candidates.find((c) => c !== undefined && c.value.trim() !== '');
  if (!chosen) return { strict: false };
  const value = chosen.value.trim().toLowerCase();
  if (value === 'true') return { strict: true };
  if (value === 'false') return { strict: false };
  return { strict: false, notice: `${chosen.origin}: ${quote(chosen.value)} is not true or false; strict mode is off` };
}
