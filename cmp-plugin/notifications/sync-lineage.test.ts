import { describe, expect, it } from 'vitest';
import { parseSyncEvent } from './sync-event.js';
import { resolveSyncLineage } from './sync-lineage.js';

const TP = (n: string): string => `00-${n.repeat(32)}-${'b'.repeat(16)}-01`;
const base = { app: 'web', phase: 'Succeeded', startedAt: '2026-11-30T10:00:00Z', finishedAt: '2026-11-30T10:00:05Z' };

describe('resolveSyncLineage', () => {
  it('takes each field from the highest-precedence carrier: sync info > plugin env > parameters > annotation > trailers', () => {
    const event = parseSyncEvent({
      ...base,
      info: [{ name: 'MODEL_ID', value: 'from-info' }],
      source: {
        plugin: {
          env: [{ name: 'MODEL_ID', value: 'from-env' }, { name: 'DATASET_VERSION', value: 'ds-env' }],
          parameters: [{ name: 'dataset-version', string: 'ds-param' }, { name: 'pipeline-name', string: 'pn-param' }],
        },
      },
      annotations: { 'argo-otel.io/pipeline-name': 'pn-annotation', 'argo-otel.io/environment': 'prod' },
      commitMessage: `s\n\nTraceparent: ${TP('1')}\nEnvironment: dev\nPipeline-Run-Id: r-9`,
    });
    const { lineage, sources, warnings } = resolveSyncLineage(event);
    expect(lineage).toEqual({
      traceparent: TP('1'),
      modelId: 'from-info',
      datasetVersion: 'ds-env',
      pipelineName: 'pn-param',
      environment: 'prod',
      pipelineRunId: 'r-9',
    });
    expect(sources).toEqual({
      traceparent: 'commit-trailers',
      modelId: 'sync-info',
      datasetVersion: 'plugin-env',
      pipelineName: 'parameters',
      environment: 'annotation',
      pipelineRunId: 'commit-trailers',
    });
    expect(warnings).toEqual([]);
  });

  it('ignores an invalid value with a warning and falls through to the next carrier', () => {
    const event = parseSyncEvent({
      ...base,
      info: [{ name: 'traceparent', value: 'not-a-traceparent' }, { name: 'tracestate', value: 'info=1' }],
      annotations: { 'argo-otel.io/traceparent': TP('2'), 'argo-otel.io/tracestate': 'ann=1' },
    });
    const { lineage, sources, warnings } = resolveSyncLineage(event);
    expect(lineage).toEqual({ traceparent: TP('2'), tracestate: 'ann=1' });
    expect(sources).toEqual({ traceparent: 'annotation', tracestate: 'annotation' });
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/^sync-info: traceparent ignored: /);
  });

  it('never pairs a tracestate with a traceparent from another carrier', () => {
    const event = parseSyncEvent({
      ...base,
      info: [{ name: 'traceparent', value: TP('3') }],
      commitMessage: `s\n\nTracestate: trailer=1`,
    });
    expect(resolveSyncLineage(event).lineage).toEqual({ traceparent: TP('3') });
  });

  it('a repeated commit trailer: the last one wins, as the CMP reads the same commit through git', () => {
    const event = parseSyncEvent({ ...base, commitMessage: 's\n\nModel-Id: fraud:v6\nmodel-id: fraud:v7' });
    expect(resolveSyncLineage(event).lineage).toEqual({ modelId: 'fraud:v7' });
  });

  it('reads multi-source apps: first source with the value wins', () => {
    const event = parseSyncEvent({
      ...base,
      sources: [{ repoURL: 'https://charts' }, { plugin: { env: [{ name: 'TRACEPARENT', value: TP('4') }] } }],
    });
    expect(resolveSyncLineage(event).sources).toEqual({ traceparent: 'plugin-env' });
  });
});
