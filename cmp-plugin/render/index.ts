// Render an app directory into Kubernetes objects: Helm when there is a Chart.yaml, Kustomize when there is a
// kustomization file, otherwise the plain manifests below the directory.
import { GenerateError, type RenderResult } from '../types.js';
import { nodeFs, renderDirectory, type RenderFs } from './directory.js';
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

export async function render(input: RenderInput, deps: RenderDeps = defaultRenderDeps): Promise<RenderResult> {
  let names: Set<string>;
  try {
    names = new Set((await deps.fs.list(input.appDir)).filter((e) => e.kind !== 'directory').map((e) => e.name));
  } catch (err) {
    const reason = `cannot read app directory ${input.appDir}: ${err instanceof Error ? err.message : String(err)}`;
    throw new GenerateError(reason, { file: input.appDir, reason });
  }
  const tools = { run: deps.runTool, find: deps.findExecutable };
  // Argo CD's own precedence: Helm, then Kustomize, then a directory of manifests.
  if (names.has('Chart.yaml')) {
    return renderHelm(input.appDir, input.repoRoot, input.env, input.params, tools, input.signal);
  }
  if (KUSTOMIZATION_FILES.some((f) => names.has(f))) return renderKustomize(input.appDir, input.env, tools, input.signal);
  return renderDirectory(input.appDir, input.repoRoot, deps.fs);
}
