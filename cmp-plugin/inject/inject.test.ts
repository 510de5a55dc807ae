import fastJsonPatch from 'fast-json-patch';
import { describe, expect, it } from 'vitest';
import { Annotations, ContainerEnv } from '../../lineage/names.js';
import type { InjectOptions, KubeObject, Lineage } from '../types.js';
import { inject } from './inject.js';
import { DEFAULT_INJECT_OPTIONS } from './options.js';

const TP = '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01';
const LINEAGE: Lineage = {
  traceparent: TP,
  tracestate: 'vendor=abc',
  modelId: 'fraud-v7',
  datasetVersion: 'ds 2026/11',
  commit: '4f2a9c1e',
  pipelineRunId: 'run-42',
  environment: 'prod',
};
const ATTRS =
  'ml.model.id=fraud-v7,ml.dataset.version=ds%202026/11,vcs.ref.head.revision=4f2a9c1e,cicd.pipeline.run.id=run-42,deployment.environment.name=prod';
const TRACE_ENV = {
  name: ContainerEnv.deploymentTraceparent,
  valueFrom: { fieldRef: { fieldPath: `metadata.annotations['${Annotations.traceparent}']` } },
};
const HASH_ENV = {
  name: ContainerEnv.podTemplateHash,
  valueFrom: { fieldRef: { fieldPath: "metadata.labels['rollouts-pod-template-hash']" } },
};

function podSpec(containers: unknown[] = [{ name: 'app', image: 'img' }]): Record<string, unknown> {
  return { containers };
}
function workload(kind: string, apiVersion: string, spec: Record<string, unknown>, name = 'w'): KubeObject {
  return { apiVersion, kind, metadata: { name, namespace: 'ml' }, spec };
}
function run(objects: KubeObject[], options: Partial<InjectOptions> = {}, lineage: Lineage = LINEAGE) {
  return inject(objects, { lineage, options: { ...DEFAULT_INJECT_OPTIONS, ...options } });
}
function containerEnv(o: KubeObject | undefined, path: string[], index = 0): unknown {
  let node: unknown = o;
  for (const p of path) node = (node as Record<string, unknown>)[p];
  return ((node as Record<string, unknown>).containers as Array<Record<string, unknown>>)[index]?.env;
}
const objectAnnotations = {
  [Annotations.traceparent]: TP,
  [Annotations.seedTraceId]: TP,
  [Annotations.tracestate]: 'vendor=abc',
  [Annotations.modelId]: 'fraud-v7',
};
const podAnnotations = {
  [Annotations.traceparent]: TP,
  [Annotations.seedTraceId]: TP,
  [Annotations.tracestate]: 'vendor=abc',
};

describe('inject: long-running workloads', () => {
  for (const kind of ['Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet']) {
    it(`${kind}: annotations on object and pod template, MODEL_ID, Downward-API trace env, resource attributes`, () => {
      const { objects, patches, injected, warnings } = run([
        workload(kind, 'apps/v1', { template: { spec: podSpec() } }),
      ]);
      const out = objects[0] as KubeObject & { spec: { template: { metadata: { annotations: unknown } } } };
      expect(out.metadata?.annotations).toEqual(objectAnnotations);
      expect(out.spec.template.metadata.annotations).toEqual(podAnnotations);
      expect(containerEnv(out, ['spec', 'template', 'spec'])).toEqual([
        { name: 'MODEL_ID', value: 'fraud-v7' },
        TRACE_ENV,
        { name: 'OTEL_RESOURCE_ATTRIBUTES', value: ATTRS },
      ]);
      expect(injected).toBe(1);
      expect(patches[0]?.resource).toBe(`${kind}/ml/w`);
      expect(warnings).toEqual([]);
    });
  }
});

