// `argo-otel rollouts-sidecar`: one long-running server for many controller sessions, reached directly or through
// the static launcher; Quit ends a session only; SIGTERM drains calls in flight and exits 0.
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { COOKIE, DIST_CLI, LAUNCHER, connectHandshake, initPlugin, killAll, requireBuilt, run, start } from './helpers.js';
import type { Proc } from './helpers.js';

let dir: string;
beforeAll(() => {
  requireBuilt();
  if (!existsSync(LAUNCHER)) throw new Error(`${LAUNCHER} is missing: run test/setup.sh (test/setup.d/launcher.sh)`);
  dir = mkdtempSync(join(tmpdir(), 'sidecar-test-'));
});
afterEach(killAll);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const FIXED = { fixed: { phase: 'Successful', value: '1', message: 'fixed answer' } };

function sidecar(listen: string, extra: string[] = []): Proc {
  const script = `const m = await import(${JSON.stringify(DIST_CLI)}); await m.rolloutsSidecarCommand().parseAsync(process.argv.slice(1), { from: 'user' });`;
  return start(process.execPath, ['--input-type=module', '-e', script, '--', '--listen', listen, ...extra], {});
}

async function listening(listen: string, extra: string[] = []): Promise<Proc> {
  const p = sidecar(listen, extra);
  await p.waitStderr('"sidecar listening"');
  return p;
}

const line = (socket: string): string => `1|1|unix|${socket}|netrpc|\n`;

describe('rollouts-sidecar', () => {
  it('serves concurrent sessions with their own state; Quit ends one session, not the sidecar', async () => {
    const socket = join(dir, 'many.sock');
    const p = await listening(`unix:${socket}`);
    const hosts = await Promise.all([1, 2, 3].map(() => connectHandshake(line(socket))));
    // Each session dispenses from id 1: its own broker and gob state.
    expect(await Promise.all(hosts.map((h) => h.dispense('RpcMetricProviderPlugin')))).toEqual([1, 1, 1]);
    const plugins = await Promise.all(hosts.map((h) => initPlugin(h)));
    const answers = await Promise.all(plugins.map((pl, i) => run(pl, { fixed: { phase: 'Successful', value: String(i) } })));
    expect(answers.map((a) => a.Value)).toEqual(['0', '1', '2']);

    const [first, second, third] = hosts as [typeof hosts[0], typeof hosts[0], typeof hosts[0]];
    const firstClosed = new Promise<void>((r) => first.session.once('close', () => r()));
    await first.quit();
    await firstClosed; // the sidecar closes the session itself if the host does not
    await second.ping();
    expect(await run(plugins[2]!, FIXED)).toMatchObject({ Phase: 'Successful' });
    const later = await connectHandshake(line(socket));
    expect(await run(await initPlugin(later), FIXED)).toMatchObject({ Phase: 'Successful' });
    for (const h of [second, third, later]) h.close();
    expect(p.child.exitCode).toBeNull();
    p.child.kill('SIGTERM');
    expect(await p.exited).toEqual({ code: 0, signal: null });
  });

  it('is reachable through the static launcher, as a distroless controller would exec it', async () => {
    const socket = join(dir, 'launcher.sock');
    const p = await listening(`unix:${socket}`);
    const launcher = start(LAUNCHER, [`unix:${socket}`], COOKIE);
    const handshake = await launcher.firstLine;
    expect(handshake).toBe(line(socket));
    const host = await connectHandshake(handshake);
    expect(await run(await initPlugin(host), FIXED)).toMatchObject({ Phase: 'Successful', Value: '1' });
    await host.quit();
    host.close();
    // go-plugin SIGKILLs the launcher 2 s after Quit; the sidecar stays.
    launcher.child.kill('SIGKILL');
    await launcher.exited;
    await (await connectHandshake(line(socket))).ping();
    p.child.kill('SIGTERM');
    expect((await p.exited).code).toBe(0);
  });

  it('on SIGTERM finishes the calls in flight, then exits 0 and removes its socket', async () => {
    const socket = join(dir, 'drain.sock');
    const p = await listening(`unix:${socket}`, ['--log-level', 'debug']);
    const host = await connectHandshake(line(socket));
    const plugin = await initPlugin(host);
    const slow = run(plugin, { fixed: { phase: 'Failed', value: 'late', delayMs: 300 } });
    await p.waitStderr('"measurement started"');
    p.child.kill('SIGTERM');
    expect(await slow).toMatchObject({ Phase: 'Failed', Value: 'late' });
    expect(await p.exited).toEqual({ code: 0, signal: null });
    expect(existsSync(socket)).toBe(false);
  });

  it('replaces a stale socket file but refuses to steal a live one', async () => {
    const socket = join(dir, 'stale.sock');
    const crashed = await listening(`unix:${socket}`);
    crashed.child.kill('SIGKILL');
    await crashed.exited;
    expect(existsSync(socket)).toBe(true);
    const p = await listening(`unix:${socket}`);
    await (await connectHandshake(line(socket))).ping();
    const second = sidecar(`unix:${socket}`);
    expect((await second.exited).code).toBe(1);
    expect(second.stderr()).toContain(`${socket}: another server is already listening`);
    p.child.kill('SIGTERM');
    await p.exited;
  });

  it('listens on tcp:127.0.0.1:PORT', async () => {
    const probe = createServer();
    await new Promise<void>((r) => probe.listen(0, '127.0.0.1', () => r()));
    const port = (probe.address() as AddressInfo).port;
    await new Promise<void>((r) => probe.close(() => r()));
    const p = await listening(`tcp:127.0.0.1:${port}`);
    const host = await connectHandshake(`1|1|tcp|127.0.0.1:${port}|netrpc|\n`);
    expect(await run(await initPlugin(host), FIXED)).toMatchObject({ Phase: 'Successful' });
    host.close();
    p.child.kill('SIGTERM');
    expect((await p.exited).code).toBe(0);
  });

  it.each([
    ['tcp:0.0.0.0:7000', 'loopback only'],
    ['unix:relative.sock', 'unix socket path must be absolute'],
    ['http://x', 'expected unix:/absolute/path or tcp:127.0.0.1:PORT'],
  ])('rejects --listen %s naming the problem', async (listen, message) => {
    const p = sidecar(listen);
    expect((await p.exited).code).not.toBe(0);
    expect(p.stderr()).toContain(message);
  });
});
