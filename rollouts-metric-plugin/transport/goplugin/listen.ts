// Listening sockets: go-plugin's unix socket naming for the spawned plugin, and the sidecar's --listen address.
import { randomInt } from 'node:crypto';
import { chmod, lstat, unlink } from 'node:fs/promises';
import { connect, createServer } from 'node:net';
import type { Server, Socket } from 'node:net';
import { join } from 'node:path';
import type { ListenAddress } from './handshake.js';

function listenOn(server: Server, address: ListenAddress): Promise<void> {
  return new Promise((resolve, reject) => {
    const onError = (err: Error): void => reject(err);
    server.once('error', onError);
    const done = (): void => {
      server.off('error', onError);
      resolve();
    };
    if (address.network === 'unix') server.listen(address.path, done);
    else server.listen(address.port, address.host, done);
  });
}

/** `os.CreateTemp(dir, "plugin")` naming: "plugin" + a random uint32 in decimal, retried on collision. */
export async function listenPluginSocket(
  dir: string,
  onConnection: (socket: Socket) => void,
): Promise<{ server: Server; address: ListenAddress }> {
  for (let attempt = 0; ; attempt++) {
    const path = join(dir, `plugin${randomInt(0, 2 ** 32)}`);
    const server = createServer(onConnection);
    try {
      await listenOn(server, { network: 'unix', path });
      return { server, address: { network: 'unix', path } };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EADDRINUSE' || attempt >= 9) {
        throw new Error(`cannot listen on a unix socket in ${dir}: ${(err as Error).message}`);
      }
    }
  }
}

/** True when something accepts connections at `path` (a live sidecar), false for a stale socket file. */
function socketIsLive(path: string): Promise<boolean> {
  return new Promise((resolve) => {
    const probe = connect(path);
    probe.once('connect', () => {
      probe.destroy();
      resolve(true);
    });
    probe.once('error', () => resolve(false));
  });
}

/** Listens on the sidecar address; replaces a stale socket file, refuses to steal a live one. */
export async function listenAddress(address: ListenAddress, onConnection: (socket: Socket) => void): Promise<Server> {
  if (address.network === 'unix') {
    const existing = await lstat(address.path).catch(() => undefined);
    if (existing) {
      if (!existing.isSocket()) throw new Error(`${address.path} exists and is not a socket; refusing to replace it`);
      if (await socketIsLive(address.path)) throw new Error(`${address.path}: another server is already listening`);
      await unlink(address.path);
    }
  }
  const server = createServer(onConnection);
  try {
    await listenOn(server, address);
  } catch (err) {
    const where = address.network === 'unix' ? address.path : `${address.host}:${address.port}`;
    throw new Error(`cannot listen on ${where}: ${(err as Error).message}`);
  }
  // The controller (another container, same uid/gid by the manifests) must be able to connect.
  if (address.network === 'unix') await chmod(address.path, 0o660);
  return server;
}
