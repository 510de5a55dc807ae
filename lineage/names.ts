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

/** The lineage file a pipeline writes into the app directory (see lineage/README.md). */
export const LINEAGE_FILE = '.argo-otel/lineage.json';
export const LINEAGE_FILE_SCHEMA = `${ANNOTATION_PREFIX}lineage/v1`;

/**
 * How each lineage field is spelled in each carrier: Application plugin env (`spec.source.plugin.env`, which
 * Argo CD prefixes with `ARGOCD_ENV_`), plugin parameter (in `ARGOCD_APP_PARAMETERS`, and as `PARAM_<NAME>`),
 * key in the lineage file, and git commit trailer.
 */
export const LineageCarrierNames = {
  traceparent: { pluginEnv: 'ARGOCD_ENV_TRACEPARENT', parameter: 'traceparent', paramEnv: 'PARAM_TRACEPARENT', trailer: 'Traceparent' },
  tracestate: { pluginEnv: 'ARGOCD_ENV_TRACESTATE', parameter: 'tracestate', paramEnv: 'PARAM_TRACESTATE', trailer: 'Tracestate' },
  modelId: { pluginEnv: 'ARGOCD_ENV_MODEL_ID', parameter: 'model-id', paramEnv: 'PARAM_MODEL_ID', trailer: 'Model-Id' },
  datasetVersion: { pluginEnv: 'ARGOCD_ENV_DATASET_VERSION', parameter: 'dataset-version', paramEnv: 'PARAM_DATASET_VERSION', trailer: 'Dataset-Version' },
  pipelineName: { pluginEnv: 'ARGOCD_ENV_PIPELINE_NAME', parameter: 'pipeline-name', paramEnv: 'PARAM_PIPELINE_NAME', trailer: 'Pipeline-Name' },
  pipelineRunId: { pluginEnv: 'ARGOCD_ENV_PIPELINE_RUN_ID', parameter: 'pipeline-run-id', paramEnv: 'PARAM_PIPELINE_RUN_ID', trailer: 'Pipeline-Run-Id' },
  pipelineRunUrl: { pluginEnv: 'ARGOCD_ENV_PIPELINE_RUN_URL', parameter: 'pipeline-run-url', paramEnv: 'PARAM_PIPELINE_RUN_URL', trailer: 'Pipeline-Run-Url' },
  commit: { pluginEnv: 'ARGOCD_ENV_COMMIT', parameter: 'commit', paramEnv: 'PARAM_COMMIT', trailer: 'Commit' },
  environment: { pluginEnv: 'ARGOCD_ENV_ENVIRONMENT', parameter: 'environment', paramEnv: 'PARAM_ENVIRONMENT', trailer: 'Environment' },
} as const;

/** `true` turns invalid lineage values from warnings into errors (plugin env, then parameter). */
export const StrictCarrierNames = { pluginEnv: 'ARGOCD_ENV_STRICT', parameter: 'strict', paramEnv: 'PARAM_STRICT' } as const;

/** Env a pipeline step reads its trace context from (OTel env-carrier names). */
export const PipelineEnv = { traceparent: 'TRACEPARENT', tracestate: 'TRACESTATE' } as const;

/** Argo CD env carrying the plugin parameters as JSON. */
export const ARGOCD_APP_PARAMETERS = 'ARGOCD_APP_PARAMETERS';
