// `argo-otel-rollouts-plugin` exec'd directly, as go-plugin's client execs it: handshake, stdout purity, cookie,
// signals and exit, with the in-repo host client on the socket it announces.
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { goTimeFromBinary } from '../../rollouts-metric-plugin/transport/gob/index.js';
import { t } from '../../rollouts-metric-plugin/transport/gob/index.js';
import { COOKIE, PLUGIN_BIN, initPlugin, killAll, metadataArgs, requireBuilt, run, start, connectHandshake } from './helpers.js';

let dir: string;
beforeAll(() => {
  requireBuilt();
  dir = mkdtempSync(join(tmpdir(), 'plugin-test-'));
});
afterEach(killAll);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const HANDSHAKE = (d: string) => new RegExp(`^1\\|1\\|unix\\|${d.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}/plugin\\d+\\|netrpc\\|\\n$`);
const FIXED = { fixed: { phase: 'Successful', value: '1', message: 'fixed answer' } };

function expectHclog(stderr: string): void {
  for (const line of stderr.split('\n').filter(Boolean)) {
    const entry = JSON.parse(line) as Record<string, unknown>;
    expect(typeof entry['@level']).toBe('string');
    expect(typeof entry['@message']).toBe('string');
    expect(entry['@timestamp']).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/);
  }
}

describe('rollouts-plugin, standalone', () => {
  it('without the cookie prints go-plugin\'s message on stderr, nothing on stdout, exits 1', async () => {
    const p = start(PLUGIN_BIN, [], { PLUGIN_PROTOCOL_VERSIONS: '1' });
    expect(await p.exited).toEqual({ code: 1, signal: null });
    expect(p.stdout()).toBe('');
    expect(p.stderr()).toBe(
      'This binary is a plugin. These are not meant to be executed directly.\n' +
        'Please execute the program that consumes these plugins, which will\n' +
        'load any plugins automatically\n',
    );
  });

  it('handshakes, serves a whole session, exits 0 on Quit and removes its socket; stdout is the line only', async () => {
    const p = start(PLUGIN_BIN, ['--log-level', 'debug'], { ...COOKIE, PLUGIN_UNIX_SOCKET_DIR: dir });
    const line = await p.firstLine;
    expect(line).toMatch(HANDSHAKE(dir));
    const socket = line.split('|')[3]!;
    expect(existsSync(socket)).toBe(true);
    const host = await connectHandshake(line);
    const plugin = await initPlugin(host);
    await host.ping();
    expect(await plugin.call('Plugin.Type', t.iface, null)).toBe('RPCPlugin');
    const m = await run(plugin, FIXED);
    expect(m).toMatchObject({ Phase: 'Successful', Value: '1', Message: 'fixed answer' });
    expect(goTimeFromBinary(m.StartedAt as Uint8Array).date.getTime()).toBeLessThanOrEqual(Date.now());
    expect(m.FinishedAt).toBeInstanceOf(Uint8Array);
    expect(await plugin.call('Plugin.GetMetadata', t.iface, metadataArgs(FIXED))).toEqual(new Map([['provider', 'fixed'], ['phase', 'Successful']]));
    await host.quit();
    host.close();
    expect(await p.exited).toEqual({ code: 0, signal: null });
    expect(existsSync(socket)).toBe(false);
    expect(p.stdout()).toBe(line);
    expectHclog(p.stderr());
  });

  it('keeps stdout pure when code prints to it after the handshake (console.log, process.stdout.write)', async () => {
    // A stand-in for a chatty dependency: prints to stdout on SIGUSR2, after the handshake.
    const chatty = `data:text/javascript,${encodeURIComponent("process.on('SIGUSR2',()=>{console.log('stray log');process.stdout.write('stray write\\n');})")}`;
    const p = start(PLUGIN_BIN, [], { ...COOKIE, PLUGIN_UNIX_SOCKET_DIR: dir, NODE_OPTIONS: `--import=${chatty}` });
    const line = await p.firstLine;
    p.child.kill('SIGUSR2');
    await p.waitStderr('stray write');
    expect(p.stderr()).toContain('stray log\n');
    const host = await connectHandshake(line);
    await host.ping();
    expect(p.stdout()).toBe(line);
    host.close();
    expect(await p.exited).toEqual({ code: 0, signal: null });
  });

  it('ignores SIGINT like go-plugin, exits 0 on SIGTERM', async () => {
    const p = start(PLUGIN_BIN, ['--log-level', 'trace'], { ...COOKIE, PLUGIN_UNIX_SOCKET_DIR: dir });
    const line = await p.firstLine;
    const host = await connectHandshake(line);
    p.child.kill('SIGINT');
    await p.waitStderr('plugin received interrupt signal, ignoring');
    await host.ping();
    p.child.kill('SIGTERM');
    expect(await p.exited).toEqual({ code: 0, signal: null });
    expect(readdirSync(dir).filter((f) => line.includes(f))).toEqual([]);
  });

  it('exits 0 when the host goes away without Quit (no orphan plugins)', async () => {
    const p = start(PLUGIN_BIN, [], { ...COOKIE, PLUGIN_UNIX_SOCKET_DIR: dir });
    const host = await connectHandshake(await p.firstLine);
    await initPlugin(host);
    host.close();
    expect(await p.exited).toEqual({ code: 0, signal: null });
  });

  it('still announces version 1 when the host lists others, and says so on stderr (Go\'s behaviour)', async () => {
    const p = start(PLUGIN_BIN, [], { ...COOKIE, PLUGIN_PROTOCOL_VERSIONS: '2,x', PLUGIN_UNIX_SOCKET_DIR: dir });
    expect(await p.firstLine).toMatch(HANDSHAKE(dir));
    const logged = p.stderr().split('\n').filter(Boolean).map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(logged).toContainEqual(expect.objectContaining({ '@level': 'warn', '@message': 'host sent an invalid plugin version', value: 'x' }));
    expect(logged).toContainEqual(expect.objectContaining({ '@message': 'host does not list our protocol version; it will refuse the handshake' }));
    p.child.kill('SIGTERM');
    expect((await p.exited).code).toBe(0);
  });

  it('answers a bad config and a bad broker id without losing the session', async () => {
    const p = start(PLUGIN_BIN, [], { ...COOKIE, PLUGIN_UNIX_SOCKET_DIR: dir });
    const host = await connectHandshake(await p.firstLine);
    const plugin = await initPlugin(host);
    expect(await run(plugin, { fixed: { phase: 'Nope' } })).toMatchObject({
      Phase: 'Error',
      Message: 'fixed.phase must be one of Successful, Failed, Inconclusive, Error, Running',
    });
    await expect(host.connectBroker(99)).rejects.toThrow();
    await expect(host.dispense('Nope')).rejects.toThrow('unknown plugin type: Nope');
    expect(await run(plugin, FIXED)).toMatchObject({ Phase: 'Successful' });
    await host.quit();
    expect((await p.exited).code).toBe(0);
  });
});
