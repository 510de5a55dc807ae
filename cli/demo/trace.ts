// Step 8: wait (bounded) for every span the thread should have produced, then print them as one tree per trace.
import { OtlpSpanKind, type OtlpReceiver, type ReceivedSpan } from '../../telemetry/otlp-receiver.js';
import { formatTraceTree } from '../../telemetry/trace-tree.js';
import type { PipelineRun } from './pipeline.js';
import { ResourceAttributes } from '../../lineage/names.js';
import { SAMPLE } from './sample.js';
import type { DemoSession } from './session.js';

interface Expected {
  what: string;
  test: (span: ReceivedSpan, all: ReceivedSpan[]) => boolean;
}

const linksTo = (span: ReceivedSpan, pipeline: PipelineRun): boolean =>
  span.links.some((l) => l.traceId === pipeline.traceId && l.spanId === pipeline.spanId);

/** The spans the demo promises, each with how to recognise it. */
export function expectedSpans(pipeline: PipelineRun, withCanaryAnalysis: boolean): Expected[] {
  const generate = `generate ${SAMPLE.app}`;
  const expected: Expected[] = [
    { what: `RUN ${SAMPLE.pipelineName} (pipeline root)`, test: (s) => s.spanId === pipeline.spanId && s.traceId === pipeline.traceId && s.parentSpanId === '' },
    { what: 'train model (child of RUN)', test: (s) => s.name === 'train model' && s.parentSpanId === pipeline.spanId },
    { what: `${generate} [mode a] (root, linked to RUN)`, test: (s) => s.name === generate && s.kind === OtlpSpanKind.INTERNAL && s.parentSpanId === '' && linksTo(s, pipeline) },
    {
      what: `${generate} [mode b] (child of the repo-server span, linked to RUN)`,
      test: (s, all) => s.name === generate && s.kind === OtlpSpanKind.SERVER && linksTo(s, pipeline) && all.some((p) => p.spanId === s.parentSpanId && p.traceId === s.traceId && p.kind === OtlpSpanKind.CLIENT),
    },
    { what: `SYNC ${SAMPLE.app} (linked to RUN)`, test: (s) => s.name === `SYNC ${SAMPLE.app}` && linksTo(s, pipeline) },
  ];
  if (withCanaryAnalysis) {
    expected.push({ what: 'canary.analysis (linked to the deployment trace)', test: (s) => s.name === 'canary.analysis' && linksTo(s, pipeline) });
    for (const [pod, model] of [['canary', SAMPLE.modelId], ['stable', SAMPLE.previousModelId]] as const) {
      expected.push({
        what: `a request served by the ${pod} pod (resource ml.model.id=${model}, from the injected OTEL_RESOURCE_ATTRIBUTES)`,
        test: (s) => s.kind === OtlpSpanKind.SERVER && s.resource['service.name'] === SAMPLE.app && s.resource[ResourceAttributes.modelId] === model,
      });
    }
  }
  return expected;
}

export async function printTrace(s: DemoSession, receiver: OtlpReceiver, pipeline: PipelineRun, withCanaryAnalysis: boolean): Promise<void> {
  s.step(8, `the trace, as received by the OTLP receiver`);
  const expected = expectedSpans(pipeline, withCanaryAnalysis);
  const missing = (spans: ReceivedSpan[]) => expected.filter((e) => !spans.some((span) => e.test(span, spans)));
  try {
    await receiver.waitForSpans((spans) => missing(spans).length === 0, 10_000);
  } catch {
    s.print(formatTraceTree(receiver.spans));
    throw new Error(`spans missing after 10 s: ${missing(receiver.spans).map((e) => e.what).join('; ')}`);
  }
  s.print(formatTraceTree(receiver.spans));
  const services = new Map<string, number>();
  for (const span of receiver.spans) services.set(String(span.resource['service.name']), (services.get(String(span.resource['service.name'])) ?? 0) + 1);
  const requests = receiver.spans.filter((x) => x.resource['service.name'] === SAMPLE.app);
  if (requests.length) s.print('');
  for (const request of requests) {
    const r = request.resource;
    s.print(`${request.name} in trace ${request.traceId} was served by pod ${String(r['service.instance.id'])}: ml.model.id=${String(r[ResourceAttributes.modelId])}, cicd.pipeline.run.id=${String(r[ResourceAttributes.pipelineRunId])}`);
  }
  s.print(`\nspans by service.name: ${[...services].map(([name, n]) => `${name} ${n}`).join(', ')}`);
  s.print('\nhow to query this (TraceQL):');
  s.print(`  which pipeline run, commit and dataset made this model:  { resource.service.name = "argo-otel-cmp-server" && span.ml.model.id = "${SAMPLE.modelId}" }`);
  s.print(`  everything pipeline run ${SAMPLE.runId} caused (rendering, sync, canary):  { link:traceID = "${pipeline.traceId}" }`);
  s.print(`  requests served by this model (pods get OTEL_RESOURCE_ATTRIBUTES from the CMP):  { resource.ml.model.id = "${SAMPLE.modelId}" }`);
}
