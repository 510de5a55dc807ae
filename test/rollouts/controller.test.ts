// The controller's own code path, not a mirror of it: argo-rollouts-config read by utils/config from a fake
// clientset, the plugin installed into plugin-bin/<namespace>/<name> (DownloadPlugins, file://), then
// metricproviders/plugin.NewRpcPlugin for every measurement and goPlugin.CleanupClients() on shutdown.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GO_PLUGIN, host, hostOk, measurement, requireHarness, requireLauncher, requireTsPlugin, startSidecar, TS_PLUGIN } from './harness.js';
import type { HostResult, PluginTarget, Sidecar } from './harness.js';

function expectController(r: HostResult): void {
  expect(measurement(r)).toMatchObject({ phase: 'Successful', value: '1', message: 'fixed answer' });
  expect(measurement(r, 'resumed').phase).toBe('Successful');
  expect(['Successful', 'Failed', 'Error', 'Inconclusive']).toContain(measurement(r, 'terminated').phase);
  expect(r.data['metadata']).toEqual({ provider: 'fixed', phase: 'Successful' });
  expect(r.data['type']).toBe('RPCPlugin');
  // One plugin process serves every measurement (the client is a singleton), and shutdown ends it.
  expect(r.data['pluginPids']).toHaveLength(1);
  expect(r.data['pidsGone']).toBe(true);
}

describe('the real controller code path (client.GetMetricPlugin via NewRpcPlugin)', () => {
  let sidecar: Sidecar;
  beforeAll(async () => {
    requireHarness();
    requireTsPlugin();
    requireLauncher();
    sidecar = await startSidecar();
  });
  afterAll(async () => {
    await sidecar?.stop();
  });

  it('Go baseline, copied into plugin-bin/ by DownloadPlugins', async () => {
    expectController(await hostOk('controller', { name: 'go-baseline', plugin: GO_PLUGIN, args: [] }));
  });

  it('TS plugin script, symlinked into plugin-bin/ (a Node tree cannot be copied as one file)', async () => {
    const r = await hostOk('controller', { name: 'ts-standalone', plugin: TS_PLUGIN, args: [] }, ['--install', 'symlink']);
    expectController(r);
  });

  it('TS sidecar through the static launcher copied by DownloadPlugins, with the ConfigMap args', async () => {
    const r = await hostOk('controller', sidecar.target);
    expectController(r);
    expect(sidecar.process.exitCode).toBeNull();
  });

  it('a copied Node script cannot start, and the failure sticks ("exec: Stdout already set")', async () => {
    const target: PluginTarget = { name: 'ts-script-copied', plugin: TS_PLUGIN, args: [] };
    const { result, code } = await host('controller', target, ['--install', 'download']);
    expect(code).not.toBe(0);
    expect(result.problems.join('\n')).toMatch(/Unrecognized remote plugin message/);
    // The cached client keeps its used exec.Cmd: every later measurement fails until the controller restarts.
    expect(result.problems.join('\n')).toMatch(/exec: Stdout already set/);
  });
});
