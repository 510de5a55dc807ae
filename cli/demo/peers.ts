// Which optional peers are here. The demo works without any of them and shows more with each.
import { accessSync, constants, existsSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { REPO } from './session.js';

/** Env switch to force the no-Prometheus path: ARGO_OTEL_DEMO_PROMETHEUS=off. */
export const DEMO_PROMETHEUS_ENV = 'ARGO_OTEL_DEMO_PROMETHEUS';

function onPath(name: string): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(delimiter).filter(Boolean)) {
    const candidate = join(dir, name);
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not here
    }
  }
  return undefined;
}

export interface Peers {
  /** The prometheus binary, unless missing or switched off. */
  prometheus?: string;
  /** The real go-plugin host (argo-rollouts v1.9.1 client code), built by test/setup.d/rollouts-host.sh. */
  rolloutsHost?: string;
  /** kustomize, for the Kustomize variant of the sample (test/setup.d/render-tools.sh puts it in .cache/bin). */
  kustomize?: string;
}

export function findPeers(env: NodeJS.ProcessEnv = process.env): Peers {
  const prometheus = prometheusSwitchedOff(env) ? undefined : (env.ARGO_OTEL_PROMETHEUS?.trim() || onPath('prometheus'));
  const host = join(REPO, '.cache', 'bin', 'rollouts-host');
  const cachedKustomize = join(REPO, '.cache', 'bin', 'kustomize');
  const kustomize = env.ARGO_OTEL_KUSTOMIZE_PATH?.trim() || (existsSync(cachedKustomize) ? cachedKustomize : onPath('kustomize'));
  return {
    ...(prometheus ? { prometheus } : {}),
    ...(existsSync(host) ? { rolloutsHost: host } : {}),
    ...(kustomize ? { kustomize } : {}),
  };
}

export function prometheusSwitchedOff(env: NodeJS.ProcessEnv = process.env): boolean {
  return ['off', '0', 'false', 'no'].includes((env[DEMO_PROMETHEUS_ENV] ?? '').trim().toLowerCase());
}
