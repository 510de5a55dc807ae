// The span for one manifest generation (generate CLI or our CMP gRPC server). The pipeline trace is linked, not
// inherited: generation happens later and more than once, and its parent is Argo CD's own trace when there is one.
import { basename } from 'node:path';
import {
  ROOT_CONTEXT,
  SpanKind,
  SpanStatusCode,
  defaultTextMapGetter,
  trace,
  type Attributes,
  type Context,
  type Link,
  type Tracer,
} from '@opentelemetry/api';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import {
  ATTR_DEPLOYMENT_ENVIRONMENT_NAME,
  ATTR_ERROR_TYPE,
  ATTR_K8S_NAMESPACE_NAME,
} from '@opentelemetry/semantic-conventions';
import {
  ATTR_CICD_PIPELINE_NAME,
  ATTR_CICD_PIPELINE_RUN_ID,
  ATTR_CICD_PIPELINE_RUN_URL_FULL,
  ATTR_VCS_REF_HEAD_REVISION,
  ATTR_VCS_REPOSITORY_URL_FULL,
} from './semconv.js';
import type { Lineage } from '../lineage/record.js';
import { OwnAttributes, ResourceAttributes } from '../lineage/names.js';
import type { GenerateInput, GenerateResult, ResourcePatch } from '../cmp-plugin/types.js';
import { LINK_REF_TYPE, SpanAttributes } from './attribute-names.js';

const propagator = new W3CTraceContextPropagator();

/**
 * The link to the pipeline run's span, or undefined when the lineage carries no valid traceparent.
 * Parsing is OTel's W3C propagator, so what we link to is exactly what any OTel SDK would accept.
 */
export function pipelineLink(lineage: Lineage): Link | undefined {
  if (!lineage.traceparent) return undefined;
  const carrier: Record<string, string> = { traceparent: lineage.traceparent };
  if (lineage.tracestate) carrier.tracestate = lineage.tracestate;
  const context = trace.getSpanContext(propagator.extract(ROOT_CONTEXT, carrier, defaultTextMapGetter));
  if (!context) return undefined;
  return { context, attributes: { [LINK_REF_TYPE]: 'follows_from', [SpanAttributes.linkKind]: 'pipeline' } };
}

/** Drops unset values so spans carry only what is known. */
export function definedAttributes(entries: Record<string, string | number | boolean | string[] | undefined>): Attributes {
  const out: Attributes = {};
  for (const [k, v] of Object.entries(entries)) {
    if (v === undefined || v === '' || (Array.isArray(v) && v.length === 0)) continue;
    out[k] = v;
  }
  return out;
}

/** Attributes every lineage-carrying span shares (generation and sync). */
export function lineageAttributes(lineage: Lineage): Attributes {
  return definedAttributes({
    [ATTR_CICD_PIPELINE_NAME]: lineage.pipelineName,
    [ATTR_CICD_PIPELINE_RUN_ID]: lineage.pipelineRunId,
    [ATTR_CICD_PIPELINE_RUN_URL_FULL]: lineage.pipelineRunUrl,
    [ATTR_DEPLOYMENT_ENVIRONMENT_NAME]: lineage.environment,
    [ResourceAttributes.modelId]: lineage.modelId,
    [ResourceAttributes.datasetVersion]: lineage.datasetVersion,
  });
}

/** Splits `kind/namespace/name` (namespace optional, per ResourcePatch). */
export function splitResource(resource: string): { kind: string; namespace?: string; name: string } {
  const parts = resource.split('/');
  if (parts.length >= 3) return { kind: parts[0] ?? '', namespace: parts[1], name: parts.slice(2).join('/') };
  return { kind: parts[0] ?? '', name: parts[1] ?? '' };
}

function patchEventAttributes(patch: ResourcePatch): Attributes {
  const { kind, namespace, name } = splitResource(patch.resource);
  return definedAttributes({
    [SpanAttributes.resource]: patch.resource,
    [SpanAttributes.resourceKind]: kind,
    [ATTR_K8S_NAMESPACE_NAME]: namespace,
    [SpanAttributes.resourceName]: name,
    [SpanAttributes.patchOperations]: patch.operations.length,
  });
}

