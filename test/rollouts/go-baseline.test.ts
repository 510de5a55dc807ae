// The harness against the Go baseline plugin (real go-plugin v1.6.3 server): if this fails, the harness is wrong,
// not the TypeScript plugin.
import { beforeAll, describe, expect, it } from 'vitest';
import { goTarget, host, requireHarness } from './harness.js';
import { scenarios } from './scenarios.js';

describe('rollouts-host against the Go baseline plugin', () => {
  beforeAll(() => requireHarness());

  it('passes every conformance scenario', async () => {
    const failures: string[] = [];
    for (const s of scenarios) {
      // go-plugin v1.6.3's server may exit before its Quit reply is flushed, so only the exit is asserted.
      await s.run(goTarget, { exitsOnQuit: true, repliesToQuit: false }).catch((err: Error) => failures.push(`${s.name}: ${err.message}`));
    }
    expect(failures).toEqual([]);
  });

  it('reports the Go facts the TS side relies on', async () => {
    const r = await host('gob-first-id', goTarget);
    expect(r.code).toBe(0);
    // Go 1.26: firstUserId = 64, and the host's first definition (rpc.Request) gets exactly that id.
    expect(r.result.data['firstUserTypeId']).toBe(64);
  });
});
