// yamux throughput and latency over a real unix socket, beside a baseline measured in the same run: the same
// bytes echoed over a bare unix socket (no multiplexing). Also TS ↔ real Go yamux when the peer is built.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createConnection, createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import type { Duplex } from 'node:stream';
import { YamuxSession, type YamuxStream } from '../rollouts-metric-plugin/transport/yamux/index.js';

const TOTAL = Number(process.env['YAMUX_BENCH_MIB'] ?? 64) << 20;
const PEER = join(process.env['REPO'] ?? process.cwd(), '.cache/bin/yamux-peer');

function tempSocket(): { path: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'yamux-bench-'));
  return { path: join(dir, 's'), cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

async function listen(path: string, onConn: (c: Socket) => void): Promise<Server> {
  const server = createServer(onConn);
  await new Promise<void>((ok) => server.listen(path, ok));
  return server;
}

async function connect(path: string): Promise<Socket> {
  const socket = createConnection(path);
  await new Promise<void>((ok, fail) => socket.once('connect', ok).once('error', fail));
  return socket;
}

/** Writes `bytes` in 64 KiB chunks and waits until as many come back. */
async function echoThrough(d: Duplex, bytes: number): Promise<void> {
  const chunk = Buffer.alloc(64 * 1024, 0x5a);
  let received = 0;
  const done = new Promise<void>((ok, fail) => {
    d.on('data', (c: Buffer) => {
      received += c.length;
      if (received >= bytes) ok();
    });
    d.once('error', fail);
  });
  for (let sent = 0; sent < bytes; sent += chunk.length) {
    if (!d.write(chunk)) await new Promise((ok) => d.once('drain', ok));
  }
  await done;
}

function mibps(bytes: number, ms: number): string {
  return `${((bytes / (1 << 20)) / (ms / 1000)).toFixed(0)} MiB/s`;
}

async function time(fn: () => Promise<void>): Promise<number> {
  const t0 = performance.now();
  await fn();
  return performance.now() - t0;
}

async function baseline(): Promise<number> {
  const sock = tempSocket();
  const server = await listen(sock.path, (c) => c.pipe(c));
  const client = await connect(sock.path);
  const ms = await time(() => echoThrough(client, TOTAL));
  client.destroy();
  server.close();
  sock.cleanup();
  return ms;
}

async function tsToTs(streams: number): Promise<{ ms: number; rtt: number }> {
  const sock = tempSocket();
  const server = await listen(sock.path, (c) => {
    const s = new YamuxSession(c, { role: 'server' });
    s.on('stream', (st: YamuxStream) => st.pipe(st));
  });
  const session = new YamuxSession(await connect(sock.path), { role: 'client' });
  const ms = await time(async () => {
    await Promise.all(Array.from({ length: streams }, () => echoThrough(session.openStream(), TOTAL / streams)));
  });
  const rtt = await medianPing(session);
  session.close();
  server.close();
  sock.cleanup();
  return { ms, rtt };
}

async function medianPing(session: YamuxSession): Promise<number> {
  const rtts: number[] = [];
  for (let i = 0; i < 200; i++) rtts.push(await session.ping());
  rtts.sort((a, b) => a - b);
  return rtts[100] ?? NaN;
}

async function tsToGo(streams: number): Promise<{ ms: number; rtt: number }> {
  const sock = tempSocket();
  const child = spawn(PEER, ['server-echo', sock.path], { stdio: ['ignore', 'pipe', 'inherit'] });
  try {
    await new Promise<void>((ok, fail) => {
      createInterface({ input: child.stdout! }).once('line', (l) => (l === 'ready' ? ok() : fail(new Error(l))));
      child.once('exit', (code) => fail(new Error(`yamux-peer exited ${code}`)));
    });
    const session = new YamuxSession(await connect(sock.path), { role: 'client' });
    const ms = await time(async () => {
      await Promise.all(Array.from({ length: streams }, () => echoThrough(session.openStream(), TOTAL / streams)));
    });
    const rtt = await medianPing(session);
    session.close();
    return { ms, rtt };
  } finally {
    child.kill();
    sock.cleanup();
  }
}

export default async function bench(): Promise<void> {
  const mib = TOTAL >> 20;
  const base = await baseline();
  console.log(`baseline: bare unix socket echo of ${mib} MiB: ${base.toFixed(0)} ms (${mibps(TOTAL, base)})`);
  for (const streams of [1, 64]) {
    const r = await tsToTs(streams);
    console.log(
      `yamux TS↔TS, ${streams} stream(s), ${mib} MiB echoed: ${r.ms.toFixed(0)} ms (${mibps(TOTAL, r.ms)}), ` +
        `${(r.ms / base).toFixed(2)}× baseline; ping median ${r.rtt.toFixed(3)} ms`,
    );
  }
  if (!existsSync(PEER)) {
    console.log(`yamux TS↔Go: not measured (${PEER} missing; run test/setup.d/yamux.sh)`);
    return;
  }
  for (const streams of [1, 64]) {
    const r = await tsToGo(streams);
    console.log(
      `yamux TS client ↔ Go server, ${streams} stream(s), ${mib} MiB echoed: ${r.ms.toFixed(0)} ms ` +
        `(${mibps(TOTAL, r.ms)}), ${(r.ms / base).toFixed(2)}× baseline; ping median ${r.rtt.toFixed(3)} ms`,
    );
  }
}
