import { describe, expect, it } from 'vitest';
import { GobDecoder, GobEncoder, StreamByteSource, t } from '../gob/index.js';
import { memoryPipe } from '../yamux/memory-pipe.js';
import { YamuxSession } from '../yamux/index.js';
import { NetRpcClient } from '../netrpc/client.js';
import { RequestHeaderType } from '../netrpc/types.js';
import { createLogger } from '../../log.js';
import { PluginHostClient } from './client.js';
import { encodeBrokerId } from './broker.js';
import { servePluginConnection } from './session.js';
import type { PluginSessionOptions } from './session.js';

function start(overrides: Partial<PluginSessionOptions> = {}) {
  const [pluginEnd, hostEnd] = memoryPipe();
  const lines: Array<Record<string, unknown>> = [];
  let quits = 0;
  let created = 0;
  const session = servePluginConnection(pluginEnd, {
    plugins: {
      RpcMetricProviderPlugin: () => {
        const instance = ++created;
        return { Type: async () => ({ type: t.string, value: `RPCPlugin #${instance}` }) };
      },
    },
    logger: createLogger({ level: 'debug', write: (l) => lines.push(JSON.parse(l) as Record<string, unknown>) }),
    onQuit: () => quits++,
    yamux: { keepaliveIntervalMs: 0 },
    ...overrides,
  });
  const host = new PluginHostClient(hostEnd);
  return { session, host, hostEnd, lines, quits: () => quits };
}

