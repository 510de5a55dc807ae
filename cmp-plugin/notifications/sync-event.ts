// The JSON body our Argo CD notifications template sends (schema `argo-otel.io/sync-event/v1`, see README.md here),
// validated into a typed event. Pure: no I/O. Every problem names the field, so a 4xx tells the operator what to fix.

export const SYNC_EVENT_SCHEMA = 'argo-otel.io/sync-event/v1';

/** `status.operationState.phase` values (argo-cd pkg/apis/application/v1alpha1 OperationPhase). */
export const OPERATION_PHASES = ['Running', 'Terminating', 'Succeeded', 'Failed', 'Error'] as const;
export type OperationPhase = (typeof OPERATION_PHASES)[number];
export type CompletedPhase = Extract<OperationPhase, 'Succeeded' | 'Failed' | 'Error'>;

export function isCompleted(phase: OperationPhase): phase is CompletedPhase {
  return phase === 'Succeeded' || phase === 'Failed' || phase === 'Error';
}

/** One `syncResult.resources[]` entry (ResourceResult). */
export interface SyncedResource {
  group: string;
  version: string;
  kind: string;
  namespace: string;
  name: string;
  status: string;
  message: string;
  hookType: string;
  hookPhase: string;
  syncPhase: string;
}

export interface NameValue {
  name: string;
  value: string;
}

/** The parts of an ApplicationSource we read lineage from. */
export interface AppSource {
  repoURL: string;
  path: string;
  targetRevision: string;
  pluginEnv: NameValue[];
  /** Plugin parameters that carry a single string (`{name, string}`). */
  pluginParameters: NameValue[];
}

export interface SyncEvent {
  app: string;
  appNamespace: string;
  project: string;
  uid: string;
  phase: OperationPhase;
  message: string;
  /** RFC 3339 as Argo CD wrote it (second resolution). */
  startedAt: string;
  startedAtMs: number;
  finishedAt: string;
  /** NaN when the operation has not finished. */
  finishedAtMs: number;
  retryCount: number;
  initiatedBy: { username: string; automated: boolean };
  /** Sync info items (`argocd app sync --info name=value`). */
  info: NameValue[];
  /** Revision(s) synced: syncResult first, then the operation's requested revision(s). */
  revisions: string[];
  resources: SyncedResource[];
  /** `spec.source` (if any) followed by `spec.sources[]`. */
  sources: AppSource[];
  destinationNamespace: string;
  syncStatus: string;
  health: string;
  /** Application annotations the template forwards (ours only, see the template). */
  annotations: Record<string, string>;
  /** Message of the synced commit (repo.GetCommitMetadata), '' when the template could not fetch it. */
  commitMessage: string;
  argocdUrl: string;
}

export class SyncEventError extends Error {
  constructor(readonly field: string, reason: string) {
    super(`${field}: ${reason}`);
    this.name = 'SyncEventError';
  }
}

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type JsonObject = { [key: string]: Json };

function isObject(v: unknown): v is JsonObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function describe(v: unknown): string {
  return v === null ? 'null' : Array.isArray(v) ? 'an array' : typeof v;
}

/** Optional string: missing, null and '' all mean unset (the template's `dig` defaults produce ''). */
function str(obj: JsonObject, key: string, path: string): string {
  const v = obj[key];
  if (v === undefined || v === null) return '';
  if (typeof v !== 'string') throw new SyncEventError(`${path}${key}`, `must be a string, got ${describe(v)}`);
  return v;
}

function arr(obj: JsonObject, key: string, path: string): Json[] {
  const v = obj[key];
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v)) throw new SyncEventError(`${path}${key}`, `must be an array, got ${describe(v)}`);
  return v;
}

function obj(parent: JsonObject, key: string, path: string): JsonObject {
  const v = parent[key];
  if (v === undefined || v === null) return {};
  if (!isObject(v)) throw new SyncEventError(`${path}${key}`, `must be an object, got ${describe(v)}`);
  return v;
}

function nameValues(items: Json[], path: string, valueKey: 'value' | 'string'): NameValue[] {
  return items.map((item, i) => {
    if (!isObject(item)) throw new SyncEventError(`${path}[${i}]`, `must be an object, got ${describe(item)}`);
    return { name: str(item, 'name', `${path}[${i}].`), value: str(item, valueKey, `${path}[${i}].`) };
  });
}

function timestamp(value: string, field: string): number {
  // metav1.Time marshals as RFC 3339 (`2026-11-30T10:00:00Z`); Date.parse also accepts looser forms, so check shape.
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/.test(value)) {
    throw new SyncEventError(field, `must be an RFC 3339 timestamp, got ${JSON.stringify(value.slice(0, 60))}`);
  }
  const ms = Date.parse(value);
  if (Number.isNaN(ms)) throw new SyncEventError(field, `is not a valid date: ${JSON.stringify(value)}`);
  return ms;
}

function source(v: Json, path: string): AppSource {
  if (!isObject(v)) throw new SyncEventError(path, `must be an object, got ${describe(v)}`);
  const plugin = obj(v, 'plugin', `${path}.`);
  const parameters = arr(plugin, 'parameters', `${path}.plugin.`).filter(
    // Array/map parameters cannot carry a lineage value; only `{name, string}` ones are read.
    (p) => isObject(p) && typeof p.string === 'string',
  );
  return {
    repoURL: str(v, 'repoURL', `${path}.`),
    path: str(v, 'path', `${path}.`),
    targetRevision: str(v, 'targetRevision', `${path}.`),
    pluginEnv: nameValues(arr(plugin, 'env', `${path}.plugin.`), `${path}.plugin.env`, 'value'),
    pluginParameters: nameValues(parameters, `${path}.plugin.parameters`, 'string'),
  };
}

