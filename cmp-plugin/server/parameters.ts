// What the plugin announces in the Application's Parameters tab. Argo CD passes each set value back as
// PARAM_<NAME> (upper-cased, non [A-Z0-9_] -> `_`), so these names are the contract with generate.
import type { ParameterAnnouncement } from './protocol.js';

export const ANNOUNCED_PARAMETERS: readonly ParameterAnnouncement[] = [
  {
    name: 'traceparent',
    title: 'Pipeline traceparent (W3C)',
    tooltip: 'Links the generation and the workloads to this CI trace; overrides the lineage file and commit trailers.',
    collectionType: 'string',
    itemType: 'string',
  },
  {
    name: 'model-id',
    title: 'ML model id',
    tooltip: 'Written as MODEL_ID env and ml.model.id resource attribute on every container.',
    collectionType: 'string',
    itemType: 'string',
  },
  {
    name: 'strict',
    title: 'Strict mode',
    tooltip: 'When "true", fail generation if no valid pipeline lineage is found instead of rendering without it.',
    collectionType: 'string',
    itemType: 'boolean',
    string: 'false',
  },
  {
    name: 'helm-values-files',
    title: 'Helm values files',
    tooltip: 'Values files (relative to the app directory) passed to helm template, in order.',
    collectionType: 'array',
    itemType: 'string',
  },
  {
    name: 'helm-set',
    title: 'Helm --set values',
    tooltip: 'key=value pairs passed to helm template with --set.',
    collectionType: 'map',
    itemType: 'string',
  },
  {
    name: 'containers',
    title: 'Containers to inject',
    tooltip: 'Container names that receive MODEL_ID and trace env; empty means all containers.',
    collectionType: 'array',
    itemType: 'string',
  },
];
