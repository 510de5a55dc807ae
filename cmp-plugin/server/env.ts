// Request env as argocd-cmp-server builds it: NAME=VALUE per entry, entries with an empty name dropped,
// later duplicates winning.
import { LineageCarrierNames } from '../../lineage/names.js';
import type { EnvEntry } from './protocol.js';

export function envFromEntries(entries: readonly EnvEntry[]): Record<string, string> {
  const env: Record<string, string> = {};
  for (const { name, value } of entries) if (name !== '') env[name] = value ?? '';
  return env;
}

/** True when the request already carries the pipeline traceparent, so commit trailers in `.git` are not needed. */
export function hasTraceparentInEnv(env: Readonly<Record<string, string>>): boolean {
  const { pluginEnv, paramEnv } = LineageCarrierNames.traceparent;
  return [pluginEnv, paramEnv].some((k) => (env[k] ?? '').trim() !== '');
}
