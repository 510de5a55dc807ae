// The plugin process the controller spawns (go-plugin's plugin.Serve): cookie check, version choice, a fresh unix
// socket, the handshake line, then host sessions until Control.Quit or the host goes away.
import type { Server, Socket } from 'node:net';
import { unlinkSync } from 'node:fs';
import type { Logger } from '../../log.js';
import {
  NOT_A_PLUGIN_MESSAGE,
  chooseProtocolVersion,
  handshakeLine,
  hasMagicCookie,
} from './handshake.js';
import type { Env, HandshakeConfig, ListenAddress } from './handshake.js';
import { listenPluginSocket } from './listen.js';
import { servePluginConnection } from './session.js';
import type { PluginMap, PluginSession } from './session.js';

export interface StandaloneOptions {
  handshake: HandshakeConfig;
  plugins: PluginMap;
  env: Env;
  logger: Logger;
  /** Default socket directory when PLUGIN_UNIX_SOCKET_DIR is empty (os.tmpdir()). */
  tmpdir: string;
  writeHandshake(line: string): Promise<void>;
  writeStderr(text: string): void;
  /** Ends the process; called once. */
  exit(code: number): void;
}

export interface StandalonePlugin {
  address: ListenAddress;
  server: Server;
  /** Stops serving and exits with `code` (SIGTERM, Quit, host gone). */
  shutdown(code: number, reason: string): void;
}

/** How long after Quit we wait for the host to close the session before exiting anyway (the host allows 2 s). */
const QUIT_GRACE_MS = 1000;

export async function serveStandalone(options: StandaloneOptions): Promise<StandalonePlugin | undefined> {
  const { env, logger: log } = options;
  if (!hasMagicCookie(env, options.handshake)) {
    options.writeStderr(NOT_A_PLUGIN_MESSAGE);
    options.exit(1);
    return undefined;
  }
  const version = chooseProtocolVersion(env, options.handshake);
  for (const bad of version.invalid) log.warn('host sent an invalid plugin version', { value: bad });
  if (!version.matched) {
    log.warn('host does not list our protocol version; it will refuse the handshake', {
      ours: version.version,
      PLUGIN_PROTOCOL_VERSIONS: env.PLUGIN_PROTOCOL_VERSIONS ?? '',
    });
  }

  const sessions = new Set<PluginSession>();
  let everConnected = false;
  let ending = false;
  let server: Server | undefined;
  let socketPath = '';

  const shutdown = (code: number, reason: string): void => {
    if (ending) return;
    ending = true;
    log.debug('plugin exiting', { reason, code });
    server?.close();
    for (const s of sessions) s.close();
    try {
      // Go's rmListener removes the socket file on close.
      if (socketPath) unlinkSync(socketPath);
    } catch {
      // already gone
    }
    options.exit(code);
  };

  const onConnection = (socket: Socket): void => {
    everConnected = true;
    let quitTimer: NodeJS.Timeout | undefined;
    const session = servePluginConnection(socket, {
      plugins: options.plugins,
      logger: log,
      onQuit: () => {
        // The host closes the streams and the socket right after Quit; exit then, or after a grace period.
        quitTimer = setTimeout(() => shutdown(0, 'quit'), QUIT_GRACE_MS);
        void session.closed.then(() => shutdown(0, 'quit'));
      },
    });
    sessions.add(session);
    void session.closed.then(() => {
      clearTimeout(quitTimer);
      sessions.delete(session);
      // The host never reconnects to a process it spawned; without a session we would only be an orphan.
      if (sessions.size === 0 && everConnected) shutdown(0, 'host closed the last session');
    });
  };

  const dir = env.PLUGIN_UNIX_SOCKET_DIR || options.tmpdir;
  const listening = await listenPluginSocket(dir, onConnection);
  server = listening.server;
  if (listening.address.network === 'unix') socketPath = listening.address.path;
  log.debug('plugin address', { network: 'unix', address: socketPath });
  await options.writeHandshake(handshakeLine(version.version, listening.address));
  return { address: listening.address, server, shutdown };
}
