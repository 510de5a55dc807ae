// The long-running form: one listener, many host sessions over time and at once, each with its own yamux and gob
// state. Control.Quit ends that session only; stop() (SIGTERM) drains the calls in flight and closes everything.
import type { Server, Socket } from 'node:net';
import { unlink } from 'node:fs/promises';
import type { Logger } from '../../log.js';
import type { ListenAddress } from './handshake.js';
import { listenAddress } from './listen.js';
import { servePluginConnection } from './session.js';
import type { PluginMap, PluginSession } from './session.js';

export interface SidecarOptions {
  address: ListenAddress;
  plugins: PluginMap;
  logger: Logger;
  /** Upper bound on concurrent host sessions; more are refused (closed at once) with a log line. */
  maxSessions?: number;
}

export interface Sidecar {
  readonly server: Server;
  readonly sessions: number;
  /** Stops accepting, waits up to `drainMs` for in-flight calls, closes every session. */
  stop(drainMs: number): Promise<void>;
}

const QUIT_GRACE_MS = 1000;
const DRAIN_POLL_MS = 50;

export async function serveSidecar(options: SidecarOptions): Promise<Sidecar> {
  const log = options.logger;
  const sessions = new Set<PluginSession>();
  const maxSessions = options.maxSessions ?? 256;
  let nextSession = 0;

  const onConnection = (socket: Socket): void => {
    if (sessions.size >= maxSessions) {
      log.warn('session refused', { reason: `already serving ${maxSessions} sessions` });
      socket.destroy();
      return;
    }
    const sessionId = ++nextSession;
    const slog = log.with({ session: sessionId });
    let quitTimer: NodeJS.Timeout | undefined;
    const session = servePluginConnection(socket, {
      plugins: options.plugins,
      logger: slog,
      onQuit: () => {
        // The host closes the session itself right after Quit; close it ourselves if it does not.
        quitTimer = setTimeout(() => session.close(), QUIT_GRACE_MS);
      },
    });
    sessions.add(session);
    slog.debug('session started', { sessions: sessions.size });
    void session.closed.then(() => {
      clearTimeout(quitTimer);
      sessions.delete(session);
      slog.debug('session ended', { sessions: sessions.size });
    });
  };

  const server = await listenAddress(options.address, onConnection);
  const where = options.address.network === 'unix' ? options.address.path : `${options.address.host}:${options.address.port}`;
  log.info('sidecar listening', { network: options.address.network, address: where });

  return {
    server,
    get sessions() {
      return sessions.size;
    },
    async stop(drainMs) {
      // No new sessions (the callback would wait for open ones, so don't); tell every host to open no more
      // streams, while answers to calls in flight still go out.
      server.close();
      for (const s of sessions) s.yamux.goAway(0);
      const deadline = Date.now() + drainMs;
      while ([...sessions].some((s) => s.inFlight > 0) && Date.now() < deadline) {
        await new Promise((r) => setTimeout(r, DRAIN_POLL_MS));
      }
      for (const s of sessions) s.close();
      await Promise.all([...sessions].map((s) => s.closed));
      if (options.address.network === 'unix') await unlink(options.address.path).catch(() => undefined);
      log.info('sidecar stopped', { address: where });
    },
  };
}
