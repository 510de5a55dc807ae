// The harness against the Go baseline plugin (real go-plugin v1.6.3 server): if this fails, the harness is wrong,
// not the TypeScript plugin.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { goTarget, HOST, host, hostOk, requireHarness } from './harness.js';
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

  it('the first Run measured on the wire (relay between host and plugin) equals the harness replay', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'rollouts-relay-'));
    try {
      const out = join(dir, 'wire.json');
      const relayed = { name: 'go-baseline via relay', plugin: HOST, args: ['relay', '--out', out, '--', goTarget.plugin] };
      const r = await hostOk('run', relayed);
      const wire = JSON.parse(readFileSync(out, 'utf8')) as { requests: Array<{ stream: number; method: string; gobBytes: number; frames: number }> };
      const methods = wire.requests.map((q) => q.method);
      expect(methods).toEqual(['Dispenser.Dispense', 'Plugin.InitPlugin', 'Control.Ping', 'Plugin.Run', 'Control.Quit']);
      const run = wire.requests.find((q) => q.method === 'Plugin.Run');
      expect(run?.stream).toBe(7);
      expect(run?.gobBytes).toBe(r.data['firstRunRequestBytes']);
      // net/rpc writes through a 4 KiB bufio.Writer, so the ~20 KB request spans several yamux Data frames.
      expect(run?.frames).toBeGreaterThan(1);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