describe('go-plugin session', () => {
  it('serves Control.Ping, Dispense (ids 1, 2, …) and the Plugin service on each broker stream', async () => {
    const { host, session } = start();
    await host.ping();
    expect(await host.dispense('RpcMetricProviderPlugin')).toBe(1);
    expect(await host.dispense('RpcMetricProviderPlugin')).toBe(2);
    const second = await host.connectBroker(2);
    const first = await host.connectBroker(1);
    expect(await first.call('Plugin.Type', t.iface, null)).toBe('RPCPlugin #1');
    expect(await second.call('Plugin.Type', t.iface, null)).toBe('RPCPlugin #2');
    await expect(first.call('Plugin.Nope', t.iface, null)).rejects.toThrow("rpc: can't find method Plugin.Nope");
    // The control stream still answers, and the session counts nothing in flight.
    await host.ping();
    expect(session.inFlight).toBe(0);
    host.close();
    await session.closed;
  });

  it('draining (our GoAway sent): a broker stream the host opens anyway is refused, and the call in flight still completes', async () => {
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const { host, hostEnd, session } = start({
      plugins: { RpcMetricProviderPlugin: () => ({ Type: async () => (await gate, { type: t.string, value: 'late' }) }) },
    });
    const plugin = await host.plugin('RpcMetricProviderPlugin');
    const inFlight = plugin.call('Plugin.Type', t.iface, null);
    const id = await host.dispense('RpcMetricProviderPlugin');
    // The host reads nothing for a moment, so it has not seen our GoAway when it opens the stream and writes the
    // broker id (the race a draining sidecar meets); the RST reaches it only afterwards.
    hostEnd.pause();
    session.yamux.goAway();
    const refused = host.connectBroker(id);
    hostEnd.resume();
    await expect(refused).rejects.toThrow();
    release();
    expect(await inFlight).toBe('late');
    expect(session.yamux.closed).toBe(false);
    host.close();
    await session.closed;
  });

  it('refuses an unknown plugin name with go-plugin\'s error', async () => {
    const { host } = start();
    await expect(host.dispense('RpcStepPlugin')).rejects.toThrow('unknown plugin type: RpcStepPlugin');
    host.close();
  });

  it('closes a broker stream whose id was never dispensed (or is reused), logging why, and keeps the session', async () => {
    const { host, lines } = start();
    await expect(host.connectBroker(7)).rejects.toThrow();
    const id = await host.dispense('RpcMetricProviderPlugin');
    await host.connectBroker(id);
    await expect(host.connectBroker(id)).rejects.toThrow();
    expect(lines.filter((l) => l['@message'] === 'broker stream closed').map((l) => l.reason)).toEqual([
      'id 7 was not dispensed',
      `id ${id} was not dispensed`,
    ]);
    await host.ping();
    host.close();
  });

  it('answers Control.Quit and only then reports it', async () => {
    const { host, quits } = start();
    await host.quit();
    await new Promise((r) => setImmediate(r));
    expect(quits()).toBe(1);
    host.close();
  });

  it('closes a broker stream that never sends its id within the timeout', async () => {
    const [pluginEnd, hostEnd] = memoryPipe();
    const lines: Array<Record<string, unknown>> = [];
    servePluginConnection(pluginEnd, {
      plugins: {},
      logger: createLogger({ level: 'debug', write: (l) => lines.push(JSON.parse(l) as Record<string, unknown>) }),
      yamux: { keepaliveIntervalMs: 0 },
      brokerTimeoutMs: 20,
    });
    const yamux = new YamuxSession(hostEnd, { role: 'client', keepaliveIntervalMs: 0 });
    for (let i = 0; i < 3; i++) yamux.openStream().resume();
    const silent = yamux.openStream();
    const ended = new Promise<void>((r) => {
      silent.on('error', () => r());
      silent.on('close', () => r());
    });
    silent.resume();
    await ended;
    expect(lines).toContainEqual(expect.objectContaining({ '@message': 'broker stream closed', reason: 'no broker id within 20 ms' }));
    yamux.close();
  });

  it('serves a broker stream whose id arrives in the same frame as the first request', async () => {
    const [pluginEnd, hostEnd] = memoryPipe();
    servePluginConnection(pluginEnd, {
      plugins: { P: () => ({ Echo: async (b) => ({ type: t.string, value: String(b) }) }) },
      logger: createLogger({ write: () => {} }),
      yamux: { keepaliveIntervalMs: 0 },
    });
    const yamux = new YamuxSession(hostEnd, { role: 'client', keepaliveIntervalMs: 0 });
    const control = new NetRpcClient(yamux.openStream());
    yamux.openStream().resume();
    yamux.openStream().resume();
    const id = await control.call('Dispenser.Dispense', t.string, 'P');
    expect(id).toBe(1);
    const stream = yamux.openStream();
    const source = new StreamByteSource(stream);
    // The id and the first request in one write: the broker must hand the rest to net/rpc intact.
    const encoder = new GobEncoder();
    stream.write(
      Buffer.concat([
        encodeBrokerId(1),
        encoder.encode(RequestHeaderType, { ServiceMethod: 'Plugin.Echo', Seq: 0 }),
        encoder.encode(t.string, 'hi'),
      ]),
    );
    expect((await source.readExactly(4)).readUInt32LE(0)).toBe(1);
    const decoder = new GobDecoder(source);
    expect(await decoder.decode()).toEqual({ ServiceMethod: 'Plugin.Echo' });
    expect(await decoder.decode()).toBe('hi');
    yamux.close();
  });

  it('a connection that sends garbage ends only its own session, with a reason logged', async () => {
    const [pluginEnd, hostEnd] = memoryPipe();
    const lines: Array<Record<string, unknown>> = [];
    const session = servePluginConnection(pluginEnd, {
      plugins: {},
      logger: createLogger({ level: 'debug', write: (l) => lines.push(JSON.parse(l) as Record<string, unknown>) }),
      yamux: { keepaliveIntervalMs: 0 },
    });
    hostEnd.on('data', () => {});
    hostEnd.write(Buffer.from('GET / HTTP/1.1\r\nHost: x\r\n\r\n'));
    await session.closed;
    expect(lines).toContainEqual(expect.objectContaining({ '@message': 'session closed' }));
    const other = start();
    await other.host.ping();
    other.host.close();
  });
});
