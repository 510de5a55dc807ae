// Lineage for a sync, read only from what the notification carries: the receiver is stateless (several replicas,
// manifests may come from the repo-server cache so the CMP never ran for this sync). Pure.
import { LINEAGE_FIELDS, validateLineageValue } from '../../lineage/fields.js';
import { ANNOTATION_PREFIX, LineageCarrierNames } from '../../lineage/names.js';
import type { Lineage, LineageField } from '../../lineage/record.js';
import { parseCommitTrailers } from './commit-trailers.js';
import type { SyncEvent } from './sync-event.js';

/**
 * Carriers in precedence order. Sync info items are given for this very operation (`argocd app sync --info`),
 * so they beat the Application's standing plugin env/parameters; annotations and commit trailers come last.
 */
export type SyncLineageSource = 'sync-info' | 'plugin-env' | 'parameters' | 'annotation' | 'commit-trailers';
export const SYNC_LINEAGE_SOURCES: readonly SyncLineageSource[] = [
  'sync-info',
  'plugin-env',
  'parameters',
  'annotation',
  'commit-trailers',
];

export interface SyncLineage {
  lineage: Lineage;
  sources: Partial<Record<LineageField, SyncLineageSource>>;
  warnings: string[];
}

type RawValues = Partial<Record<LineageField, string>>;

const ENV_PREFIX = 'ARGOCD_ENV_';

/** `model-id`, `MODEL_ID` and `Model_Id` all name the same info item. */
const infoKey = (name: string): string => name.trim().toLowerCase().replace(/_/g, '-');

function collect(lookup: (field: LineageField) => string | undefined): RawValues {
  const out: RawValues = {};
  for (const field of LINEAGE_FIELDS) {
    const v = lookup(field);
    if (v !== undefined) out[field] = v;
  }
  return out;
}

function firstMatch<T extends { name: string; value: string }>(items: T[], matches: (name: string) => boolean): string | undefined {
  return items.find((i) => matches(i.name))?.value;
}

/** Raw values per carrier (exported for tests). */
export function carrierValues(event: SyncEvent): Record<SyncLineageSource, RawValues> {
  const trailers = parseCommitTrailers(event.commitMessage);
  return {
    'sync-info': collect((f) => firstMatch(event.info, (n) => infoKey(n) === LineageCarrierNames[f].parameter)),
    'plugin-env': collect((f) => {
      // The Application spells plugin env without the ARGOCD_ENV_ prefix Argo CD adds for the plugin process.
      const name = LineageCarrierNames[f].pluginEnv.slice(ENV_PREFIX.length);
      for (const s of event.sources) {
        const v = firstMatch(s.pluginEnv, (n) => n === name);
        if (v !== undefined) return v;
      }
      return undefined;
    }),
    parameters: collect((f) => {
      for (const s of event.sources) {
        const v = firstMatch(s.pluginParameters, (n) => n === LineageCarrierNames[f].parameter);
        if (v !== undefined) return v;
      }
      return undefined;
    }),
    annotation: collect((f) => event.annotations[`${ANNOTATION_PREFIX}${LineageCarrierNames[f].parameter}`]),
    // The last of a repeated trailer wins, as git appends new ones at the end (and as lineage/trailers.ts reads them).
    'commit-trailers': collect(
      (f) => trailers.findLast((t) => t.token.toLowerCase() === LineageCarrierNames[f].trailer.toLowerCase())?.value,
    ),
  };
}

/** Merges carriers per field by precedence; invalid values become warnings. */
export function resolveSyncLineage(event: SyncEvent): SyncLineage {
  const perCarrier = carrierValues(event);
  const lineage: Lineage = {};
  const sources: SyncLineage['sources'] = {};
  const warnings: string[] = [];

  for (const carrier of SYNC_LINEAGE_SOURCES) {
    const raw = perCarrier[carrier];
    for (const field of LINEAGE_FIELDS) {
      // tracestate belongs to the traceparent it came with: never pair one carrier's state with another's parent.
      if (field === 'tracestate') continue;
      const value = raw[field];
      if (value === undefined) continue;
      const checked = validateLineageValue(field, value);
      if (!checked.ok) {
        warnings.push(`${carrier}: ${field} ignored: ${checked.problem}`);
        continue;
      }
      if (checked.value === undefined || lineage[field] !== undefined) continue;
      lineage[field] = checked.value;
      sources[field] = carrier;
      if (field === 'traceparent' && raw.tracestate !== undefined) {
        const state = validateLineageValue('tracestate', raw.tracestate);
        if (!state.ok) warnings.push(`${carrier}: tracestate ignored: ${state.problem}`);
        else if (state.value !== undefined) {
          lineage.tracestate = state.value;
          sources.tracestate = carrier;
        }
      }
    }
  }
  return { lineage, sources, warnings };
}
