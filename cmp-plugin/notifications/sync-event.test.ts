import { describe, expect, it } from 'vitest';
import { parseSyncEvent, SyncEventError } from './sync-event.js';

const minimal = { app: 'web', phase: 'Succeeded', startedAt: '2026-11-30T10:00:00Z', finishedAt: '2026-11-30T10:00:05Z' };

describe('parseSyncEvent', () => {
  it('accepts the minimal completed event with documented defaults', () => {
    expect(parseSyncEvent(minimal)).toMatchObject({
      app: 'web',
      phase: 'Succeeded',
      startedAtMs: Date.parse('2026-11-30T10:00:00Z'),
      finishedAtMs: Date.parse('2026-11-30T10:00:05Z'),
      retryCount: 0,
      revisions: [],
      resources: [],
      sources: [],
      info: [],
      annotations: {},
      initiatedBy: { username: '', automated: false },
    });
  });

  it('accepts Running without finishedAt', () => {
    expect(parseSyncEvent({ ...minimal, phase: 'Running', finishedAt: '' }).finishedAtMs).toBeNaN();
  });

  it('prefers syncResult revisions and falls back to the operation revisions', () => {
    expect(parseSyncEvent({ ...minimal, syncRevision: 'aaa', syncRevisions: ['aaa', 'bbb'], operationRevision: 'zzz' }).revisions).toEqual(['aaa', 'bbb']);
    expect(parseSyncEvent({ ...minimal, operationRevision: 'zzz' }).revisions).toEqual(['zzz']);
  });

  it('reads plugin env and string parameters from source and sources, skipping array/map parameters', () => {
    const event = parseSyncEvent({
      ...minimal,
      source: { repoURL: 'https://g/r.git', plugin: { env: [{ name: 'MODEL_ID', value: 'm' }], parameters: [{ name: 'traceparent', string: 'tp' }, { name: 'list', array: ['x'] }] } },
      sources: [{ repoURL: 'https://charts', chart: 'redis' }],
    });
    expect(event.sources).toEqual([
      { repoURL: 'https://g/r.git', path: '', targetRevision: '', pluginEnv: [{ name: 'MODEL_ID', value: 'm' }], pluginParameters: [{ name: 'traceparent', value: 'tp' }] },
      { repoURL: 'https://charts', path: '', targetRevision: '', pluginEnv: [], pluginParameters: [] },
    ]);
  });

  it.each([
    ['not an object', 'x', 'body'],
    ['missing app', { ...minimal, app: undefined }, 'app'],
    ['too long app', { ...minimal, app: 'a'.repeat(254) }, 'app'],
    ['missing phase', { ...minimal, phase: '' }, 'phase'],
    ['unknown phase', { ...minimal, phase: 'Done' }, 'phase'],
    ['loose date', { ...minimal, startedAt: 'Mon, 30 Nov 2026 10:00:00 GMT' }, 'startedAt'],
    ['impossible date', { ...minimal, startedAt: '2026-13-45T99:00:00Z' }, 'startedAt'],
    ['completed without finishedAt', { ...minimal, finishedAt: undefined }, 'finishedAt'],
    ['fractional retryCount', { ...minimal, retryCount: 1.5 }, 'retryCount'],
    ['automated not boolean', { ...minimal, initiatedBy: { automated: 'yes' } }, 'initiatedBy.automated'],
    ['info not array', { ...minimal, info: { name: 'x' } }, 'info'],
    ['info item value type', { ...minimal, info: [{ name: 'x', value: 3 }] }, 'info[0].value'],
    ['resource not object', { ...minimal, resources: ['Deployment/x'] }, 'resources[0]'],
    ['source not object', { ...minimal, source: 'https://g' }, 'source'],
    ['plugin env type', { ...minimal, source: { plugin: { env: [{ name: 1 }] } } }, 'source.plugin.env[0].name'],
    ['revision type', { ...minimal, syncRevisions: [5] }, 'syncRevisions[0]'],
    ['annotation type', { ...minimal, annotations: { 'argo-otel.io/traceparent': 1 } }, 'annotations.argo-otel.io/traceparent'],
    ['schema', { ...minimal, schema: 'argo-otel.io/sync-event/v2' }, 'schema'],
  ])('rejects %s, naming the field', (_name, body, field) => {
    let caught: unknown;
    try {
      parseSyncEvent(body);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(SyncEventError);
    expect((caught as SyncEventError).field).toBe(field);
  });
});
