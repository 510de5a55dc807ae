// The four ConfigManagementPluginService handlers. Everything they touch (generate, telemetry, metrics,
// the work root) is injected, so tests drive them with real streams and fake collaborators.
import { join, matchesGlob, relative, sep } from 'node:path';
import { ROOT_CONTEXT, type Context } from '@opentelemetry/api';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import {
  status,
  type Metadata,
  type sendUnaryData,
  type ServerReadableStream,
  type ServerUnaryCall,
  type ServiceError,
  type UntypedServiceImplementation,
} from '@grpc/grpc-js';
import { rendererFor } from '../render/index.js';
import { GenerateError, type GenerateInput, type GenerateResult } from '../types.js';
import { ArchiveFiles } from './archive-files.js';
import { DeadlineExceeded, raceSignal, signalForDeadline } from './deadline.js';
import { envFromEntries, hasTraceparentInEnv } from './env.js';
import type {
  AppStreamRequest,
  CheckPluginConfigurationResponse,
  ManifestResponse,
  ParameterAnnouncement,
  ParametersAnnouncementResponse,
  RepositoryResponse,
} from './protocol.js';
import { receiveRepoStream, type ReceivedRepo } from './receive-stream.js';
import { extractArchive, inspectArchive, type ExtractLimits, type InspectedArchive } from './safe-extract.js';
import { withWorkdir } from './workdir.js';

export type GenerateFn = (input: GenerateInput) => Promise<GenerateResult>;

export interface GenerationEvent {
  input: GenerateInput;
  result?: GenerateResult;
  error?: unknown;
  /** Epoch milliseconds. */
  startTime: number;
  endTime: number;
  /** Context extracted from the call's `traceparent` metadata (Argo's trace), if any. */
  parent?: Context;
}

export interface InvocationEvent {
  method: string;
  success: boolean;
  statusCode: string;
  app: string;
  durationMs: number;
}

/** When `.git` is unpacked: always, never, or only when the request carries no traceparent (trailers needed). */
export type GitPolicy = 'auto' | 'always' | 'never';

export interface CmpServiceConfig {
  generate: GenerateFn;
  /** The sidecar's own env, under the request's entries: argocd-cmp-server runs plugins with os.Environ() + env. */
  baseEnv?: Readonly<Record<string, string | undefined>>;
  workRoot: string;
  onGeneration?: (event: GenerationEvent) => void;
  onInvocation?: (event: InvocationEvent) => void;
  /** Called with +1 when a streaming call starts and -1 when it has replied. */
  onInFlight?: (method: string, delta: 1 | -1) => void;
  /** Discovery glob relative to the app dir (`**` allowed); unset = discovery not configured. */
  discoveryGlob?: string;
  parameters: readonly ParameterAnnouncement[];
  maxCompressedBytes: number;
  extractLimits: ExtractLimits;
  preserveFileMode: boolean;
  /** Render plain-directory apps from the archive without unpacking it (default true). */
  readInPlace?: boolean;
  gitPolicy: GitPolicy;
  deadlineMarginMs: number;
}

const propagator = new W3CTraceContextPropagator();

function traceParentFrom(metadata: Metadata): Context | undefined {
  const carrier: Record<string, string> = {};
  for (const [k, v] of Object.entries(metadata.getMap())) if (typeof v === 'string') carrier[k] = v;
  if (!carrier['traceparent']) return undefined;
  return propagator.extract(ROOT_CONTEXT, carrier, {
    get: (c, k) => c[k],
    keys: (c) => Object.keys(c),
  });
}

function unknownError(message: string): Partial<ServiceError> {
  return { code: status.UNKNOWN, details: message, message };
}

function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/** `file:line: reason` when generate names the spot, as Argo users expect from kubectl-style errors. */
export function describeGenerateError(err: unknown): string {
  if (err instanceof GenerateError && err.details.file) {
    const at = err.details.line !== undefined ? `${err.details.file}:${err.details.line}` : err.details.file;
    return `${at}: ${err.details.reason}`;
  }
  return messageOf(err);
}

