// Which objects run pods, and where their pod template sits. Anything else passes through untouched.
import type { KubeObject } from '../types.js';

export interface WorkloadShape {
  /** JSON path (segments) of the pod template; [] when the object is the pod; null when there is none (workloadRef). */
  template: string[] | null;
  /** Batch workloads run to completion: their processes continue the pipeline trace (TRACEPARENT env). */
  batch: boolean;
  /** Pods are labelled `rollouts-pod-template-hash` by Argo Rollouts. */
  rollout: boolean;
}

function group(apiVersion: string): string {
  const slash = apiVersion.indexOf('/');
  return slash === -1 ? '' : apiVersion.slice(0, slash);
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** The workload shape of a known kind, or undefined for kinds we do not touch. */
export function workloadShape(object: KubeObject): WorkloadShape | undefined {
  const apiVersion = object.apiVersion ?? '';
  const g = group(apiVersion);
  switch (object.kind) {
    case 'Deployment':
    case 'StatefulSet':
    case 'DaemonSet':
    case 'ReplicaSet':
      return g === 'apps' || g === 'extensions' ? { template: ['spec', 'template'], batch: false, rollout: false } : undefined;
    case 'Job':
      return g === 'batch' ? { template: ['spec', 'template'], batch: true, rollout: false } : undefined;
    case 'CronJob':
      return g === 'batch'
        ? { template: ['spec', 'jobTemplate', 'spec', 'template'], batch: true, rollout: false }
        : undefined;
    case 'Pod': {
      if (apiVersion !== 'v1') return undefined;
      const spec = object.spec;
      const policy = isObject(spec) ? spec.restartPolicy : undefined;
      return { template: [], batch: policy === 'Never' || policy === 'OnFailure', rollout: false };
    }
    case 'Rollout': {
      if (g !== 'argoproj.io') return undefined;
      const spec = object.spec;
      // A workloadRef Rollout takes its pods from a Deployment; it carries only the annotation itself.
      const refOnly = isObject(spec) && spec.workloadRef !== undefined && spec.template === undefined;
      return { template: refOnly ? null : ['spec', 'template'], batch: false, rollout: true };
    }
    default:
      return undefined;
  }
}

/** `kind/namespace/name` (namespace omitted when unset), as ResourcePatch names resources. */
export function resourceName(object: KubeObject): string {
  const meta = isObject(object.metadata) ? object.metadata : {};
  const name = typeof meta.name === 'string' ? meta.name : typeof meta.generateName === 'string' ? `${meta.generateName}*` : '<unnamed>';
  const namespace = typeof meta.namespace === 'string' && meta.namespace !== '' ? meta.namespace : undefined;
  return namespace ? `${object.kind ?? '?'}/${namespace}/${name}` : `${object.kind ?? '?'}/${name}`;
}

/** `namespace/name` keys of the Deployments that workloadRef Rollouts take their pods from. */
export function rolloutReferencedDeployments(objects: readonly KubeObject[]): Set<string> {
  const out = new Set<string>();
  for (const o of objects) {
    if (o.kind !== 'Rollout' || group(o.apiVersion ?? '') !== 'argoproj.io' || !isObject(o.spec)) continue;
    const ref = o.spec.workloadRef;
    if (!isObject(ref) || ref.kind !== 'Deployment' || typeof ref.name !== 'string') continue;
    const ns = isObject(o.metadata) && typeof o.metadata.namespace === 'string' ? o.metadata.namespace : '';
    out.add(`${ns}/${ref.name}`);
  }
  return out;
}

export function namespacedKey(object: KubeObject): string {
  const meta = isObject(object.metadata) ? object.metadata : {};
  return `${typeof meta.namespace === 'string' ? meta.namespace : ''}/${typeof meta.name === 'string' ? meta.name : ''}`;
}
