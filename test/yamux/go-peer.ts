// Starts the real Go yamux peer (test/go/yamux-peer, hashicorp/yamux v0.1.1) against our TypeScript session.
import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createConnection, createServer, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { YamuxSession, type YamuxOptions, type YamuxStream } from '../../rollouts-metric-plugin/transport/yamux/index.js';

export const REPO = resolve(import.meta.dirname, '../..');
export const PEER = join(REPO, '.cache/bin/yamux-peer');

/** Builds the peer if needed (idempotent, cached); throws with the build output if it cannot. */
export function ensurePeer(): void {
  execFileSync('bash', [join(REPO, 'test/setup.d/yamux.sh')], { env: { ...process.env, REPO }, stdio: 'pipe' });
  if (!existsSync(PEER)) throw new Error(`yamux-peer was not built at ${PEER}`);
}

export type Report = Record<string, unknown>;

interface Peer {
  readonly child: ChildProcess;
  readonly lines: string[];
  readonly stderr: string[];
  readonly exited: Promise<Report>;
}

const running = new Set<ChildProcess>();

/** Kills peers a failed or timed-out test left behind (call from afterEach). */
export function killPeers(): void {
  for (const child of running) child.kill('SIGKILL');
  running.clear();
}

export function startPeer(mode: string, socket: string, args: string[]): Peer {
  const child = spawn(PEER, [mode, socket, ...args], { stdio: ['pipe', 'pipe', 'pipe'] });
  running.add(child);
  child.on('exit', () => running.delete(child));
  const lines: string[] = [];
  const stderr: string[] = [];
  createInterface({ input: child.stdout! }).on('line', (l) => lines.push(l));
  child.stderr!.on('data', (d: Buffer) => stderr.push(d.toString()));
  const exited = new Promise<Report>((resolveExit, reject) => {
    child.on('error', (e) => reject(new Error(`cannot start yamux-peer ${mode}: ${e.message}`)));
    child.on('close', (code) => {
      const last = lines.at(-1);
      if (code !== 0 || last === undefined || !last.startsWith('{')) {
        reject(new Error(`yamux-peer ${mode} exited ${code}; stdout: ${lines.join('\n')}; stderr: ${stderr.join('')}`));
        return;
      }
      resolveExit(JSON.parse(last) as Report);
    });
  });
  return { child, lines, stderr, exited };
}

export function tempSocket(): { path: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'yamux-'));
  return { path: join(dir, 's'), cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** Go is the yamux client; we listen on a unix socket and serve with a yamux server session. */
export async function withGoClient(
  mode: string,
  args: string[],
  serve: (session: YamuxSession, peer: Peer) => void,
  options: Partial<YamuxOptions> = {},
): Promise<{ report: Report; session: YamuxSession }> {
  const sock = tempSocket();
  let session: YamuxSession | undefined;
  const server = createServer((conn) => {
    session = new YamuxSession(conn, { role: 'server', ...options });
    serve(session, peer);
  });
  await new Promise<void>((ok) => server.listen(sock.path, ok));
  const peer = startPeer(mode, sock.path, args);
  try {
    const report = await peer.exited;
    if (session === undefined) throw new Error(`yamux-peer ${mode} never connected`);
    // Go closed its session; ours sees EOF right after.
    if (!session.closed) await new Promise((ok) => session!.once('close', ok));
    return { report, session };
  } finally {
    peer.child.kill();
    server.close();
    sock.cleanup();
  }
}

/** Go is the yamux server; we connect as the yamux client. */
export async function withGoServer(mode: string, args: string[] = []): Promise<{
  session: YamuxSession;
  socket: Socket;
  peer: Peer;
  finish: () => Promise<Report>;
}> {
  const sock = tempSocket();
  const peer = startPeer(mode, sock.path, args);
  const socket = await connectWhenReady(peer, mode, sock.path).catch((err: unknown) => {
    peer.child.kill('SIGKILL');
    sock.cleanup();
    throw err;
  });
  const session = new YamuxSession(socket, { role: 'client' });
  const finish = async (): Promise<Report> => {
    try {
      session.close();
      return await peer.exited;
    } finally {
      peer.child.kill();
      sock.cleanup();
    }
  };
  return { session, socket, peer, finish };
}

const READY_TIMEOUT_MS = 30_000;

/** Waits (bounded) for the peer's "ready" line, then connects to its socket. */
async function connectWhenReady(peer: Peer, mode: string, path: string): Promise<Socket> {
  const deadline = Date.now() + READY_TIMEOUT_MS;
  await new Promise<void>((ok, fail) => {
    const check = setInterval(() => {
      if (peer.lines[0] === 'ready') {
        clearInterval(check);
        ok();
      } else if (peer.child.exitCode !== null) {
        clearInterval(check);
        fail(new Error(`yamux-peer ${mode} exited before listening: ${peer.stderr.join('')}`));
      } else if (Date.now() > deadline) {
        clearInterval(check);
        fail(new Error(`yamux-peer ${mode} printed no "ready" within ${READY_TIMEOUT_MS} ms: ${peer.stderr.join('')}`));
      }
    }, 10);
  });
  const socket = createConnection(path);
  await new Promise<void>((ok, fail) => socket.once('connect', ok).once('error', fail));
  return socket;
}

export function sha256(b: Buffer): string {
  return createHash('sha256').update(b).digest('hex');
}

/** Collects a stream to its end without destroying it (for-await would, and that RSTs a half-open stream). */
export function readAll(stream: YamuxStream): Promise<Buffer> {
  return new Promise((ok, fail) => {
    const parts: Buffer[] = [];
    stream.on('data', (chunk: Buffer) => parts.push(chunk));
    stream.once('end', () => ok(Buffer.concat(parts)));
    stream.once('error', fail);
    stream.once('close', () => fail(new Error(`stream ${stream.id} closed before its end`)));
    stream.resume();
  });
}

/** Reads one '\n'-terminated line from a stream without consuming past it more than the stream buffers. */
export function readLine(stream: YamuxStream): Promise<string> {
  return new Promise((ok, fail) => {
    let acc = '';
    const onData = (chunk: Buffer) => {
      acc += chunk.toString();
      const nl = acc.indexOf('\n');
      if (nl >= 0) {
        stream.off('data', onData);
        stream.pause();
        const rest = acc.slice(nl + 1);
        if (rest) stream.unshift(Buffer.from(rest));
        ok(acc.slice(0, nl));
      }
    };
    stream.on('data', onData);
    stream.once('error', fail);
  });
}

/** Echo server behaviour: whatever arrives goes back, and the peer's FIN becomes our FIN. */
export function echo(stream: YamuxStream, errors: Error[]): void {
  stream.on('error', (e) => errors.push(e));
  stream.pipe(stream);
}
