// Injection, pure: objects + lineage + options → patched objects and the RFC 6902 patch of each. Every change is
// recorded as a patch operation and applied with fast-json-patch, so the patch is exactly what was done.
import fastJsonPatch from 'fast-json-patch';
import type { Operation } from 'fast-json-patch';
import { parseTraceparent } from '../../lineage/traceparent.js';
import {
  Annotations,
  ContainerEnv,
  ResourceAttributes,
  ROLLOUTS_POD_TEMPLATE_HASH_LABEL,
} from '../../lineage/names.js';
import { GenerateError, type InjectOptions, type InjectResult, type KubeObject, type Lineage, type ResourcePatch } from '../types.js';
import { cloneJson } from './clone.js';
import { mergeResourceAttributes, type WantedAttribute } from './resource-attributes.js';
import { namespacedKey, resourceName, rolloutReferencedDeployments, workloadShape, type WorkloadShape } from './workloads.js';

const { applyOperation, escapePathComponent } = fastJsonPatch;

export interface InjectContext {
  lineage: Lineage;
  options: InjectOptions;
  /**
   * The caller hands the objects over and will not look at them again (generate: they were just parsed), so they
   * are patched in place instead of copied first. Default false: the input is never touched.
   */
  objectsHandedOver?: boolean;
}

export type InjectOutput = InjectResult & { warnings: string[] };

type Json = Record<string, unknown>;

