// Contracts between the CMP layers: render (files → objects), inject (pure), generate (orchestration),
// and the edges (generate CLI, gRPC server) that call generate.
import type { Operation } from 'fast-json-patch';
import type { LineageFiles } from '../lineage/carriers.js';
import type { Lineage, LineageReadResult } from '../lineage/record.js';
import type { RenderFs } from './render/directory.js';

/** A Kubernetes object as read from the app (plain JSON data, YAML 1.1 scalars already resolved). */
export type KubeObject = { apiVersion?: string; kind?: string; metadata?: Record<string, unknown> } & Record<
  string,
  unknown
>;

/** Where an object came from, for error messages and --explain. */
export interface ObjectOrigin {
  /** Path relative to the app directory, or a renderer name such as `kustomize build`. */
  file: string;
  /** Index of the document within the file (0-based). */
  document: number;
}

export interface RenderedObject {
  object: KubeObject;
  origin: ObjectOrigin;
}

export type RendererName = 'directory' | 'kustomize' | 'helm';

export interface RenderResult {
  renderer: RendererName;
  objects: RenderedObject[];
  warnings: string[];
}

/** Options that shape injection; every field has a documented default. */
export interface InjectOptions {
  /** Annotation key for the traceparent (default `argo-otel.io/traceparent`). */
  traceparentAnnotation: string;
  /** Also write the seed-compatible `orchestration.trace_id` annotation (default true). */
  seedAnnotation: boolean;
  /** Container names to inject into; empty = all containers (default). */
  containers: string[];
  /** When false (default), existing user values win over ours. */
  overwrite: boolean;
}

export interface ResourcePatch {
  /** `kind/namespace/name` (namespace omitted when unset). */
  resource: string;
  operations: Operation[];
}

export interface InjectResult {
  objects: KubeObject[];
  patches: ResourcePatch[];
  /** Number of objects that received at least one change. */
  injected: number;
}

/** Everything generate needs; the edges build it from cwd/env (CLI) or the stream (server). */
export interface GenerateInput {
  /** Absolute path of the app directory (Argo CD's cwd for the plugin). */
  appDir: string;
  /** Absolute path of the repository root (for `.git` commit trailers); defaults to appDir. */
  repoRoot?: string;
  /** The env entries Argo CD passes (ARGOCD_APP_*, ARGOCD_ENV_*, ARGOCD_APP_PARAMETERS, PARAM_*, KUBE_*). */
  env: Readonly<Record<string, string | undefined>>;
  /** Aborted when the caller's deadline passes. */
  signal?: AbortSignal;
  /**
   * The repository's files when they are not on disk (the server reads a plain-directory app straight from the
   * archive it was streamed); the paths are still appDir/repoRoot-based. Default: the real file system.
   */
  files?: RepoFiles;
}

/** Everything generate reads from the repository: manifests (render) and lineage carriers. */
export type RepoFiles = RenderFs & LineageFiles;

export interface GenerateResult {
  renderer: RendererName;
  objects: KubeObject[];
  patches: ResourcePatch[];
  injected: number;
  lineage: LineageReadResult;
  warnings: string[];
}

/** A generation failure that names what failed: file, line (1-based) when known, and why. */
export class GenerateError extends Error {
  constructor(
    message: string,
    readonly details: { file?: string; line?: number; reason: string } = { reason: message },
  ) {
    super(message);
    this.name = 'GenerateError';
  }
}

export type { Lineage };