describe('inject: batch workloads continue the pipeline trace', () => {
  it('Job gets TRACEPARENT and TRACESTATE, not the Downward-API env', () => {
    const { objects } = run([workload('Job', 'batch/v1', { template: { spec: podSpec() } })]);
    expect(containerEnv(objects[0], ['spec', 'template', 'spec'])).toEqual([
      { name: 'MODEL_ID', value: 'fraud-v7' },
      { name: 'TRACEPARENT', value: TP },
      { name: 'TRACESTATE', value: 'vendor=abc' },
      { name: 'OTEL_RESOURCE_ATTRIBUTES', value: ATTRS },
    ]);
  });

  it('CronJob is injected through spec.jobTemplate.spec.template', () => {
    const { objects } = run([
      workload('CronJob', 'batch/v1', { schedule: '* * * * *', jobTemplate: { spec: { template: { spec: podSpec() } } } }),
    ]);
    const out = objects[0] as KubeObject & { spec: { jobTemplate: { spec: { template: { metadata: unknown } } } } };
    expect(out.spec.jobTemplate.spec.template.metadata).toEqual({ annotations: podAnnotations });
    expect(containerEnv(out, ['spec', 'jobTemplate', 'spec', 'template', 'spec'])).toContainEqual({ name: 'TRACEPARENT', value: TP });
  });

  it('a Pod is its own template; restartPolicy Never makes it batch, otherwise long-running', () => {
    const { objects } = run([
      { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'once' }, spec: { restartPolicy: 'Never', ...podSpec() } },
      { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'svc' }, spec: podSpec() },
    ]);
    expect(objects[0]?.metadata?.annotations).toEqual(objectAnnotations);
    expect(containerEnv(objects[0], ['spec'])).toContainEqual({ name: 'TRACEPARENT', value: TP });
    expect(containerEnv(objects[1], ['spec'])).toContainEqual(TRACE_ENV);
  });
});

describe('inject: Argo Rollouts', () => {
  it('Rollout pods get the pod-template-hash env before OTEL_RESOURCE_ATTRIBUTES, which references it', () => {
    const { objects } = run([workload('Rollout', 'argoproj.io/v1alpha1', { template: { spec: podSpec() } })]);
    const env = containerEnv(objects[0], ['spec', 'template', 'spec']) as Array<{ name: string; value?: string }>;
    expect(env).toEqual([
      { name: 'MODEL_ID', value: 'fraud-v7' },
      TRACE_ENV,
      HASH_ENV,
      { name: 'OTEL_RESOURCE_ATTRIBUTES', value: `${ATTRS},k8s.pod.label.rollouts-pod-template-hash=$(ARGO_OTEL_POD_TEMPLATE_HASH)` },
    ]);
    // Kubernetes expands $(VAR) only for vars defined earlier in the same list.
    const names = env.map((e) => e.name);
    expect(names.indexOf(ContainerEnv.podTemplateHash)).toBeLessThan(names.indexOf(ContainerEnv.otelResourceAttributes));
  });

  it('inserts the hash env before a user OTEL_RESOURCE_ATTRIBUTES that comes first', () => {
    const { objects } = run([
      workload('Rollout', 'argoproj.io/v1alpha1', {
        template: { spec: podSpec([{ name: 'app', env: [{ name: 'OTEL_RESOURCE_ATTRIBUTES', value: 'team=ml' }, { name: 'X', value: '1' }] }]) },
      }),
    ]);
    const names = (containerEnv(objects[0], ['spec', 'template', 'spec']) as Array<{ name: string }>).map((e) => e.name);
    expect(names).toEqual(['MODEL_ID', 'ORCHESTRATION_TRACE_ID', 'ARGO_OTEL_POD_TEMPLATE_HASH', 'OTEL_RESOURCE_ATTRIBUTES', 'X']);
  });

  it('warns when a user-defined hash env comes after OTEL_RESOURCE_ATTRIBUTES (it would not expand)', () => {
    const { warnings } = run([
      workload('Rollout', 'argoproj.io/v1alpha1', {
        template: {
          spec: podSpec([
            { name: 'app', env: [{ name: 'OTEL_RESOURCE_ATTRIBUTES', value: 'a=b' }, HASH_ENV] },
          ]),
        },
      }),
    ]);
    expect(warnings.join('\n')).toMatch(/ARGO_OTEL_POD_TEMPLATE_HASH is defined after OTEL_RESOURCE_ATTRIBUTES/);
  });

  it('a workloadRef Rollout is only annotated; the Deployment it references gets the Rollout pod env', () => {
    const { objects } = run([
      workload('Rollout', 'argoproj.io/v1alpha1', { workloadRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'pods' } }, 'ro'),
      workload('Deployment', 'apps/v1', { template: { spec: podSpec() } }, 'pods'),
      workload('Deployment', 'apps/v1', { template: { spec: podSpec() } }, 'other'),
    ]);
    expect(objects[0]?.metadata?.annotations).toEqual(objectAnnotations);
    expect(objects[0]?.spec).toEqual({ workloadRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'pods' } });
    expect(containerEnv(objects[1], ['spec', 'template', 'spec'])).toContainEqual(HASH_ENV);
    expect(containerEnv(objects[2], ['spec', 'template', 'spec'])).not.toContainEqual(HASH_ENV);
  });
});