function resource(v: Json, i: number): SyncedResource {
  const path = `resources[${i}]`;
  if (!isObject(v)) throw new SyncEventError(path, `must be an object, got ${describe(v)}`);
  const p = `${path}.`;
  return {
    group: str(v, 'group', p),
    version: str(v, 'version', p),
    kind: str(v, 'kind', p),
    namespace: str(v, 'namespace', p),
    name: str(v, 'name', p),
    status: str(v, 'status', p),
    message: str(v, 'message', p),
    hookType: str(v, 'hookType', p),
    hookPhase: str(v, 'hookPhase', p),
    syncPhase: str(v, 'syncPhase', p),
  };
}

/** Validates a parsed JSON body. Throws SyncEventError naming the first bad field. */
export function parseSyncEvent(body: unknown): SyncEvent {
  if (!isObject(body)) throw new SyncEventError('body', `must be a JSON object, got ${describe(body)}`);
  const schema = str(body, 'schema', '');
  if (schema !== '' && schema !== SYNC_EVENT_SCHEMA) {
    throw new SyncEventError('schema', `unsupported ${JSON.stringify(schema)}; this receiver reads ${SYNC_EVENT_SCHEMA}`);
  }
  const app = str(body, 'app', '');
  if (!app) throw new SyncEventError('app', 'is required (the Application name)');
  if (app.length > 253) throw new SyncEventError('app', `is ${app.length} characters; Kubernetes names have at most 253`);

  const phaseRaw = str(body, 'phase', '');
  if (!phaseRaw) throw new SyncEventError('phase', 'is required (status.operationState.phase); was the app ever synced?');
  if (!(OPERATION_PHASES as readonly string[]).includes(phaseRaw)) {
    throw new SyncEventError('phase', `must be one of ${OPERATION_PHASES.join(', ')}, got ${JSON.stringify(phaseRaw)}`);
  }
  const phase = phaseRaw as OperationPhase;

  const startedAt = str(body, 'startedAt', '');
  if (!startedAt) throw new SyncEventError('startedAt', 'is required (status.operationState.startedAt)');
  const startedAtMs = timestamp(startedAt, 'startedAt');
  const finishedAt = str(body, 'finishedAt', '');
  let finishedAtMs = Number.NaN;
  if (finishedAt) finishedAtMs = timestamp(finishedAt, 'finishedAt');
  else if (isCompleted(phase)) {
    throw new SyncEventError('finishedAt', `is required when phase is ${phase} (status.operationState.finishedAt)`);
  }

  const retry = body.retryCount;
  let retryCount = 0;
  if (retry !== undefined && retry !== null) {
    if (typeof retry !== 'number' || !Number.isInteger(retry) || retry < 0) {
      throw new SyncEventError('retryCount', `must be a non-negative integer, got ${JSON.stringify(retry)}`);
    }
    retryCount = retry;
  }

  const initiated = obj(body, 'initiatedBy', '');
  const automated = initiated.automated;
  if (automated !== undefined && automated !== null && typeof automated !== 'boolean') {
    throw new SyncEventError('initiatedBy.automated', `must be a boolean, got ${describe(automated)}`);
  }

  const revisions: string[] = [];
  const addRevision = (r: Json, field: string): void => {
    if (r === null || r === '') return;
    if (typeof r !== 'string') throw new SyncEventError(field, `must be a string, got ${describe(r)}`);
    if (!revisions.includes(r)) revisions.push(r);
  };
  addRevision(body.syncRevision ?? null, 'syncRevision');
  arr(body, 'syncRevisions', '').forEach((r, i) => addRevision(r, `syncRevisions[${i}]`));
  if (revisions.length === 0) {
    addRevision(body.operationRevision ?? null, 'operationRevision');
    arr(body, 'operationRevisions', '').forEach((r, i) => addRevision(r, `operationRevisions[${i}]`));
  }

  const sources: AppSource[] = [];
  const single = body.source;
  if (isObject(single) && Object.keys(single).length > 0) sources.push(source(single, 'source'));
  else if (single !== undefined && single !== null && !isObject(single)) {
    throw new SyncEventError('source', `must be an object, got ${describe(single)}`);
  }
  arr(body, 'sources', '').forEach((s, i) => sources.push(source(s, `sources[${i}]`)));

  const annotationsIn = obj(body, 'annotations', '');
  const annotations: Record<string, string> = {};
  for (const key of Object.keys(annotationsIn)) {
    const value = str(annotationsIn, key, 'annotations.');
    if (value) annotations[key] = value;
  }

  return {
    app,
    appNamespace: str(body, 'appNamespace', ''),
    project: str(body, 'project', ''),
    uid: str(body, 'uid', ''),
    phase,
    message: str(body, 'message', ''),
    startedAt,
    startedAtMs,
    finishedAt,
    finishedAtMs,
    retryCount,
    initiatedBy: { username: str(initiated, 'username', 'initiatedBy.'), automated: automated === true },
    info: nameValues(arr(body, 'info', ''), 'info', 'value'),
    revisions,
    resources: arr(body, 'resources', '').map(resource),
    sources,
    destinationNamespace: str(body, 'destinationNamespace', ''),
    syncStatus: str(body, 'syncStatus', ''),
    health: str(body, 'health', ''),
    annotations,
    commitMessage: str(body, 'commitMessage', ''),
    argocdUrl: str(body, 'argocdUrl', ''),
  };
}