function isObject(v: unknown): v is Json {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function pointer(path: readonly (string | number)[]): string {
  return path.map((p) => `/${escapePathComponent(String(p))}`).join('');
}

function sameJson(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

/** What goes into manifests, derived once from the lineage (never anything volatile). */
interface Planned {
  traceparent?: string;
  tracestate?: string;
  modelId?: string;
  attributes: WantedAttribute[];
}

function plan(lineage: Lineage, warnings: string[]): Planned {
  let traceparent: string | undefined;
  let tracestate: string | undefined;
  if (lineage.traceparent !== undefined) {
    const parsed = parseTraceparent(lineage.traceparent);
    if (parsed.ok) {
      traceparent = lineage.traceparent;
      tracestate = lineage.tracestate || undefined;
    } else {
      warnings.push(`${parsed.problem}; no trace context injected`);
    }
  }
  const attributes: WantedAttribute[] = [];
  const add = (key: string, value: string | undefined) => {
    if (value !== undefined && value !== '') attributes.push({ key, value });
  };
  add(ResourceAttributes.modelId, lineage.modelId);
  add(ResourceAttributes.datasetVersion, lineage.datasetVersion);
  // The commit the pipeline built, never ARGOCD_APP_REVISION: a GitOps-only commit must not restart every pod.
  add(ResourceAttributes.commit, lineage.commit);
  add(ResourceAttributes.pipelineRunId, lineage.pipelineRunId);
  add(ResourceAttributes.environment, lineage.environment);
  return { traceparent, tracestate, modelId: lineage.modelId || undefined, attributes };
}

/** Records and applies operations on one working copy of an object. */
class ObjectPatcher {
  readonly operations: Operation[] = [];
  private copy: KubeObject | undefined;

  constructor(
    private readonly original: KubeObject,
    readonly resource: string,
    private readonly overwrite: boolean,
    private readonly warnings: string[],
    handedOver: boolean,
  ) {
    if (handedOver) this.copy = original;
  }

  get current(): KubeObject {
    return this.copy ?? this.original;
  }

  private apply(op: Operation): void {
    // Copy on first write so the caller's objects stay untouched.
    this.copy ??= cloneJson(this.original);
    // The document gets its own copy of the value: later operations must not rewrite the recorded one.
    const applied = 'value' in op ? { ...op, value: cloneJson(op.value as unknown) } : op;
    applyOperation(this.copy, applied, false, true);
    this.operations.push(op);
  }

  fail(path: readonly (string | number)[], problem: string): never {
    const where = path.length === 0 ? '' : ` ${path.join('.')}`;
    const reason = `${this.resource}:${where} ${problem}`;
    throw new GenerateError(reason, { reason });
  }

  at(path: readonly (string | number)[]): unknown {
    let node: unknown = this.current;
    for (const p of path) {
      if (Array.isArray(node) && typeof p === 'number') node = node[p];
      else if (isObject(node)) node = node[String(p)];
      else return undefined;
    }
    return node;
  }

  objectAt(path: readonly (string | number)[], required: boolean): Json | undefined {
    const v = this.at(path);
    if (v === undefined && !required) return undefined;
    if (!isObject(v)) this.fail(path, v === undefined ? 'is missing' : 'must be an object');
    return v;
  }

  /** Sets string entries of a map (annotations), creating parents; existing different values win unless overwrite. */
  setEntries(mapPath: readonly string[], entries: ReadonlyArray<[string, string]>): void {
    if (entries.length === 0) return;
    // One `add` creates whatever is missing along the path (e.g. metadata.annotations).
    for (let depth = 0; depth < mapPath.length; depth++) {
      const here = this.at(mapPath.slice(0, depth + 1));
      if (here === undefined || here === null) {
        let value: Json = Object.fromEntries(entries);
        for (let i = mapPath.length - 1; i > depth; i--) value = { [mapPath[i] ?? '']: value };
        this.apply({ op: 'add', path: pointer(mapPath.slice(0, depth + 1)), value });
        return;
      }
      if (!isObject(here)) this.fail(mapPath.slice(0, depth + 1), 'must be an object');
    }
    const map = this.at(mapPath) as Json;
    for (const [key, value] of entries) {
      const existing = map[key];
      if (existing === value) continue;
      if (existing === undefined) this.apply({ op: 'add', path: pointer([...mapPath, key]), value });
      else if (this.overwrite) this.apply({ op: 'replace', path: pointer([...mapPath, key]), value });
      else this.warnings.push(`${this.resource}: kept existing ${mapPath.join('.')}[${key}] (set overwrite=true to replace it)`);
    }
  }

  /** Adds env vars in order; `before` names a var they must precede (for `$(VAR)` expansion). */
  mergeEnv(containerPath: readonly (string | number)[], wanted: readonly Json[], attributes: WantedAttribute[]): void {
    const envPath = [...containerPath, 'env'];
    let env = this.at(envPath);
    if (env === undefined || env === null) {
      const fresh = [...wanted];
      const merged = mergeResourceAttributes(undefined, attributes, this.overwrite);
      if (merged !== undefined) fresh.push({ name: ContainerEnv.otelResourceAttributes, value: merged });
      if (fresh.length > 0) this.apply({ op: 'add', path: pointer(envPath), value: fresh });
      return;
    }
    if (!Array.isArray(env)) this.fail(envPath, 'must be a list');
    const indexOf = (name: string): number =>
      (this.at(envPath) as unknown[]).findIndex((e) => isObject(e) && e.name === name);
    (env as unknown[]).forEach((e, i) => {
      if (!isObject(e) || typeof e.name !== 'string') this.fail([...envPath, i], 'must be an object with a name');
    });
    const resourceAttrsIndex = indexOf(ContainerEnv.otelResourceAttributes);
    for (const entry of wanted) {
      const name = String(entry.name);
      const at = indexOf(name);
      if (at === -1) {
        // Anything OTEL_RESOURCE_ATTRIBUTES may reference goes before it: Kubernetes expands only earlier vars.
        const insertAt = resourceAttrsIndex === -1 ? '-' : indexOf(ContainerEnv.otelResourceAttributes);
        this.apply({ op: 'add', path: pointer([...envPath, insertAt]), value: entry });
      } else if (!sameJson((this.at(envPath) as unknown[])[at], entry)) {
        if (this.overwrite) this.apply({ op: 'replace', path: pointer([...envPath, at]), value: entry });
        else this.warnings.push(`${this.resource}: kept existing env ${name} in ${containerPath.join('.')}`);
      }
    }
    if (attributes.length === 0) return;
    const hashIndex = indexOf(ContainerEnv.podTemplateHash);
    const attrsIndex = indexOf(ContainerEnv.otelResourceAttributes);
    if (attrsIndex === -1) {
      const merged = mergeResourceAttributes(undefined, attributes, this.overwrite);
      if (merged !== undefined) {
        this.apply({ op: 'add', path: pointer([...envPath, '-']), value: { name: ContainerEnv.otelResourceAttributes, value: merged } });
      }
      return;
    }
    env = this.at(envPath);
    const existing = (env as Json[])[attrsIndex] as Json;
    if (hashIndex > attrsIndex) {
      this.warnings.push(
        `${this.resource}: ${ContainerEnv.podTemplateHash} is defined after ${ContainerEnv.otelResourceAttributes} in ${containerPath.join('.')}; Kubernetes will not expand it`,
      );
    }
    if (existing.valueFrom !== undefined) {
      this.warnings.push(
        `${this.resource}: ${ContainerEnv.otelResourceAttributes} in ${containerPath.join('.')} comes from valueFrom and cannot be merged; left as is`,
      );
      return;
    }
    const current = typeof existing.value === 'string' ? existing.value : '';
    const merged = mergeResourceAttributes(current, attributes, this.overwrite);
    if (merged === undefined) return;
    const valuePath = pointer([...envPath, attrsIndex, 'value']);
    this.apply({ op: existing.value === undefined ? 'add' : 'replace', path: valuePath, value: merged });
  }

  result(): KubeObject {
    return this.current;
  }
}

interface ContainerRef {
  path: (string | number)[];
  name: string;
}

function selectContainers(p: ObjectPatcher, podSpecPath: string[], wantedNames: readonly string[]): ContainerRef[] {
  const refs: ContainerRef[] = [];
  // initContainers only when named: they are usually setup steps and sidecars, not the model's process.
  const lists = wantedNames.length === 0 ? ['containers'] : ['initContainers', 'containers'];
  for (const list of lists) {
    const path = [...podSpecPath, list];
    const containers = p.at(path);
    if (containers === undefined || containers === null) {
      if (list === 'containers') p.fail(path, 'is missing');
      continue;
    }
    if (!Array.isArray(containers)) p.fail(path, 'must be a list');
    containers.forEach((c: unknown, i: number) => {
      if (!isObject(c) || typeof c.name !== 'string') p.fail([...path, i], 'must be an object with a name');
      if (wantedNames.length === 0 || wantedNames.includes(c.name)) refs.push({ path: [...path, i], name: c.name });
    });
  }
  return refs;
}

function injectWorkload(
  p: ObjectPatcher,
  shape: WorkloadShape,
  planned: Planned,
  options: InjectOptions,
  rolloutPods: boolean,
  warnings: string[],
): void {
  const annotations: Array<[string, string]> = [];
  if (planned.traceparent) {
    annotations.push([options.traceparentAnnotation, planned.traceparent]);
    if (options.seedAnnotation && options.traceparentAnnotation !== Annotations.seedTraceId) {
      annotations.push([Annotations.seedTraceId, planned.traceparent]);
    }
    if (planned.tracestate) annotations.push([Annotations.tracestate, planned.tracestate]);
  }
  const objectAnnotations: Array<[string, string]> = [...annotations];
  if (planned.modelId) objectAnnotations.push([Annotations.modelId, planned.modelId]);

  p.setEntries(['metadata', 'annotations'], objectAnnotations);
  if (shape.template === null) return;

  // Validate the whole path down to the pod spec before writing anything below it.
  for (let i = 1; i <= shape.template.length; i++) p.objectAt(shape.template.slice(0, i), true);
  const podSpecPath = [...shape.template, 'spec'];
  p.objectAt(podSpecPath, true);
  if (shape.template.length > 0) p.setEntries([...shape.template, 'metadata', 'annotations'], annotations);

  const env: Json[] = [];
  if (planned.modelId) env.push({ name: ContainerEnv.modelId, value: planned.modelId });
  if (shape.batch) {
    if (planned.traceparent) env.push({ name: ContainerEnv.traceparent, value: planned.traceparent });
    if (planned.tracestate) env.push({ name: ContainerEnv.tracestate, value: planned.tracestate });
  } else if (planned.traceparent) {
    env.push({
      name: ContainerEnv.deploymentTraceparent,
      valueFrom: { fieldRef: { fieldPath: `metadata.annotations['${options.traceparentAnnotation}']` } },
    });
  }
  const attributes = [...planned.attributes];
  if (rolloutPods) {
    env.push({
      name: ContainerEnv.podTemplateHash,
      valueFrom: { fieldRef: { fieldPath: `metadata.labels['${ROLLOUTS_POD_TEMPLATE_HASH_LABEL}']` } },
    });
    attributes.push({ key: ResourceAttributes.podTemplateHash, value: `$(${ContainerEnv.podTemplateHash})`, raw: true });
  }
  const containers = selectContainers(p, podSpecPath, options.containers);
  if (containers.length === 0 && options.containers.length > 0) {
    warnings.push(`${p.resource}: no container named ${options.containers.join(', ')}; only annotations injected`);
  }
  for (const c of containers) p.mergeEnv(c.path, env, attributes);
}

/**
 * Injects lineage into every workload. Unknown kinds pass through unchanged; a known kind with a malformed shape
 * throws GenerateError naming the resource. Deterministic: the output depends only on the arguments.
 */
export function inject(objects: readonly KubeObject[], context: InjectContext): InjectOutput {
  const warnings: string[] = [];
  const planned = plan(context.lineage, warnings);
  const referenced = rolloutReferencedDeployments(objects);
  const out: KubeObject[] = [];
  const patches: ResourcePatch[] = [];
  let injected = 0;
  for (const object of objects) {
    const shape = workloadShape(object);
    if (!shape) {
      out.push(object);
      continue;
    }
    const p = new ObjectPatcher(object, resourceName(object), context.options.overwrite, warnings, context.objectsHandedOver === true);
    const rolloutPods = shape.rollout || (object.kind === 'Deployment' && referenced.has(namespacedKey(object)));
    injectWorkload(p, shape, planned, context.options, rolloutPods, warnings);
    out.push(p.result());
    if (p.operations.length > 0) {
      injected++;
      patches.push({ resource: p.resource, operations: p.operations });
    }
  }
  return { objects: out, patches, injected, warnings };
}
