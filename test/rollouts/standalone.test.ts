// The TypeScript plugin as the controller runs it: exec'd by the real go-plugin v1.6.3 client with argo-rollouts'
// ClientConfig, driven through the real rpc.MetricsPluginRPC client and v1alpha1 types.
import { beforeAll, describe, it } from 'vitest';
import { requireHarness, requireTsPlugin, standaloneTarget } from './harness.js';
import { scenarios } from './scenarios.js';

describe('TS plugin standalone, driven by the real Argo Rollouts host', () => {
  beforeAll(() => {
    requireHarness();
    requireTsPlugin();
  });

  for (const s of scenarios) {
    it(s.name, () => s.run(standaloneTarget, { exitsOnQuit: true, repliesToQuit: true }));
  }
});
