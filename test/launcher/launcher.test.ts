// The static launcher, as the controller runs it: exec'd with the go-plugin env, it must print the handshake for
// the sidecar's address (only once that address accepts connections) and stay alive until killed.
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import type { AddressInfo, Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';

const LAUNCHER = resolve(import.meta.dirname, '../../.cache/bin/argo-otel-launcher');
const GO_PLUGIN_ENV = {
  ARGO_ROLLOUTS_RPC_PLUGIN: 'metricprovider',
  PLUGIN_MIN_PORT: '10000',
  PLUGIN_MAX_PORT: '25000',
  PLUGIN_PROTOCOL_VERSIONS: '1',
};

interface Run {
  child: ChildProcess;
  stdout: () => string;
  stderr: () => string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  firstLine: Promise<string>;
}

const children: ChildProcess[] = [];
function launch(args: string[], env: Record<string, string> = GO_PLUGIN_ENV): Run {
  const child = spawn(LAUNCHER, args, { env: { PATH: process.env.PATH ?? '', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(child);
  let out = '';
  let err = '';
  const firstLine = new Promise<string>((resolveLine, reject) => {
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      if (out.includes('\n')) resolveLine(out);
    });
    child.once('exit', () => reject(new Error(`launcher exited before a handshake; stderr: ${err}`)));
  });
  firstLine.catch(() => {});
  child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((r) =>
    child.once('exit', (code, signal) => r({ code, signal })),
  );
  return { child, stdout: () => out, stderr: () => err, exited, firstLine };
}

function listen(server: Server, where: string | number): Promise<void> {
  return new Promise((r, reject) => {
    server.once('error', reject);
    if (typeof where === 'number') server.listen(where, '127.0.0.1', () => r());
    else server.listen(where, () => r());
  });
}

let dir: string;
beforeAll(() => {
  if (!existsSync(LAUNCHER)) throw new Error(`${LAUNCHER} is missing: run test/setup.sh (test/setup.d/launcher.sh builds it)`);
  dir = mkdtempSync(join(tmpdir(), 'launcher-test-'));
});
afterEach(() => {
  for (const c of children.splice(0)) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('argo-otel-launcher', () => {
  it('without the cookie prints go-plugin\'s message and exits 1, nothing on stdout', async () => {
    const run = launch(['unix:/nonexistent.sock'], { PLUGIN_PROTOCOL_VERSIONS: '1' });
    expect(await run.exited).toEqual({ code: 1, signal: null });
    expect(run.stdout()).toBe('');
    expect(run.stderr()).toBe(
      'This binary is a plugin. These are not meant to be executed directly.\n' +
        'Please execute the program that consumes these plugins, which will\n' +
        'load any plugins automatically\n',
    );
  });

  it('prints exactly the unix handshake line, stays up through SIGINT, exits 0 on SIGTERM', async () => {
    const path = join(dir, 'sidecar.sock');
    const server = createServer((s) => s.destroy());
    await listen(server, path);
    try {
      const run = launch([`unix:${path}`]);
      expect(await run.firstLine).toBe(`1|1|unix|${path}|netrpc|\n`);
      run.child.kill('SIGINT');
      run.child.kill('SIGTERM');
      expect(await run.exited).toEqual({ code: 0, signal: null });
      expect(run.stdout()).toBe(`1|1|unix|${path}|netrpc|\n`);
      for (const line of run.stderr().split('\n').filter(Boolean)) {
        const entry = JSON.parse(line) as Record<string, unknown>;
        expect(typeof entry['@message']).toBe('string');
        expect(entry['@timestamp']).toMatch(/\.\d{6}Z$/);
      }
    } finally {
      server.close();
    }
  });

  it('takes --listen tcp:127.0.0.1:PORT as well', async () => {
    const server = createServer((s) => s.destroy());
    await listen(server, 0);
    const port = (server.address() as AddressInfo).port;
    try {
      const run = launch(['--listen', `tcp:127.0.0.1:${port}`]);
      expect(await run.firstLine).toBe(`1|1|tcp|127.0.0.1:${port}|netrpc|\n`);
    } finally {
      server.close();
    }
  });

  it('waits for a sidecar that starts after it, then hands it over', async () => {
    const path = join(dir, 'late.sock');
    const run = launch([`unix:${path}`, '--wait', '30s']);
    const server = createServer((s) => s.destroy());
    await listen(server, path);
    try {
      expect(await run.firstLine).toBe(`1|1|unix|${path}|netrpc|\n`);
    } finally {
      server.close();
    }
  });

  it('gives up (exit 1, reason on stderr, nothing on stdout) when the sidecar never listens', async () => {
    const run = launch([`unix:${join(dir, 'never.sock')}`, '--wait=0s']);
    expect(await run.exited).toEqual({ code: 1, signal: null });
    expect(run.stdout()).toBe('');
    const entry = JSON.parse(run.stderr().trim()) as Record<string, unknown>;
    expect(entry['@level']).toBe('error');
    expect(entry['@message']).toBe('argo-otel sidecar is not accepting connections');
  });

  it.each([
    [[], 'missing the sidecar address'],
    [['unix:relative.sock'], 'unix socket path must be absolute'],
    [['tcp:10.0.0.1:80'], 'only loopback hosts are allowed'],
    [['unix:/a.sock', 'unix:/b.sock'], 'unexpected argument "unix:/b.sock"'],
    [['unix:/a.sock', '--wait', '2m'], '--wait "2m": expected a duration between 0s and 55s'],
  ])('rejects args %j with exit 2 naming the problem', async (args, message) => {
    const run = launch(args);
    expect(await run.exited).toEqual({ code: 2, signal: null });
    expect(run.stdout()).toBe('');
    expect(run.stderr()).toContain(message);
  });
});
