// Steps 2 and 3: the CI pipeline run (a RUN span with a training child) stamps the GitOps app with its trace.
import { cp, mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ROOT_CONTEXT, SpanKind, SpanStatusCode, trace, type Span } from '@opentelemetry/api';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import type { Tracing } from '../../telemetry/tracing.js';
import {
  ATTR_CICD_PIPELINE_ACTION_NAME,
  ATTR_CICD_PIPELINE_NAME,
  ATTR_CICD_PIPELINE_RESULT,
  ATTR_CICD_PIPELINE_RUN_ID,
  ATTR_CICD_PIPELINE_RUN_URL_FULL,
  CICD_PIPELINE_RESULT_VALUE_FAILURE,
  CICD_PIPELINE_RESULT_VALUE_SUCCESS,
} from '../../telemetry/semconv.js';
import { LINEAGE_FILE, ResourceAttributes } from '../../lineage/names.js';
import { gitEnv, telemetryEnv } from './env.js';
import { SAMPLE } from './sample.js';
import type { DemoSession } from './session.js';

export interface PipelineRun {
  /** W3C traceparent of the RUN span: what the pipeline hands to everything downstream. */
  traceparent: string;
  traceId: string;
  spanId: string;
  /** Ends the RUN span with the pipeline's result. */
  end(ok: boolean): void;
}

/** Step 2: the pipeline trace, as a CI system instrumented with the cicd.pipeline.* conventions would record it. */
export function startPipelineRun(s: DemoSession, tracing: Tracing): PipelineRun {
  s.step(2, `CI pipeline: RUN ${SAMPLE.pipelineName}`);
  const run: Span = tracing.tracer.startSpan(`RUN ${SAMPLE.pipelineName}`, {
    kind: SpanKind.SERVER,
    root: true,
    attributes: {
      [ATTR_CICD_PIPELINE_NAME]: SAMPLE.pipelineName,
      [ATTR_CICD_PIPELINE_ACTION_NAME]: 'RUN',
      [ATTR_CICD_PIPELINE_RUN_ID]: SAMPLE.runId,
      [ATTR_CICD_PIPELINE_RUN_URL_FULL]: SAMPLE.runUrl,
    },
  });
  const context = trace.setSpan(ROOT_CONTEXT, run);
  const train = tracing.tracer.startSpan(
    'train model',
    { attributes: { [ResourceAttributes.modelId]: SAMPLE.modelId, [ResourceAttributes.datasetVersion]: SAMPLE.datasetVersion } },
    context,
  );
  train.setStatus({ code: SpanStatusCode.OK });
  train.end();

  const carrier: Record<string, string> = {};
  new W3CTraceContextPropagator().inject(context, carrier, { set: (c, k, v) => void (c[k] = v) });
  const traceparent = carrier.traceparent ?? '';
  const { traceId, spanId } = run.spanContext();
  s.fact('pipeline traceparent', traceparent);
  s.fact('model', `${SAMPLE.modelId} (dataset ${SAMPLE.datasetVersion})`);
  return {
    traceparent,
    traceId,
    spanId,
    end(ok) {
      run.setAttribute(ATTR_CICD_PIPELINE_RESULT, ok ? CICD_PIPELINE_RESULT_VALUE_SUCCESS : CICD_PIPELINE_RESULT_VALUE_FAILURE);
      run.setStatus({ code: ok ? SpanStatusCode.OK : SpanStatusCode.ERROR });
      run.end();
    },
  };
}

export interface GitOpsRepo {
  root: string;
  appDir: string;
  /** The Kustomize variant's directory, when kustomize is installed. */
  kustomizeAppDir?: string;
  commit: string;
  commitMessage: string;
}

/** Step 3: a GitOps repo with the sample app, stamped by `argo-otel stamp --commit` as the pipeline's last step. */
export async function stampGitOpsRepo(s: DemoSession, pipeline: PipelineRun, endpoint: string, kustomize: string | undefined): Promise<GitOpsRepo> {
  s.step(3, 'GitOps repo: argo-otel stamp --commit');
  const root = join(s.dir, 'gitops');
  const appDir = join(root, SAMPLE.appPath);
  await mkdir(appDir, { recursive: true });
  await cp(SAMPLE.appFiles, appDir, { recursive: true });
  const kustomizeAppDir = kustomize ? join(root, SAMPLE.kustomizeAppPath) : undefined;
  if (kustomizeAppDir) {
    await cp(SAMPLE.kustomizeFiles, kustomizeAppDir, { recursive: true });
    for (const file of ['rollout.yaml', 'service.yaml']) await cp(join(SAMPLE.appFiles, file), join(kustomizeAppDir, file));
  }
  const git = (...args: string[]) => s.run('git', args, { cwd: root, env: gitEnv() });
  await git('init', '--quiet', '--initial-branch=main');
  await git('add', '.');
  await git('commit', '--quiet', '-m', `add ${SAMPLE.app}`);
  if (kustomize && kustomizeAppDir) {
    // The pipeline's usual GitOps step: point the overlay at the new image, stage it for the stamp commit.
    await s.run(kustomize, ['edit', 'set', 'image', `${SAMPLE.image}:${SAMPLE.imageTag}`], { cwd: kustomizeAppDir, env: gitEnv() });
    await git('add', SAMPLE.kustomizeAppPath);
  }

  await s.cli(
    [
      'stamp', '--app-dir', SAMPLE.appPath, '--traceparent', pipeline.traceparent,
      '--model-id', SAMPLE.modelId, '--dataset-version', SAMPLE.datasetVersion,
      '--pipeline-name', SAMPLE.pipelineName, '--run-id', SAMPLE.runId, '--run-url', SAMPLE.runUrl,
      '--environment', SAMPLE.environment, '--commit', '--message', `deploy ${SAMPLE.modelId}`,
    ],
    { cwd: root, env: { ...gitEnv(), ...telemetryEnv(endpoint) } },
  );
  const commit = (await git('rev-parse', 'HEAD')).stdout.trim();
  const commitMessage = (await git('log', '-1', '--format=%B')).stdout;
  const lineage = JSON.parse(await readFile(join(appDir, LINEAGE_FILE), 'utf8')) as Record<string, unknown>;
  s.fact('repo', `<work dir>/gitops (${SAMPLE.appPath}: Rollout, Service, training Job${kustomizeAppDir ? `; ${SAMPLE.kustomizeAppPath}: its Kustomize overlay` : ''})`);
  s.fact('commit', commit);
  s.fact('lineage file', `${SAMPLE.appPath}/${LINEAGE_FILE} (${Object.keys(lineage).filter((k) => k !== 'schema').join(', ')})`);
  s.fact('commit trailers', commitMessage.split('\n').filter((l) => /^[A-Z][\w-]*: /.test(l)).map((l) => l.split(':')[0]).join(', '));
  return { root, appDir, commit, commitMessage, ...(kustomizeAppDir ? { kustomizeAppDir } : {}) };
}
