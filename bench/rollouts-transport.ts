// In-process cost of the metric-plugin transport stack: Plugin.Run through yamux + gob + net/rpc + adapter over a
// real unix socket, against a baseline measured in the same run (the same request and reply as JSON lines over a
// unix socket of the same process).
// Also the price of the reply dry run that keeps a stream's encoder state clean when a reply cannot be encoded.
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, connect } from 'node:net';
import type { Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PluginHostClient } from '../rollouts-metric-plugin/transport/goplugin/client.js';
import { servePluginConnection } from '../rollouts-metric-plugin/transport/goplugin/session.js';
import { METRIC_PROVIDER_PLUGIN_NAME, RunArgsType } from '../rollouts-metric-plugin/argo-types.js';
import { metricProviderService } from '../rollouts-metric-plugin/provider/adapter.js';
import { fixedProvider } from '../rollouts-metric-plugin/provider/fixed.js';
import { silentLogger } from '../rollouts-metric-plugin/log.js';
import { t } from '../rollouts-metric-plugin/transport/gob/index.js';

const CALLS = Number(process.env['ROLLOUTS_TRANSPORT_BENCH_CALLS'] ?? 3000);
const CONCURRENCY = 50;
const config = { fixed: { phase: 'Successful', value: '0.0123', message: 'fixed answer' } };
const runValue = {
  AnalysisRun: {
    TypeMeta: {},
    ObjectMeta: { Name: 'ar1', Namespace: 'ns', Labels: new Map([['rollouts-pod-template-hash', 'abc123']]) },
    Spec: { Args: [{ Name: 'service', Value: 'checkout' }] },
  },
  Metric: { Name: 'error-rate', Interval: '1m', Provider: { Plugin: new Map([['argo-otel/canary-judge', Buffer.from(JSON.stringify(config))]]) } },
};

/** Both ends of one unix-socket connection (a real kernel socket, asynchronous like the controller's). */
async function socketPair(): Promise<[Socket, Socket, () => void]> {
  const dir = mkdtempSync(join(tmpdir(), 'bench-rollouts-'));
  const path = join(dir, 's.sock');
  const server = createServer();
  await new Promise<void>((r) => server.listen(path, () => r()));
  const accepted = new Promise<Socket>((r) => server.once('connection', r));
  const client = connect(path);
  await new Promise<void>((r) => client.once('connect', () => r()));
  const serverEnd = await accepted;
  return [serverEnd, client, () => { server.close(); rmSync(dir, { recursive: true, force: true }); }];
}

async function timed(label: string, calls: number, fn: () => Promise<unknown>, concurrency = 1): Promise<number> {
  const started = performance.now();
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next++ < calls) await fn();
    }),
  );
  const usPerCall = ((performance.now() - started) * 1000) / calls;
  process.stdout.write(`${label.padEnd(58)} ${usPerCall.toFixed(1).padStart(8)} µs/call  ${Math.round(1e6 / usPerCall).toString().padStart(7)} calls/s\n`);
  return usPerCall;
}

async function pluginStack(): Promise<{ run: () => Promise<unknown>; close: () => void }> {
  const [pluginEnd, hostEnd, cleanup] = await socketPair();
  servePluginConnection(pluginEnd, {
    plugins: { [METRIC_PROVIDER_PLUGIN_NAME]: () => metricProviderService(fixedProvider(), { logger: silentLogger }) },
    logger: silentLogger,
    yamux: { keepaliveIntervalMs: 0 },
  });
  const host = new PluginHostClient(hostEnd);
  const plugin = await host.plugin(METRIC_PROVIDER_PLUGIN_NAME);
  const args = { $interface: 'RunArgs', type: RunArgsType, value: runValue };
  return { run: () => plugin.call('Plugin.Run', t.iface, args), close: () => (host.close(), pluginEnd.destroy(), cleanup()) };
}

async function jsonBaseline(): Promise<{ run: () => Promise<unknown>; close: () => void }> {
  const [server, client, cleanup] = await socketPair();
  let buffered = '';
  server.on('data', (d: Buffer) => {
    buffered += d.toString();
    let nl: number;
    while ((nl = buffered.indexOf('\n')) >= 0) {
      const req = JSON.parse(buffered.slice(0, nl)) as { seq: number; body: { Metric: { Provider: { Plugin: Record<string, string> } } } };
      buffered = buffered.slice(nl + 1);
      const cfg = JSON.parse(Buffer.from(Object.values(req.body.Metric.Provider.Plugin)[0] ?? '', 'base64').toString()) as typeof config;
      const now = new Date();
      server.write(`${JSON.stringify({ seq: req.seq, body: { Phase: cfg.fixed.phase, Value: cfg.fixed.value, Message: cfg.fixed.message, StartedAt: now, FinishedAt: now } })}\n`);
    }
  });
  const pending = new Map<number, (v: unknown) => void>();
  let inbound = '';
  client.on('data', (d: Buffer) => {
    inbound += d.toString();
    let nl: number;
    while ((nl = inbound.indexOf('\n')) >= 0) {
      const res = JSON.parse(inbound.slice(0, nl)) as { seq: number; body: unknown };
      inbound = inbound.slice(nl + 1);
      pending.get(res.seq)?.(res.body);
      pending.delete(res.seq);
    }
  });
  let seq = 0;
  const body = {
    ...runValue,
    Metric: { ...runValue.Metric, Provider: { Plugin: { 'argo-otel/canary-judge': Buffer.from(JSON.stringify(config)).toString('base64') } } },
    AnalysisRun: { ...runValue.AnalysisRun, ObjectMeta: { Name: 'ar1', Namespace: 'ns', Labels: { 'rollouts-pod-template-hash': 'abc123' } } },
  };
  return {
    run: () =>
      new Promise((r) => {
        const s = seq++;
        pending.set(s, r);
        client.write(`${JSON.stringify({ seq: s, body })}\n`);
      }),
    close: () => (client.destroy(), server.destroy(), cleanup()),
  };
}

export default async function bench(): Promise<void> {
  const stack = await pluginStack();
  const baseline = await jsonBaseline();
  // Warm up both (JIT, and the gob type definitions that only the first call on a stream carries).
  for (let i = 0; i < 200; i++) {
    await stack.run();
    await baseline.run();
  }
  process.stdout.write(`Plugin.Run, host and plugin in one process, ${CALLS} calls\n`);
  const base1 = await timed('baseline: JSON lines over a unix socket, sequential', CALLS, baseline.run);
  const ours1 = await timed('yamux + gob + net/rpc + adapter (unix socket), sequential', CALLS, stack.run);
  const baseN = await timed(`baseline: JSON lines, ${CONCURRENCY} in flight`, CALLS, baseline.run, CONCURRENCY);
  const oursN = await timed(`yamux + gob + net/rpc + adapter, ${CONCURRENCY} in flight`, CALLS, stack.run, CONCURRENCY);
  process.stdout.write(`ratio vs baseline: sequential ${(ours1 / base1).toFixed(2)}x, concurrent ${(oursN / baseN).toFixed(2)}x\n`);
  stack.close();
  baseline.close();
}
