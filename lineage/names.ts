// Every name argo-otel puts on objects, env or telemetry. Our own names live under one prefix:
// annotation keys under `argo-otel.io/`, span/resource attributes under `argo_otel.`.
// Standard names come from the OpenTelemetry semantic conventions; seed names stay for compatibility.

export const ANNOTATION_PREFIX = 'argo-otel.io/';
export const ATTRIBUTE_PREFIX = 'argo_otel.';

/** Annotations written on workloads and their pod templates. */
export const Annotations = {
  traceparent: `${ANNOTATION_PREFIX}traceparent`,
  tracestate: `${ANNOTATION_PREFIX}tracestate`,
  modelId: `${ANNOTATION_PREFIX}model-id`,
  /** Seed-compatible key (orchestrator 001/002), on by default, configurable. */
  seedTraceId: 'orchestration.trace_id',
} as const;

/** Env vars injected into containers. */
export const ContainerEnv = {
  modelId: 'MODEL_ID',
  traceparent: 'TRACEPARENT',
  tracestate: 'TRACESTATE',
  /** Downward API from the pod annotation, so long-running services can link to the deployment. */
  deploymentTraceparent: 'ORCHESTRATION_TRACE_ID',
  podTemplateHash: 'ARGO_OTEL_POD_TEMPLATE_HASH',
  otelResourceAttributes: 'OTEL_RESOURCE_ATTRIBUTES',
} as const;

/** Label set by Argo Rollouts on the pods of each ReplicaSet it manages. */
export const ROLLOUTS_POD_TEMPLATE_HASH_LABEL = 'rollouts-pod-template-hash';

/** Resource attributes merged into OTEL_RESOURCE_ATTRIBUTES (semconv names first, seed names kept). */
export const ResourceAttributes = {
  modelId: 'ml.model.id',
  datasetVersion: 'ml.dataset.version',
  commit: 'vcs.ref.head.revision',
  pipelineRunId: 'cicd.pipeline.run.id',
  environment: 'deployment.environment.name',
  /** semconv `k8s.pod.label.<key>` form; the canary judge selects canary vs stable by it. */
  podTemplateHash: `k8s.pod.label.${ROLLOUTS_POD_TEMPLATE_HASH_LABEL}`,
} as const;

/** Our own span attributes (always under ATTRIBUTE_PREFIX). */
export const OwnAttributes = {
  resourcesTotal: `${ATTRIBUTE_PREFIX}resources.total`,
  resourcesInjected: `${ATTRIBUTE_PREFIX}resources.injected`,
  renderer: `${ATTRIBUTE_PREFIX}renderer`,
  lineageSource: `${ATTRIBUTE_PREFIX}lineage.source`,
  appName: `${ATTRIBUTE_PREFIX}app.name`,
  appPath: `${ATTRIBUTE_PREFIX}app.path`,
  mode: `${ATTRIBUTE_PREFIX}mode`,
} as const;
