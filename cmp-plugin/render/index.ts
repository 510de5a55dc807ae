// Render an app directory into Kubernetes objects: Helm when there is a Chart.yaml, Kustomize when there is a
// kustomization file, otherwise the plain manifests below the directory.
import { GenerateError, type RendererName, type RenderResult } from '../types.js';
import { nodeFs, renderDirectory, type DirEntry, type RenderFs } from './directory.js';
import { renderHelm } from './helm.js';
import { KUSTOMIZATION_FILES, renderKustomize } from './kustomize.js';
import { PluginParameters, type Env } from './parameters.js';
import { findExecutable, runTool, type FindExecutable, type RunTool } from './tools.js';

export interface RenderDeps {
  fs: RenderFs;
  runTool: RunTool;
  findExecutable: FindExecutable;
}

export const defaultRenderDeps: RenderDeps = { fs: nodeFs, runTool, findExecutable };

export interface RenderInput {
  appDir: string;
  repoRoot: string;
  env: Env;
  params: PluginParameters;
  signal?: AbortSignal;
}

/** Argo CD's own precedence, from the app directory's entries: Helm, then Kustomize, then plain manifests. */
export function rendererFor(entries: readonly DirEntry[]): RendererName {
  const names = new Set(entries.filter((e) => e.kind !== 'directory').map((e) => e.name));
  if (names.has('Chart.yaml')) return 'helm';
  if (KUSTOMIZATION_FILES.some((f) => names.has(f))) return 'kustomize';
  return 'directory';
}

export async function render(input: RenderInput, deps: RenderDeps = defaultRenderDeps): Promise<RenderResult> {
  let entries: DirEntry[];
  try {
    entries = await deps.fs.list(input.appDir);
  } catch (err) {
    const reason = `cannot read app directory ${input.appDir}: ${err instanceof Error ? err.message : String(err)}`;
    throw new GenerateError(reason, { file: input.appDir, reason });
  }
  const tools = { run: deps.runTool, find: deps.findExecutable };
  switch (rendererFor(entries)) {
    case 'helm':
      return renderHelm(input.appDir, input.repoRoot, input.env, input.params, tools, input.signal);
    case 'kustomize':
      return renderKustomize(input.appDir, input.env, tools, input.signal);
    case 'directory':
      return renderDirectory(input.appDir, input.repoRoot, deps.fs);
  }
}
