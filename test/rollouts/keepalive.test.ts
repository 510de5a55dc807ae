// Slow (~65 s): an idle session must survive two 30 s yamux keepalive rounds (host pings, plugin answers within
// 10 s) and serve the next Run. All three targets idle in parallel, so the test costs one idle period.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { goTarget, host, measurement, requireHarness, standaloneTarget, startSidecar } from './harness.js';
import type { Sidecar } from './harness.js';

describe('keepalive: idle past two 30 s keepalives, then Run', () => {
  let sidecar: Sidecar;
  beforeAll(async () => {
    requireHarness();
    sidecar = await startSidecar();
  });
  afterAll(async () => {
    await sidecar?.stop();
  });

  it('keeps the session (same plugin process) for TS standalone, TS sidecar and the Go baseline', { timeout: 150_000 }, async () => {
    const targets = [standaloneTarget, sidecar.target, goTarget];
    const runs = await Promise.all(targets.map((t) => host('keepalive', t, ['--idle', '65s'], 120_000)));
    runs.forEach((run, i) => {
      const name = targets[i]?.name;
      expect(run.result.problems, `${name}: ${run.stderr.slice(-2000)}`).toEqual([]);
      expect(run.result.data['samePid'], String(name)).toBe(true);
      expect(measurement(run.result).phase, String(name)).toBe('Successful');
    });
  });
});
