// What the plugin announces in the Application's Parameters tab. Argo CD passes each set value back in
// ARGOCD_APP_PARAMETERS and as PARAM_<NAME>; the names are the ones generate reads (lineage, inject, helm).
import { LineageCarrierNames, StrictCarrierNames } from '../../lineage/names.js';
import { ALLOW_EMPTY_PARAMETER } from '../generate.js';
import { InjectParameters } from '../inject/options.js';
import { HelmParameters } from '../render/helm.js';
import type { ParameterAnnouncement } from './protocol.js';

const text = (name: string, title: string, tooltip: string): ParameterAnnouncement => ({ name, title, tooltip, collectionType: 'string', itemType: 'string' });
const flag = (name: string, title: string, tooltip: string, byDefault: boolean): ParameterAnnouncement => ({
  name,
  title,
  tooltip,
  collectionType: 'string',
  itemType: 'boolean',
  string: String(byDefault),
});

export const ANNOUNCED_PARAMETERS: readonly ParameterAnnouncement[] = [
  text(LineageCarrierNames.traceparent.parameter, 'Pipeline traceparent (W3C)', 'Links generation and workloads to this CI trace; overrides the lineage file and commit trailers.'),
  text(LineageCarrierNames.modelId.parameter, 'ML model id', 'Written as MODEL_ID and ml.model.id on every container.'),
  text(LineageCarrierNames.datasetVersion.parameter, 'Dataset version', 'Written as the ml.dataset.version resource attribute.'),
  text(LineageCarrierNames.tracestate.parameter, 'Pipeline tracestate (W3C)', 'Carried with the traceparent.'),
  text(LineageCarrierNames.pipelineName.parameter, 'CI pipeline name', 'cicd.pipeline.name on the generation span.'),
  text(LineageCarrierNames.pipelineRunId.parameter, 'CI pipeline run id', 'cicd.pipeline.run.id resource attribute.'),
  text(LineageCarrierNames.pipelineRunUrl.parameter, 'CI pipeline run URL', 'Link back to the pipeline run.'),
  text(LineageCarrierNames.commit.parameter, 'Commit the pipeline built', 'vcs.ref.head.revision resource attribute.'),
  text(LineageCarrierNames.environment.parameter, 'Deployment environment', 'deployment.environment.name resource attribute.'),
  flag(StrictCarrierNames.parameter, 'Strict lineage', 'Fail generation on invalid lineage values instead of warning.', false),
  flag(ALLOW_EMPTY_PARAMETER, 'Allow empty output', 'Accept an app that renders no objects (otherwise refused: Argo CD would prune everything).', false),
  { name: InjectParameters.containers, title: 'Containers to inject', tooltip: 'Container names to inject into; empty means all.', collectionType: 'array', itemType: 'string' },
  flag(InjectParameters.overwrite, 'Overwrite existing values', 'Replace user-set annotations/env instead of keeping them.', false),
  flag(InjectParameters.seedAnnotation, 'Seed annotation', 'Also write the orchestration.trace_id annotation.', true),
  text(InjectParameters.annotationKey, 'Traceparent annotation key', 'Annotation key for the traceparent (default argo-otel.io/traceparent).'),
  text(HelmParameters.releaseName, 'Helm release name', 'Defaults to the Argo CD application name.'),
  text(HelmParameters.namespace, 'Helm namespace', 'Defaults to the destination namespace.'),
  { name: HelmParameters.valuesFiles, title: 'Helm values files', tooltip: 'Values files relative to the app directory, in order.', collectionType: 'array', itemType: 'string' },
  { name: HelmParameters.set, title: 'Helm --set', tooltip: 'Values passed with --set.', collectionType: 'map', itemType: 'string' },
  { name: HelmParameters.setString, title: 'Helm --set-string', tooltip: 'Values passed with --set-string.', collectionType: 'map', itemType: 'string' },
  flag(HelmParameters.skipCrds, 'Helm skip CRDs', 'Leave out the chart crds/ directory.', false),
];
