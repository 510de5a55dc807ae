// The TypeScript plugin as the controller runs it: exec'd by the real go-plugin v1.6.3 client with argo-rollouts'
// ClientConfig, driven through the real rpc.MetricsPluginRPC client and v1alpha1 types.
import { beforeAll, describe, expect, it } from 'vitest';
import { hostOk, measurement, requireHarness, requireTsPlugin, standaloneTarget } from './harness.js';
import { scenarios } from './scenarios.js';

describe('TS plugin standalone, driven by the real Argo Rollouts host', () => {
  beforeAll(() => {
    requireHarness();
    requireTsPlugin();
  });

  for (const s of scenarios) {
    it(s.name, () => s.run(standaloneTarget, { exitsOnQuit: true, repliesToQuit: true }));
  }

  it('its stderr logs reach the host as parsed hclog JSON (the ConfigMap args pass through)', async () => {
    const r = await hostOk('run', { ...standaloneTarget, args: ['--log-level', 'debug'] });
    expect(measurement(r).phase).toBe('Successful');
    expect(r.pluginLogLines).toBeGreaterThan(0);
    // A line go-plugin cannot parse (wrong @timestamp digits, non-string @message) is forwarded raw.
    expect(r.rawPluginLogLines).toEqual([]);
  });
});
