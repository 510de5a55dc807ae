// A Kustomize app: `kustomize build .`, or `kubectl kustomize .` when only kubectl is installed.
import { basename } from 'node:path';
import type { RenderResult } from '../types.js';
import { parseManifests } from './documents.js';
import type { Env } from './parameters.js';
import { locateTool, type FindExecutable, type RunTool } from './tools.js';

export const KUSTOMIZATION_FILES = ['kustomization.yaml', 'kustomization.yml', 'Kustomization'];
export const KUSTOMIZE_PATH_ENV = 'ARGO_OTEL_KUSTOMIZE_PATH';

export async function renderKustomize(
  appDir: string,
  env: Env,
  tools: { run: RunTool; find: FindExecutable },
  signal?: AbortSignal,
): Promise<RenderResult> {
  const command = await locateTool(
    {
      pathVariable: KUSTOMIZE_PATH_ENV,
      names: ['kustomize', 'kubectl'],
      install: 'install kustomize (https://kubectl.docs.kubernetes.io/installation/kustomize/) or kubectl',
    },
    env,
    tools.find,
  );
  // kubectl carries kustomize as a subcommand; a kustomize binary takes `build`.
  const args = basename(command) === 'kubectl' ? ['kustomize', '.'] : ['build', '.'];
  const { stdout, stderr } = await tools.run({ command, args, cwd: appDir, env, signal });
  const parsed = parseManifests(stdout, `${basename(command)} ${args.join(' ')}`);
  const warnings = parsed.warnings;
  if (stderr.trim() !== '') warnings.push(`kustomize: ${stderr.trim()}`);
  return { renderer: 'kustomize', objects: parsed.objects, warnings };
}
