// One SYNC span per completed Argo CD sync operation (semconv span.cicd.pipeline.run.server: `SYNC <app>`, SERVER),
// linked to the pipeline trace. Its ids are derived from the operation, so every delivery of the same facts —
// retries, several triggers, several replicas — produces the same span, not a new one.
import { ROOT_CONTEXT, SpanKind, SpanStatusCode, type Attributes, type Tracer } from '@opentelemetry/api';
import { ATTR_ERROR_TYPE, ATTR_K8S_NAMESPACE_NAME } from '@opentelemetry/semantic-conventions';
import {
  ATTR_CICD_PIPELINE_ACTION_NAME,
  ATTR_CICD_PIPELINE_RESULT,
  ATTR_VCS_REF_HEAD_REVISION,
  ATTR_VCS_REPOSITORY_URL_FULL,
  CICD_PIPELINE_ACTION_NAME_VALUE_SYNC,
  CICD_PIPELINE_RESULT_VALUE_ERROR,
  CICD_PIPELINE_RESULT_VALUE_FAILURE,
  CICD_PIPELINE_RESULT_VALUE_SUCCESS,
} from '../../telemetry/semconv.js';
import { OwnAttributes } from '../../lineage/names.js';
import { SpanAttributes } from '../../telemetry/attribute-names.js';
import { definedAttributes, lineageAttributes, pipelineLink } from '../../telemetry/generation.js';
import { deterministicIds, withFixedIds } from '../../telemetry/ids.js';
import type { CompletedPhase, SyncEvent } from './sync-event.js';
import type { SyncLineage } from './sync-lineage.js';

const RESULT: Record<CompletedPhase, string> = {
  Succeeded: CICD_PIPELINE_RESULT_VALUE_SUCCESS,
  Failed: CICD_PIPELINE_RESULT_VALUE_FAILURE,
  Error: CICD_PIPELINE_RESULT_VALUE_ERROR,
};

/** What identifies one operation outcome: the same key ⇒ the same trace and span id. */
export function syncOperationKey(event: SyncEvent): string {
  return ['argo-otel/sync/v1', event.appNamespace, event.app, event.uid, event.startedAt, event.phase].join('\u0000');
}

export function syncSpanIds(event: SyncEvent): { traceId: string; spanId: string } {
  return deterministicIds(syncOperationKey(event));
}

function resourceEvent(r: SyncEvent['resources'][number]): Attributes {
  const id = [r.kind, r.namespace, r.name].filter(Boolean).join('/');
  return definedAttributes({
    [SpanAttributes.resource]: id,
    [SpanAttributes.resourceGroup]: r.group,
    [SpanAttributes.resourceKind]: r.kind,
    [ATTR_K8S_NAMESPACE_NAME]: r.namespace,
    [SpanAttributes.resourceName]: r.name,
    [SpanAttributes.resourceStatus]: r.status,
    [SpanAttributes.resourceMessage]: r.message,
    [SpanAttributes.resourceHookType]: r.hookType,
    [SpanAttributes.resourceSyncPhase]: r.syncPhase,
  });
}

/** Emits the span for a completed operation and returns its ids. */
export function recordSyncSpan(
  tracer: Tracer,
  event: SyncEvent & { phase: CompletedPhase },
  lineage: SyncLineage,
): { traceId: string; spanId: string } {
  const ids = syncSpanIds(event);
  const link = pipelineLink(lineage.lineage);
  const revision = event.revisions[0];
  const repoUrl = event.sources.find((s) => s.repoURL)?.repoURL;
  // metav1.Time has second resolution; a sub-second sync can show finishedAt == startedAt, never earlier.
  const end = Math.max(event.finishedAtMs, event.startedAtMs);

  const span = withFixedIds(ids, () =>
    tracer.startSpan(
      `SYNC ${event.app}`,
      {
        kind: SpanKind.SERVER,
        root: true,
        startTime: event.startedAtMs,
        links: link ? [link] : [],
        attributes: {
          ...lineageAttributes(lineage.lineage),
          ...definedAttributes({
            [ATTR_CICD_PIPELINE_ACTION_NAME]: CICD_PIPELINE_ACTION_NAME_VALUE_SYNC,
            [ATTR_CICD_PIPELINE_RESULT]: RESULT[event.phase],
            [ATTR_VCS_REF_HEAD_REVISION]: revision,
            [ATTR_VCS_REPOSITORY_URL_FULL]: repoUrl,
            [ATTR_K8S_NAMESPACE_NAME]: event.destinationNamespace,
            [SpanAttributes.syncRevisions]: event.revisions.length > 1 ? event.revisions : undefined,
            [SpanAttributes.sourceCommit]:
              lineage.lineage.commit && lineage.lineage.commit !== revision ? lineage.lineage.commit : undefined,
            [OwnAttributes.appName]: event.app,
            [SpanAttributes.appNamespace]: event.appNamespace,
            [SpanAttributes.appProject]: event.project,
            [OwnAttributes.appPath]: event.sources.find((s) => s.path)?.path,
            [OwnAttributes.resourcesTotal]: event.resources.length,
            [OwnAttributes.lineageSource]: [...new Set(Object.values(lineage.sources))].sort().join(','),
            [SpanAttributes.syncPhase]: event.phase,
            [SpanAttributes.syncMessage]: event.message,
            [SpanAttributes.syncRetryCount]: event.retryCount,
            [SpanAttributes.syncInitiatedBy]: event.initiatedBy.username,
            [SpanAttributes.syncAutomated]: event.initiatedBy.automated,
            [SpanAttributes.healthStatus]: event.health,
            [ATTR_ERROR_TYPE]: event.phase === 'Succeeded' ? undefined : event.phase,
          }),
        },
      },
      ROOT_CONTEXT,
    ),
  );
  for (const r of event.resources) span.addEvent('sync.resource', resourceEvent(r), end);
  for (const warning of lineage.warnings) span.addEvent('warning', { [SpanAttributes.warning]: warning }, end);
  span.setStatus(
    event.phase === 'Succeeded'
      ? { code: SpanStatusCode.OK }
      : { code: SpanStatusCode.ERROR, message: event.message || `sync ${event.phase.toLowerCase()}` },
  );
  span.end(end);
  // The real ids: equal to `ids` when the tracer's provider uses OverridableIdGenerator (startTracing does).
  const { traceId, spanId } = span.spanContext();
  return { traceId, spanId };
}
