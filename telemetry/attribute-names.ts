// Span-event and link attribute names the span builders add beyond lineage/names.ts. They follow the same rule:
// our own names under ATTRIBUTE_PREFIX (candidates to move into lineage/names.ts).
import { ATTRIBUTE_PREFIX } from '../lineage/names.js';

export const SpanAttributes = {
  /** `kind/namespace/name` of a Kubernetes object. */
  resource: `${ATTRIBUTE_PREFIX}resource`,
  resourceKind: `${ATTRIBUTE_PREFIX}resource.kind`,
  resourceName: `${ATTRIBUTE_PREFIX}resource.name`,
  resourceGroup: `${ATTRIBUTE_PREFIX}resource.group`,
  resourceStatus: `${ATTRIBUTE_PREFIX}resource.status`,
  resourceMessage: `${ATTRIBUTE_PREFIX}resource.message`,
  resourceHookType: `${ATTRIBUTE_PREFIX}resource.hook_type`,
  resourceSyncPhase: `${ATTRIBUTE_PREFIX}resource.sync_phase`,
  patchOperations: `${ATTRIBUTE_PREFIX}patch.operations`,
  warning: `${ATTRIBUTE_PREFIX}warning`,
  /** What a link points at (`pipeline`). */
  linkKind: `${ATTRIBUTE_PREFIX}link.kind`,
  /** Sync spans: Argo CD project, phase, retries, who started it. */
  appProject: `${ATTRIBUTE_PREFIX}app.project`,
  /** Namespace of the Application object itself (usually argocd), not its destination. */
  appNamespace: `${ATTRIBUTE_PREFIX}app.namespace`,
  syncPhase: `${ATTRIBUTE_PREFIX}sync.phase`,
  syncMessage: `${ATTRIBUTE_PREFIX}sync.message`,
  syncRetryCount: `${ATTRIBUTE_PREFIX}sync.retry_count`,
  syncInitiatedBy: `${ATTRIBUTE_PREFIX}sync.initiated_by`,
  syncAutomated: `${ATTRIBUTE_PREFIX}sync.automated`,
  syncRevisions: `${ATTRIBUTE_PREFIX}sync.revisions`,
  healthStatus: `${ATTRIBUTE_PREFIX}health.status`,
  /** Commit the pipeline built (lineage `commit`), when it differs from the GitOps revision. */
  sourceCommit: `${ATTRIBUTE_PREFIX}source.commit`,
} as const;

/** De facto link type (OpenTracing bridge), which Tempo can query as `link.opentracing.ref_type`. */
export const LINK_REF_TYPE = 'opentracing.ref_type';