function errorParts(error: unknown): { type: string; message: string; details?: Attributes } {
  if (error instanceof Error) {
    const details = (error as Error & { details?: { file?: string; line?: number; reason?: string } }).details;
    return {
      type: error.name,
      message: error.message,
      details: details
        ? definedAttributes({ 'code.file.path': details.file, 'code.line.number': details.line })
        : undefined,
    };
  }
  return { type: typeof error, message: String(error) };
}

/**
 * Records one generation as a span. `startTime`/`endTime` are epoch milliseconds (Date.now()). Never throws:
 * a telemetry problem must not fail the generation it describes.
 */
export function recordGeneration(
  tracer: Tracer,
  event: {
    input: GenerateInput;
    result?: GenerateResult;
    error?: unknown;
    startTime: number;
    endTime: number;
    parent?: Context;
    mode: 'generate' | 'cmp-server';
  },
): void {
  try {
    const env = event.input.env;
    const app = env.ARGOCD_APP_NAME?.trim() || basename(event.input.appDir);
    const lineageRead = event.result?.lineage;
    const lineage = lineageRead?.lineage ?? {};
    const link = pipelineLink(lineage);
    const revision = env.ARGOCD_APP_REVISION?.trim() || lineage.commit;
    const sources = lineageRead ? [...new Set(Object.values(lineageRead.sources))].sort() : [];

    const span = tracer.startSpan(
      `generate ${app}`,
      {
        // Our gRPC server is the server side of Argo CD's GenerateManifest call; the CLI is a step inside it.
        kind: event.mode === 'cmp-server' ? SpanKind.SERVER : SpanKind.INTERNAL,
        startTime: event.startTime,
        root: event.parent === undefined,
        links: link ? [link] : [],
        attributes: {
          ...lineageAttributes(lineage),
          ...definedAttributes({
            [ATTR_VCS_REF_HEAD_REVISION]: revision,
            [ATTR_VCS_REPOSITORY_URL_FULL]: env.ARGOCD_APP_SOURCE_REPO_URL?.trim(),
            [ATTR_K8S_NAMESPACE_NAME]: env.ARGOCD_APP_NAMESPACE?.trim(),
            [SpanAttributes.sourceCommit]: lineage.commit && lineage.commit !== revision ? lineage.commit : undefined,
            [OwnAttributes.appName]: app,
            [OwnAttributes.appPath]: env.ARGOCD_APP_SOURCE_PATH?.trim(),
            [OwnAttributes.mode]: event.mode,
            [OwnAttributes.renderer]: event.result?.renderer,
            [OwnAttributes.resourcesTotal]: event.result?.objects.length,
            [OwnAttributes.resourcesInjected]: event.result?.injected,
            [OwnAttributes.lineageSource]: sources.join(','),
          }),
        },
      },
      event.parent ?? ROOT_CONTEXT,
    );

    for (const patch of event.result?.patches ?? []) span.addEvent('inject', patchEventAttributes(patch), event.endTime);
    for (const warning of [...(lineageRead?.warnings ?? []), ...(event.result?.warnings ?? [])]) {
      span.addEvent('warning', { [SpanAttributes.warning]: warning }, event.endTime);
    }

    if (event.error !== undefined) {
      const { type, message, details } = errorParts(event.error);
      span.setAttribute(ATTR_ERROR_TYPE, type);
      span.recordException(
        event.error instanceof Error ? event.error : { name: type, message },
        event.endTime,
      );
      if (details) span.setAttributes(details);
      span.setStatus({ code: SpanStatusCode.ERROR, message });
    } else {
      span.setStatus({ code: SpanStatusCode.OK });
    }
    span.end(event.endTime);
  } catch (error) {
    process.stderr.write(`argo-otel telemetry: cannot record generation span: ${String(error)}\n`);
  }
}
