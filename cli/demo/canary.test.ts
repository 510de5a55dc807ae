import { describe, expect, it } from 'vitest';
import { podTemplateHash } from './canary.js';

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