describe('inject: existing values', () => {
  const userDeployment = (): KubeObject =>
    workload('Deployment', 'apps/v1', {
      template: {
        metadata: { annotations: { [Annotations.traceparent]: 'user-value' } },
        spec: podSpec([
          {
            name: 'app',
            env: [
              { name: 'MODEL_ID', value: 'user-model' },
              { name: 'OTEL_RESOURCE_ATTRIBUTES', value: 'ml.model.id=user-model,team=ml' },
            ],
          },
        ]),
      },
    });

  it('user values win by default, with a warning; OTEL_RESOURCE_ATTRIBUTES is merged, never clobbered', () => {
    const { objects, warnings } = run([userDeployment()]);
    const out = objects[0] as KubeObject & { spec: { template: { metadata: { annotations: Record<string, string> } } } };
    expect(out.spec.template.metadata.annotations[Annotations.traceparent]).toBe('user-value');
    expect(containerEnv(out, ['spec', 'template', 'spec'])).toEqual([
      { name: 'MODEL_ID', value: 'user-model' },
      TRACE_ENV,
      {
        name: 'OTEL_RESOURCE_ATTRIBUTES',
        value:
          'ml.model.id=user-model,team=ml,ml.dataset.version=ds%202026/11,vcs.ref.head.revision=4f2a9c1e,cicd.pipeline.run.id=run-42,deployment.environment.name=prod',
      },
    ]);
    expect(warnings).toHaveLength(2);
    expect(warnings.join('\n')).toMatch(/kept existing .*annotations\[argo-otel.io\/traceparent\]/);
    expect(warnings.join('\n')).toMatch(/kept existing env MODEL_ID/);
  });

  it('overwrite=true replaces them', () => {
    const { objects, warnings } = run([userDeployment()], { overwrite: true });
    const out = objects[0] as KubeObject & { spec: { template: { metadata: { annotations: Record<string, string> } } } };
    expect(out.spec.template.metadata.annotations[Annotations.traceparent]).toBe(TP);
    const env = containerEnv(out, ['spec', 'template', 'spec']) as Array<{ name: string; value?: string }>;
    expect(env[0]).toEqual({ name: 'MODEL_ID', value: 'fraud-v7' });
    expect(env.find((e) => e.name === 'OTEL_RESOURCE_ATTRIBUTES')?.value).toBe(
      'ml.model.id=fraud-v7,team=ml,ml.dataset.version=ds%202026/11,vcs.ref.head.revision=4f2a9c1e,cicd.pipeline.run.id=run-42,deployment.environment.name=prod',
    );
    expect(warnings).toEqual([]);
  });

  it('a valueFrom OTEL_RESOURCE_ATTRIBUTES is left alone with a warning', () => {
    const from = { name: 'OTEL_RESOURCE_ATTRIBUTES', valueFrom: { configMapKeyRef: { name: 'c', key: 'k' } } };
    const { objects, warnings } = run([workload('Deployment', 'apps/v1', { template: { spec: podSpec([{ name: 'a', env: [from] }]) } })]);
    expect(containerEnv(objects[0], ['spec', 'template', 'spec'])).toContainEqual(from);
    expect(warnings.join('\n')).toMatch(/comes from valueFrom and cannot be merged/);
  });

  it('already-injected objects produce no operations (idempotent)', () => {
    const first = run([workload('Rollout', 'argoproj.io/v1alpha1', { template: { spec: podSpec() } })]);
    const second = run(first.objects);
    expect(second.patches).toEqual([]);
    expect(second.injected).toBe(0);
    expect(second.objects).toEqual(first.objects);
  });
});