function isGitPath(path: string): boolean {
  return path === '.git' || path.startsWith('.git/') || path.includes('/.git/') || path.endsWith('/.git');
}

/**
 * A plain-directory app renders straight from the archive: same files, same answers, nothing written. Helm and
 * Kustomize run tools on a real tree, and commit trailers need a real `.git`, so those are unpacked.
 */
async function readableInPlace(files: ArchiveFiles, appDir: string, keepGit: boolean): Promise<boolean> {
  if (keepGit && (await files.exists(join(files.root, '.git')))) return false;
  let entries;
  try {
    entries = await files.list(appDir);
  } catch {
    return false; // unpacking reports a missing or unreadable app directory the usual way
  }
  return rendererFor(entries) === 'directory';
}

function appDirOf(root: string, appRelPath: string): string {
  const dir = join(root, appRelPath || '.');
  const rel = relative(root, dir);
  if (rel === '..' || rel.startsWith('..' + sep) || rel.startsWith(sep)) {
    throw new Error('illegal appPath: out of workDir bound');
  }
  return dir;
}

export function createCmpService(config: CmpServiceConfig): UntypedServiceImplementation {
  const record = (method: string, started: number, app: string, err: unknown) => {
    config.onInvocation?.({
      method,
      success: err === undefined,
      statusCode: err === undefined ? 'OK' : 'UNKNOWN',
      app,
      durationMs: Date.now() - started,
    });
  };

  async function receive(call: AsyncIterable<AppStreamRequest>): Promise<ReceivedRepo> {
    return receiveRepoStream(call, { maxCompressedBytes: config.maxCompressedBytes });
  }

  async function generateManifest(
    call: ServerReadableStream<AppStreamRequest, ManifestResponse>,
  ): Promise<{ response: ManifestResponse; app: string }> {
    const cancelled = new AbortController();
    call.on('cancelled', () => cancelled.abort());
    const deadline = signalForDeadline(call.getDeadline(), config.deadlineMarginMs, cancelled.signal);
    let app = '';
    try {
      let repo: ReceivedRepo;
      let archive: InspectedArchive;
      try {
        repo = await raceSignal(receive(call), deadline.signal);
        app = repo.metadata.appName;
        archive = await inspectArchive(repo.tgz, config.extractLimits);
      } catch (err) {
        throw new Error(`generate manifest error receiving stream: ${messageOf(err)}`);
      }
      const env = envFromEntries(repo.metadata.env);
      app = env['ARGOCD_APP_NAME'] || app;
      const keepGit = config.gitPolicy === 'always' || (config.gitPolicy === 'auto' && !hasTraceparentInEnv(env));
      const skip = keepGit ? undefined : isGitPath;
      const generateIn = async (root: string, files: ArchiveFiles | undefined) => {
        const input: GenerateInput = {
          appDir: appDirOf(root, repo.metadata.appRelPath),
          repoRoot: root,
          env: { ...config.baseEnv, ...env },
          signal: deadline.signal,
          files,
        };
        const parent = traceParentFrom(call.metadata);
        const startTime = Date.now();
        try {
          const result = await raceSignal(config.generate(input), deadline.signal);
          config.onGeneration?.({ input, result, startTime, endTime: Date.now(), parent });
          return { response: { manifests: result.objects.map((o) => JSON.stringify(o)) }, app };
        } catch (err) {
          config.onGeneration?.({ input, error: err, startTime, endTime: Date.now(), parent });
          throw new Error(`error generating manifests: ${describeGenerateError(err)}`);
        }
      };
      if (config.readInPlace !== false) {
        // The archive stands in for the workdir it would have been unpacked to (never created).
        const root = join(config.workRoot, 'in-place');
        const appDir = appDirOf(root, repo.metadata.appRelPath);
        let files: ArchiveFiles;
        let inPlace: boolean;
        try {
          files = new ArchiveFiles(root, archive, skip);
          inPlace = await readableInPlace(files, appDir, keepGit);
          if (inPlace) files.assertSymlinksInside();
        } catch (err) {
          throw new Error(`generate manifest error receiving stream: ${messageOf(err)}`);
        }
        if (inPlace) return await generateIn(root, files);
      }
      return await withWorkdir(config.workRoot, async (root) => {
        try {
          await extractArchive(archive, root, { preserveFileMode: config.preserveFileMode, skip });
        } catch (err) {
          throw new Error(`generate manifest error receiving stream: ${messageOf(err)}`);
        }
        return generateIn(root, undefined);
      });
    } catch (err) {
      if (deadline.signal.aborted && deadline.signal.reason instanceof DeadlineExceeded) {
        const prefix = messageOf(err);
        throw new Error(prefix.includes('context deadline exceeded') ? prefix : `${prefix} (context deadline exceeded)`);
      }
      throw err;
    } finally {
      deadline.dispose();
    }
  }

  /** Runs a client-streaming handler: one reply, errors as UNKNOWN, nothing thrown past this point. */
  function streaming<Res>(
    method: string,
    work: (call: ServerReadableStream<AppStreamRequest, Res>) => Promise<{ response: Res; app: string }>,
  ) {
    return (call: ServerReadableStream<AppStreamRequest, Res>, callback: sendUnaryData<Res>) => {
      const started = Date.now();
      config.onInFlight?.(method, 1);
      work(call).then(
        ({ response, app }) => {
          config.onInFlight?.(method, -1);
          record(method, started, app, undefined);
          callback(null, response);
        },
        (err: unknown) => {
          config.onInFlight?.(method, -1);
          record(method, started, '', err);
          callback(unknownError(messageOf(err)));
        },
      );
    };
  }

  return {
    GenerateManifest: streaming<ManifestResponse>('GenerateManifest', generateManifest),

    MatchRepository: streaming<RepositoryResponse>('MatchRepository', async (call) => {
      let repo: ReceivedRepo;
      let archive: InspectedArchive;
      try {
        repo = await receive(call);
        archive = await inspectArchive(repo.tgz, config.extractLimits);
      } catch (err) {
        throw new Error(`match repository error receiving stream: ${messageOf(err)}`);
      }
      const app = envFromEntries(repo.metadata.env)['ARGOCD_APP_NAME'] || repo.metadata.appName;
      if (config.discoveryGlob === undefined) return { response: { isSupported: false, isDiscoveryEnabled: false }, app };
      // Matching on the validated entry names gives zglob's answer without unpacking anything.
      const base = repo.metadata.appRelPath === '' || repo.metadata.appRelPath === '.' ? '' : repo.metadata.appRelPath.replace(/\/+$/, '') + '/';
      const glob = config.discoveryGlob;
      const isSupported = archive.entries.some((e) => e.path.startsWith(base) && matchesGlob(e.path.slice(base.length), glob));
      return { response: { isSupported, isDiscoveryEnabled: true }, app };
    }),

    GetParametersAnnouncement: streaming<ParametersAnnouncementResponse>('GetParametersAnnouncement', async (call) => {
      let repo: ReceivedRepo;
      try {
        repo = await receive(call);
      } catch (err) {
        throw new Error(`parameters announcement error receiving stream: ${messageOf(err)}`);
      }
      const app = envFromEntries(repo.metadata.env)['ARGOCD_APP_NAME'] || repo.metadata.appName;
      return { response: { parameterAnnouncements: [...config.parameters] }, app };
    }),

    CheckPluginConfiguration: (
      _call: ServerUnaryCall<unknown, CheckPluginConfigurationResponse>,
      callback: sendUnaryData<CheckPluginConfigurationResponse>,
    ) => {
      const started = Date.now();
      record('CheckPluginConfiguration', started, '', undefined);
      callback(null, { isDiscoveryConfigured: config.discoveryGlob !== undefined, provideGitCreds: false });
    },
  };
}
