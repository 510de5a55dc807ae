import { describe, expect, it } from 'vitest';
import { podResourceAttributes, podTemplateHash } from './canary.js';

describe('podTemplateHash', () => {
  // Expected values from an independent fnv-1a 32 + SafeEncodeString in Python over the same JSON bytes; the fnv
  // step itself is checked by the published vectors fnv1a32("a") = 0xe40c292c, fnv1a32("foobar") = 0xbf9cf968.
  it('is fnv-32a of the JSON, SafeEncodeString of the decimal, as k8s ComputeHash', () => {
    expect(podTemplateHash('a')).toBe('5b7cff88c8');
    expect(podTemplateHash({ spec: { containers: [{ name: 'server', image: 'x:1' }] } })).toBe('f97cf8dbb');
  });

  it('changes with the template and uses only the alphabet Kubernetes uses for names', () => {
    const stable = podTemplateHash({ spec: { containers: [{ image: 'model:1.3.2' }] } });
    const canary = podTemplateHash({ spec: { containers: [{ image: 'model:1.4.0' }] } });
    expect(canary).not.toBe(stable);
    for (const h of [stable, canary]) expect(h).toMatch(/^[bcdfghjklmnpqrstvwxz2456789]{1,10}$/);
  });
});

describe('podResourceAttributes', () => {
  const template = (env: unknown[]) => ({ spec: { containers: [{ name: 'server', env }] } });
  const hashFromLabel = { name: 'ARGO_OTEL_POD_TEMPLATE_HASH', valueFrom: { fieldRef: { fieldPath: "metadata.labels['rollouts-pod-template-hash']" } } };

  it('expands $(VAR) from earlier entries and the Downward-API hash label, as the kubelet does', () => {
    const env = [hashFromLabel, { name: 'OTEL_RESOURCE_ATTRIBUTES', value: 'ml.model.id=m:1,k8s.pod.label.rollouts-pod-template-hash=$(ARGO_OTEL_POD_TEMPLATE_HASH)' }];
    expect(podResourceAttributes(template(env), 'abc12')).toEqual({ 'ml.model.id': 'm:1', 'k8s.pod.label.rollouts-pod-template-hash': 'abc12' });
  });

  it('leaves a reference to a variable defined later (or not at all) as written, and percent-decodes values', () => {
    const env = [{ name: 'OTEL_RESOURCE_ATTRIBUTES', value: 'a=$(LATER),b=x%2Cy' }, { name: 'LATER', value: 'v' }];
    expect(podResourceAttributes(template(env), 'h')).toEqual({ a: '$(LATER)', b: 'x,y' });
  });

  it('is empty for a container without OTEL_RESOURCE_ATTRIBUTES', () => {
    expect(podResourceAttributes(template([hashFromLabel]), 'h')).toEqual({});
  });
});
