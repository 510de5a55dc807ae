// Spawns the built plugin (bin script / sidecar command / launcher) and plays the go-plugin host against it with
// the in-repo host client, to test process behaviour: handshake, stdout purity, signals, sessions, drain.
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { connect } from 'node:net';
import { resolve } from 'node:path';
import { t } from '../../rollouts-metric-plugin/transport/gob/index.js';
import type { GobValue } from '../../rollouts-metric-plugin/transport/gob/index.js';
import { PluginHostClient } from '../../rollouts-metric-plugin/transport/goplugin/client.js';
import { GetMetadataArgsType, METRIC_PROVIDER_PLUGIN_NAME, RunArgsType } from '../../rollouts-metric-plugin/argo-types.js';
import type { NetRpcClient } from '../../rollouts-metric-plugin/transport/netrpc/client.js';

export const REPO = resolve(import.meta.dirname, '../..');
export const PLUGIN_BIN = resolve(REPO, 'rollouts-metric-plugin/bin/argo-otel-rollouts-plugin');
export const DIST_CLI = resolve(REPO, 'dist/rollouts-metric-plugin/cli.js');
export const LAUNCHER = resolve(REPO, '.cache/bin/argo-otel-launcher');
export const PLUGIN_NAME = 'argo-otel/canary-judge';
export const COOKIE = { ARGO_ROLLOUTS_RPC_PLUGIN: 'metricprovider', PLUGIN_MIN_PORT: '10000', PLUGIN_MAX_PORT: '25000', PLUGIN_PROTOCOL_VERSIONS: '1' };

export function requireBuilt(): void {
  if (!existsSync(DIST_CLI)) throw new Error(`${DIST_CLI} is missing: run \`npx tsc -p tsconfig.json\` (npm run build) first`);
}

export interface Proc {
  child: ChildProcess;
  stdout(): string;
  stderr(): string;
  /** Resolves once stderr contains `text` (or rejects when the process exits first). */
  waitStderr(text: string): Promise<void>;
  firstLine: Promise<string>;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

const running: ChildProcess[] = [];
export function killAll(): void {
  for (const c of running.splice(0)) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
}

export function start(command: string, args: string[], env: Record<string, string>): Proc {
  const child = spawn(command, args, { cwd: REPO, env: { PATH: process.env.PATH ?? '', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  running.push(child);
  let out = '';
  let err = '';
  const waiters: Array<() => void> = [];
  child.stdout!.on('data', (d: Buffer) => {
    out += d.toString();
    for (const w of waiters.splice(0)) w();
  });
  child.stderr!.on('data', (d: Buffer) => {
    err += d.toString();
    for (const w of waiters.splice(0)) w();
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((r) =>
    child.once('exit', (code, signal) => r({ code, signal })),
  );
  let gone = false;
  void exited.then(() => {
    gone = true;
    for (const w of waiters.splice(0)) w();
  });
  const until = async (cond: () => boolean, what: string): Promise<void> => {
    while (!cond()) {
      if (gone) throw new Error(`process exited before ${what}; stderr:\n${err}`);
      await new Promise<void>((r) => waiters.push(r));
    }
  };
  const firstLine = until(() => out.includes('\n'), 'a handshake line').then(() => out.slice(0, out.indexOf('\n') + 1));
  firstLine.catch(() => {});
  return { child, stdout: () => out, stderr: () => err, waitStderr: (text) => until(() => err.includes(text), `stderr had "${text}"`), firstLine, exited };
}

/** Parses `1|1|unix|/path|netrpc|` and connects to the address, as go-plugin's client does. */
export async function connectHandshake(line: string): Promise<PluginHostClient> {
  const parts = line.trim().split('|');
  if (parts.length !== 6 || parts[0] !== '1' || parts[1] !== '1' || parts[4] !== 'netrpc' || parts[5] !== '') {
    throw new Error(`bad handshake line ${JSON.stringify(line)}`);
  }
  const [network, addr] = [parts[2], parts[3] ?? ''];
  const socket = network === 'unix' ? connect(addr) : connect(Number(addr.split(':')[1]), addr.split(':')[0]);
  await new Promise<void>((ok, fail) => {
    socket.once('connect', ok);
    socket.once('error', fail);
  });
  return new PluginHostClient(socket);
}

export function runArgs(config: unknown): unknown {
  return {
    $interface: 'RunArgs',
    type: RunArgsType,
    value: {
      AnalysisRun: { TypeMeta: {}, ObjectMeta: { Name: 'ar1', Namespace: 'ns' }, Spec: {} },
      Metric: { Name: 'error-rate', Provider: { Plugin: new Map([[PLUGIN_NAME, Buffer.from(JSON.stringify(config))]]) } },
    },
  };
}

export function metadataArgs(config: unknown): unknown {
  return {
    $interface: 'GetMetadataArgs',
    type: GetMetadataArgsType,
    value: { Metric: { Name: 'error-rate', Provider: { Plugin: new Map([[PLUGIN_NAME, Buffer.from(JSON.stringify(config))]]) } } },
  };
}

/** What the controller does first on a new client: Dispense, broker stream, InitPlugin. */
export async function initPlugin(host: PluginHostClient): Promise<NetRpcClient> {
  const plugin = await host.plugin(METRIC_PROVIDER_PLUGIN_NAME);
  const init = await plugin.call('Plugin.InitPlugin', t.iface, null);
  if (JSON.stringify(init) !== '{}') throw new Error(`InitPlugin answered ${JSON.stringify(init)}`);
  return plugin;
}

export async function run(plugin: NetRpcClient, config: unknown): Promise<Record<string, GobValue>> {
  return (await plugin.call('Plugin.Run', t.iface, runArgs(config))) as Record<string, GobValue>;
}