describe('inject: options', () => {
  it('custom annotation key, seed annotation off: the Downward-API env follows the key', () => {
    const { objects } = run([workload('Deployment', 'apps/v1', { template: { spec: podSpec() } })], {
      traceparentAnnotation: 'example.com/trace',
      seedAnnotation: false,
    });
    expect(objects[0]?.metadata?.annotations).toEqual({
      'example.com/trace': TP,
      [Annotations.tracestate]: 'vendor=abc',
      [Annotations.modelId]: 'fraud-v7',
    });
    expect(containerEnv(objects[0], ['spec', 'template', 'spec'])).toContainEqual({
      name: 'ORCHESTRATION_TRACE_ID',
      valueFrom: { fieldRef: { fieldPath: "metadata.annotations['example.com/trace']" } },
    });
  });

  it('containers by name, including a named init container; others untouched; all containers by default', () => {
    const spec = {
      template: { spec: { initContainers: [{ name: 'fetch-model' }], containers: [{ name: 'app' }, { name: 'proxy' }] } },
    };
    const selected = run([workload('Deployment', 'apps/v1', structuredClone(spec))], { containers: ['app', 'fetch-model'] });
    const s = (selected.objects[0] as { spec: { template: { spec: Record<string, Array<{ env?: unknown }>> } } }).spec.template.spec;
    expect(s.initContainers?.[0]?.env).toBeDefined();
    expect(s.containers?.[0]?.env).toBeDefined();
    expect(s.containers?.[1]?.env).toBeUndefined();
    const all = run([workload('Deployment', 'apps/v1', structuredClone(spec))]);
    const a = (all.objects[0] as { spec: { template: { spec: Record<string, Array<{ env?: unknown }>> } } }).spec.template.spec;
    expect(a.initContainers?.[0]?.env).toBeUndefined();
    expect(a.containers?.every((c) => c.env !== undefined)).toBe(true);
  });

  it('warns when no container matches the selection', () => {
    const { warnings } = run([workload('Deployment', 'apps/v1', { template: { spec: podSpec() } })], { containers: ['nope'] });
    expect(warnings.join('\n')).toMatch(/no container named nope/);
  });
});

describe('inject: lineage gaps and bad input', () => {
  it('an invalid traceparent gives a warning and no trace context, other lineage still goes in', () => {
    const { objects, warnings } = run([workload('Deployment', 'apps/v1', { template: { spec: podSpec() } })], {}, {
      traceparent: '00-xyz',
      modelId: 'm1',
    });
    expect(warnings.join('\n')).toMatch(/invalid traceparent/);
    expect(objects[0]?.metadata?.annotations).toEqual({ [Annotations.modelId]: 'm1' });
    expect(containerEnv(objects[0], ['spec', 'template', 'spec'])).toEqual([
      { name: 'MODEL_ID', value: 'm1' },
      { name: 'OTEL_RESOURCE_ATTRIBUTES', value: 'ml.model.id=m1' },
    ]);
  });

  it('no lineage at all: nothing changes, no patches', () => {
    const input = [workload('Deployment', 'apps/v1', { template: { spec: podSpec() } })];
    const { objects, patches, injected } = run(input, {}, {});
    expect(objects).toEqual(input);
    expect(patches).toEqual([]);
    expect(injected).toBe(0);
  });

  it('unknown kinds and look-alike kinds from other groups pass through unchanged (same object)', () => {
    const cm: KubeObject = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c' }, data: { a: 'b' } };
    const crd: KubeObject = { apiVersion: 'example.com/v1', kind: 'Deployment', metadata: { name: 'x' }, spec: {} };
    const { objects, patches } = run([cm, crd]);
    expect(objects[0]).toBe(cm);
    expect(objects[1]).toBe(crd);
    expect(patches).toEqual([]);
  });

  it.each([
    ['spec.template not an object', { template: 'nope' }, /Deployment\/ml\/w: spec.template must be an object/],
    ['no pod spec', { template: {} }, /Deployment\/ml\/w: spec.template.spec is missing/],
    ['containers not a list', { template: { spec: { containers: {} } } }, /spec.template.spec.containers must be a list/],
    ['container without a name', { template: { spec: { containers: [{ image: 'x' }] } } }, /containers.0 must be an object with a name/],
    ['env not a list', { template: { spec: { containers: [{ name: 'a', env: 'x' }] } } }, /containers.0.env must be a list/],
    ['annotations not a map', { template: { metadata: { annotations: [] }, spec: podSpec() } }, /spec.template.metadata.annotations must be an object/],
  ])('a malformed known workload fails naming the resource: %s', (_name, spec, message) => {
    expect(() => run([workload('Deployment', 'apps/v1', spec)])).toThrow(message);
  });
});

