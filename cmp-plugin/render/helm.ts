// A Helm chart: `helm template` the way Argo CD runs it, with release name, namespace, values files and --set
// values from plugin parameters, and the cluster's version and API versions from KUBE_VERSION/KUBE_API_VERSIONS.
import { isAbsolute, relative, resolve, sep } from 'node:path';
import { GenerateError, type RenderResult } from '../types.js';
import { parseManifests } from './documents.js';
import type { Env, PluginParameters } from './parameters.js';
import { locateTool, type FindExecutable, type RunTool } from './tools.js';

export const HELM_PATH_ENV = 'ARGO_OTEL_HELM_PATH';

export const HelmParameters = {
  releaseName: 'helm-release-name',
  namespace: 'helm-namespace',
  valuesFiles: 'helm-values-files',
  set: 'helm-set',
  setString: 'helm-set-string',
  skipCrds: 'helm-skip-crds',
} as const;

// Helm release names: lowercase DNS-1123 label-ish, at most 53 characters.
const RELEASE_NAME = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

function bad(reason: string): never {
  throw new GenerateError(reason, { reason });
}

/** The default release name is the Application name; `<ns>_<name>` (apps outside argocd's namespace) → `<name>`. */
function releaseName(env: Env, params: PluginParameters): string {
  const explicit = params.string(HelmParameters.releaseName);
  const appName = env.ARGOCD_APP_NAME;
  const name = explicit ?? appName?.slice(appName.lastIndexOf('_') + 1) ?? 'release';
  if (name.length > 53 || !RELEASE_NAME.test(name)) {
    bad(`helm release name ${JSON.stringify(name)} is invalid: lowercase letters, digits, '-' and '.', at most 53 characters (set parameter ${HelmParameters.releaseName})`);
  }
  return name;
}

function valuesFile(appDir: string, repoRoot: string, file: string): string {
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(file)) bad(`helm values file ${file}: remote values files are not supported`);
  const path = isAbsolute(file) ? resolve(repoRoot, `.${sep}${file}`) : resolve(appDir, file);
  const rel = relative(repoRoot, path);
  if (rel === '..' || rel.startsWith(`..${sep}`) || isAbsolute(rel)) {
    bad(`helm values file ${file} resolves outside the repository`);
  }
  return path;
}

function setArgs(flag: string, values: Record<string, string> | undefined): string[] {
  if (!values) return [];
  // Sorted for a deterministic command line, as Argo CD's map parameters arrive sorted too.
  return Object.keys(values)
    .sort()
    .flatMap((key) => [flag, `${key}=${values[key] ?? ''}`]);
}

export function helmTemplateArgs(appDir: string, repoRoot: string, env: Env, params: PluginParameters): string[] {
  const args = ['template', releaseName(env, params), '.'];
  const namespace = params.string(HelmParameters.namespace) ?? env.ARGOCD_APP_NAMESPACE;
  if (namespace) args.push('--namespace', namespace);
  if (env.KUBE_VERSION) args.push('--kube-version', env.KUBE_VERSION);
  for (const apiVersion of (env.KUBE_API_VERSIONS ?? '').split(',')) {
    if (apiVersion.trim() !== '') args.push('--api-versions', apiVersion.trim());
  }
  for (const file of params.array(HelmParameters.valuesFiles) ?? []) {
    args.push('--values', valuesFile(appDir, repoRoot, file));
  }
  args.push(...setArgs('--set', params.map(HelmParameters.set)));
  args.push(...setArgs('--set-string', params.map(HelmParameters.setString)));
  // Argo CD installs a chart's CRDs unless told to skip them.
  if (!params.boolean(HelmParameters.skipCrds, false)) args.push('--include-crds');
  return args;
}

export async function renderHelm(
  appDir: string,
  repoRoot: string,
  env: Env,
  params: PluginParameters,
  tools: { run: RunTool; find: FindExecutable },
  signal?: AbortSignal,
): Promise<RenderResult> {
  const args = helmTemplateArgs(appDir, repoRoot, env, params);
  const command = await locateTool(
    { pathVariable: HELM_PATH_ENV, names: ['helm'], install: 'install helm v3 (https://helm.sh/docs/intro/install/)' },
    env,
    tools.find,
  );
  const { stdout, stderr } = await tools.run({ command, args, cwd: appDir, env, signal });
  const parsed = parseManifests(stdout, 'helm template');
  const warnings = parsed.warnings;
  if (stderr.trim() !== '') warnings.push(`helm: ${stderr.trim()}`);
  return { renderer: 'helm', objects: parsed.objects, warnings };
}
