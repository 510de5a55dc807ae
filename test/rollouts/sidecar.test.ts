// The TypeScript sidecar reached through the static launcher, as a distroless controller would: the launcher prints
// the handshake naming the sidecar socket, the real go-plugin client dials it, and each host is its own session.
import { spawn } from 'node:child_process';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HOST, host, hostOk, measurement, requireHarness, startSidecar } from './harness.js';
import type { Sidecar } from './harness.js';
import { scenarios } from './scenarios.js';

describe('TS sidecar through the launcher, driven by the real Argo Rollouts host', () => {
  let sidecar: Sidecar;
  beforeAll(async () => {
    requireHarness();
    sidecar = await startSidecar();
  });
  afterAll(async () => {
    await sidecar?.stop();
  });

  for (const s of scenarios) {
    // Quit ends the session, not the sidecar; go-plugin then SIGKILLs the launcher after its 2 s grace.
    it(s.name, async () => {
      await s.run(sidecar.target, { exitsOnQuit: false, repliesToQuit: true });
      expect(sidecar.process.exitCode, sidecar.stderr().slice(-2000)).toBeNull();
    });
  }

  it('handshake names the sidecar socket', async () => {
    const r = await hostOk('dispense', sidecar.target);
    expect(r.addr).toBe(`unix:${sidecar.socket}`);
  });

  it('a host restart (a new host process) gets a new, working session', async () => {
    const first = await hostOk('run', sidecar.target);
    const second = await hostOk('run', sidecar.target);
    expect(second.pid).not.toBe(first.pid);
    expect(measurement(second).phase).toBe('Successful');
    expect(sidecar.process.exitCode).toBeNull();
  });

  it('two hosts at once, each with its own session and gob state', async () => {
    const [a, b] = await Promise.all([
      host('concurrent', sidecar.target, ['--n', '20']),
      host('concurrent', sidecar.target, ['--n', '20']),
    ]);
    for (const r of [a, b]) {
      expect(r.result.problems).toEqual([]);
      expect(r.result.data).toMatchObject({ n: 20, mismatched: 0, phases: { Successful: 20 } });
    }
    expect(a.result.pid).not.toBe(b.result.pid);
    expect(sidecar.process.exitCode).toBeNull();
  });

  it('a host that dies with calls in flight does not take the sidecar down', async () => {
    // 50 Runs taking up to 8 s each are in flight when the host is SIGKILLed: no Quit, no FIN.
    const doomed = spawn(HOST, ['concurrent', '--plugin', sidecar.target.plugin, ...sidecar.target.args.flatMap((a) => ['--arg', a]),
      '--n', '50', '--max-delay-ms', '8000'], { stdio: 'ignore' });
    await sleep(1500);
    doomed.kill('SIGKILL');
    await new Promise((ok) => doomed.once('close', ok));
    const after = await hostOk('run', sidecar.target);
    expect(measurement(after).phase).toBe('Successful');
    expect(sidecar.process.exitCode, sidecar.stderr().slice(-2000)).toBeNull();
  });
});