describe('inject: purity and patches', () => {
  it('does not mutate its input, and each patch applied to the input gives the output', () => {
    const input = [
      workload('Deployment', 'apps/v1', { template: { spec: podSpec([{ name: 'a', env: [{ name: 'OTEL_RESOURCE_ATTRIBUTES', value: 'x=1' }] }]) } }),
      workload('Rollout', 'argoproj.io/v1alpha1', { template: { spec: podSpec() } }, 'r'),
      workload('CronJob', 'batch/v1', { jobTemplate: { spec: { template: { spec: podSpec() } } } }, 'c'),
    ];
    const snapshot = structuredClone(input);
    const { objects, patches } = run(input);
    expect(input).toEqual(snapshot);
    patches.forEach((patch, i) => {
      const applied = fastJsonPatch.applyPatch(structuredClone(input[i]), patch.operations, true, false).newDocument;
      expect(applied).toEqual(objects[i]);
    });
  });

  it('objects handed over are patched in place, with the same output and patches as the copying default', () => {
    const make = () => [
      workload('Deployment', 'apps/v1', { template: { spec: podSpec([{ name: 'a', env: [{ name: 'OTEL_RESOURCE_ATTRIBUTES', value: 'x=1' }] }]) } }),
      workload('Rollout', 'argoproj.io/v1alpha1', { template: { spec: podSpec() } }, 'r'),
      { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'passes-through' } },
    ];
    const copied = run(make());
    const given = make();
    const inPlace = inject(given, { lineage: LINEAGE, options: DEFAULT_INJECT_OPTIONS, objectsHandedOver: true });
    expect(JSON.stringify(inPlace)).toBe(JSON.stringify(copied));
    // The very objects handed over came back, patched.
    inPlace.objects.forEach((o, i) => expect(o).toBe(given[i]));
    // Recorded patch values are their own copies: later edits of the output do not rewrite the patch.
    (inPlace.objects[0]!.metadata!.annotations as Record<string, string>)[Annotations.traceparent] = 'changed';
    expect(JSON.stringify(inPlace.patches)).toBe(JSON.stringify(copied.patches));
  });

  it('is deterministic: same input, byte-identical output and patches', () => {
    const make = () => [workload('Rollout', 'argoproj.io/v1alpha1', { template: { spec: podSpec() } })];
    expect(JSON.stringify(run(make()))).toBe(JSON.stringify(run(make())));
  });
});

describe('inject: patch shape', () => {
  it('creates missing metadata and annotations in one operation and records values as applied', () => {
    const { patches } = run([workload('Job', 'batch/v1', { template: { spec: podSpec() } })], {}, { traceparent: TP });
    expect(patches[0]?.operations.slice(0, 2)).toEqual([
      { op: 'add', path: '/metadata/annotations', value: { [Annotations.traceparent]: TP, [Annotations.seedTraceId]: TP } },
      { op: 'add', path: '/spec/template/metadata', value: { annotations: { [Annotations.traceparent]: TP, [Annotations.seedTraceId]: TP } } },
    ]);
  });
});
