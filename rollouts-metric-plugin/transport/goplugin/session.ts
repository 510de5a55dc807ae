// One host connection of a go-plugin net/rpc server (go-plugin v1.6.3 rpc_server.go ServeConn): a yamux server
// session whose first accepted stream is control, the next two the host's stdout/stderr sinks, and every later one
// a broker stream carrying a dispensed plugin. Knows nothing about what the plugins do.
import type { Duplex } from 'node:stream';
import { StreamByteSource } from '../gob/index.js';
import type { GobLimits } from '../gob/index.js';
import { t } from '../gob/index.js';
import { YamuxSession } from '../yamux/index.js';
import type { YamuxOptions, YamuxStream } from '../yamux/index.js';
import { NetRpcServer } from '../netrpc/server.js';
import type { Handler, Service } from '../netrpc/server.js';
import { EmptyStructType } from '../netrpc/types.js';
import type { Logger } from '../../log.js';
import { DispensedIds, encodeBrokerId, readBrokerId } from './broker.js';

/** Plugin-map: name → a fresh `Plugin` service for each Dispense (Go calls Plugin.Server per Dispense). */
export type PluginMap = Readonly<Record<string, () => Service>>;

export interface PluginSessionOptions {
  plugins: PluginMap;
  logger: Logger;
  /** Control.Quit was answered and its reply handed to the transport. */
  onQuit?: () => void;
  yamux?: Omit<YamuxOptions, 'role'>;
  brokerTimeoutMs?: number;
  gobLimits?: Partial<GobLimits>;
}

/**
 * The host is the controller (trusted, but its objects carry user data such as args and plugin config): allow
 * messages well above what Kubernetes objects can reach (etcd caps them near 1.5 MiB), still bounded.
 */
export const PLUGIN_GOB_LIMITS: Partial<GobLimits> = { maxMessageBytes: 64 << 20 };

export interface PluginSession {
  readonly yamux: YamuxSession;
  /** Requests being handled right now, over all streams. */
  readonly inFlight: number;
  /** Resolves when the session ends, for whatever reason. */
  readonly closed: Promise<void>;
  close(): void;
}

export function servePluginConnection(conn: Duplex, options: PluginSessionOptions): PluginSession {
  const log = options.logger;
  const yamux = new YamuxSession(conn, { ...options.yamux, role: 'server' });
  const limits = { ...PLUGIN_GOB_LIMITS, ...options.gobLimits };
  const dispensed = new DispensedIds<{ name: string; service: Service }>();
  let accepted = 0;
  let inFlight = 0;

  // Counts calls so a draining sidecar knows when a session is idle.
  const counted = (service: Service): Service =>
    Object.fromEntries(
      Object.entries(service).map(([method, handler]): [string, Handler] => [
        method,
        async (body, call) => {
          inFlight++;
          try {
            return await handler(body, call);
          } finally {
            inFlight--;
          }
        },
      ]),
    );

  const control = new NetRpcServer()
    .register('Control', {
      Ping: async () => ({ type: EmptyStructType, value: {} }),
      Quit: async () => {
        // After this handler returns the reply is written synchronously; the session end comes after it.
        setImmediate(() => options.onQuit?.());
        return { type: EmptyStructType, value: {} };
      },
    })
    .register('Dispenser', {
      Dispense: async (body) => {
        if (typeof body !== 'string') throw new Error('Dispense: plugin name must be a string');
        const factory = Object.hasOwn(options.plugins, body) ? options.plugins[body] : undefined;
        if (!factory) throw new Error(`unknown plugin type: ${body}`);
        const id = dispensed.reserve({ name: body, service: counted(factory()) });
        log.debug('plugin dispensed', { plugin: body, id });
        return { type: t.uint, value: id };
      },
    });

  const serveBroker = async (stream: YamuxStream): Promise<void> => {
    const source = new StreamByteSource(stream);
    let id: number;
    try {
      id = await readBrokerId(source, options.brokerTimeoutMs ?? 5000);
    } catch (err) {
      log.warn('broker stream closed', { stream: stream.id, reason: err instanceof Error ? err.message : String(err) });
      stream.destroy();
      return;
    }
    const plugin = dispensed.claim(id);
    if (!plugin) {
      log.warn('broker stream closed', { stream: stream.id, reason: `id ${id} was not dispensed` });
      stream.destroy();
      return;
    }
    stream.write(encodeBrokerId(id));
    const server = new NetRpcServer().register('Plugin', plugin.service);
    const result = await server.serve(stream, { source, limits, logger: log.with({ stream: stream.id, plugin: plugin.name }) });
    log.debug('plugin stream ended', { stream: stream.id, requests: result.requests, ended: result.ended });
  };

  yamux.on('stream', (stream: YamuxStream) => {
    accepted++;
    stream.on('error', (err: Error) => log.debug('stream error', { stream: stream.id, error: err.message }));
    if (accepted === 1) {
      void control.serve(stream, { limits, logger: log.with({ stream: stream.id, role: 'control' }) }).then((r) => {
        if (r.ended !== 'eof') log.warn('control stream ended', { reason: r.ended });
      });
    } else if (accepted <= 3) {
      // The host's sinks for our stdout/stderr; we never write to them. Drain so window credit flows back.
      stream.resume();
      stream.on('end', () => stream.end());
    } else {
      void serveBroker(stream);
    }
  });

  const closed = new Promise<void>((resolve) => {
    yamux.once('close', (err: Error | undefined) => {
      if (err) log.debug('session closed', { reason: err.message });
      resolve();
    });
  });
  conn.on('error', (err: Error) => log.debug('connection error', { error: err.message }));

  return {
    yamux,
    get inFlight() {
      return inFlight;
    },
    closed,
    close: () => {
      if (!yamux.closed) yamux.close();
    },
  };
}
