// Half-close, RST, GoAway and receive back-pressure against the real Go hashicorp/yamux v0.1.1.
import { createServer } from 'node:net';
import { createInterface } from 'node:readline';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  echo,
  ensurePeer,
  killPeers,
  readAll,
  readLine,
  sha256,
  startPeer,
  tempSocket,
  withGoClient,
  withGoServer,
} from './go-peer.js';
import {
  YamuxRemoteGoAwayError,
  YamuxSession,
  YamuxStreamResetError,
  type YamuxStream,
} from '../../rollouts-metric-plugin/transport/yamux/index.js';

beforeAll(() => ensurePeer());
afterEach(() => killPeers());

/** Hands out accepted streams in order. */
function acceptor(session: YamuxSession): () => Promise<YamuxStream> {
  const ready: YamuxStream[] = [];
  const waiting: Array<(s: YamuxStream) => void> = [];
  session.on('stream', (s: YamuxStream) => {
    const w = waiting.shift();
    if (w) w(s);
    else ready.push(s);
  });
  return () => {
    const s = ready.shift();
    return s ? Promise.resolve(s) : new Promise((ok) => waiting.push(ok));
  };
}

describe('half-close (FIN) in both directions', () => {
  it('keeps the other direction open after each side FINs', async () => {
    const seen: { aSha?: string; aWritable?: boolean; aLateWrite?: string; bSha?: string } = {};
    let done!: Promise<void>;
    const { report, session } = await withGoClient('halfclose', [], (s) => {
      const accept = acceptor(s);
      done = (async () => {
        const a = await accept();
        const aData = await readAll(a); // ends on Go's FIN
        seen.aSha = sha256(aData);
        seen.aWritable = a.writable;
        seen.aLateWrite = await new Promise<string>((ok) => a.end('late', () => ok('ok')));
        const b = await accept();
        b.end('server-first'); // we FIN first, then keep reading
        const bData = await readAll(b);
        expect(bData.subarray(0, 1).toString()).toBe('B');
        seen.bSha = sha256(bData.subarray(1));
      })();
    });
    await done;
    expect(report).toMatchObject({ aError: '', bFirst: 'server-first', bReadError: '', bWriteError: '', goStreamsLeft: 0 });
    expect(seen).toEqual({ aSha: report.aSha, aWritable: true, aLateWrite: 'ok', bSha: report.bSha });
    expect(session.streamCount).toBe(0);
  });
});

describe('RST', () => {
  it('our destroy() resets only that stream mid-transfer; Go sees "connection reset", the session lives on', async () => {
    const errors: Error[] = [];
    const { report, session } = await withGoClient('rst', [], (s) => {
      const accept = acceptor(s);
      void (async () => {
        const a = await accept();
        a.once('data', () => a.destroy());
        echo(await accept(), errors);
      })();
    });
    expect(report).toMatchObject({
      aReadError: 'connection reset',
      aWriteError: 'connection reset', // the blocked 1 MiB write wakes up with the reset
      aLateWriteError: 'connection reset',
      bOK: true,
      sessionClosed: false,
      goStreamsLeft: 0,
    });
    expect(errors).toEqual([]);
    expect(session.streamCount).toBe(0);
  });

  it('a Go RST (accept backlog full) fails only the refused streams', async () => {
    const { session, peer, finish } = await withGoServer('rst-backlog');
    const [s1, s2, s3] = [session.openStream(), session.openStream(), session.openStream()];
    const reset = (s: YamuxStream) =>
      new Promise<Error>((ok) => s.once('error', ok)).then((e) => [e instanceof YamuxStreamResetError, e.message]);
    expect(await Promise.all([reset(s2), reset(s3)])).toEqual([
      [true, `yamux: stream ${s2.id} reset by peer`],
      [true, `yamux: stream ${s3.id} reset by peer`],
    ]);
    expect(s1.established).toBe(false); // queued in Go's backlog, not yet accepted
    peer.child.stdin!.write('accept\n');
    const back = readAll(s1);
    s1.end('hello');
    expect((await back).toString()).toBe('hello');
    expect(s1.established).toBe(true);
    expect(session.closed).toBe(false);
    expect(session.streamCount).toBe(0);
    expect(await finish()).toMatchObject({ signal: 'accept', echoed: 5 });
  });
});

describe('GoAway', () => {
  it('after our GoAway the Go client refuses to open streams; open streams keep working', async () => {
    const errors: Error[] = [];
    const { report } = await withGoClient('goaway', [], (s) => {
      s.once('stream', (a: YamuxStream) => {
        void readLine(a).then((line) => {
          if (line !== 'goaway?') return a.destroy();
          s.goAway();
          a.write('ok\n');
          echo(a, errors);
        });
      });
    });
    expect(report).toMatchObject({
      reply: 'ok',
      openError: 'remote end is not accepting connections',
      aStillWorks: true,
      goStreamsLeft: 0,
    });
    expect(errors).toEqual([]);
  });

  it('after a Go GoAway our openStream() throws; open streams keep working', async () => {
    const { session, finish } = await withGoServer('goaway-server');
    const st = session.openStream();
    expect(await readLine(st)).toBe('ok');
    expect(() => session.openStream()).toThrow(YamuxRemoteGoAwayError);
    const rest = readAll(st);
    st.end('abc');
    expect((await rest).toString()).toBe('abc');
    expect(session.closed).toBe(false);
    expect(await finish()).toMatchObject({ goAwayError: '', echoed: 3, acceptedAfterGoAway: 0 });
  });
});

describe('receive back-pressure', () => {
  it('a Go writer stops at our 256 KiB window and resumes only as we read', async () => {
    const WINDOW = 256 * 1024;
    const TOTAL = 4 << 20;
    let checks!: Promise<{ phases: number[]; released: number[]; sha: string; goSha: string }>;
    const { report, session } = await withGoClient('slowreader', [String(TOTAL)], (s) => {
      const accept = acceptor(s);
      checks = (async () => {
        const data = await accept(); // nobody reads it yet
        const ctl = await accept();
        const lines = createInterface({ input: ctl })[Symbol.asyncIterator]();
        const ctlWrite = (line: string) => ctl.write(line);
        const next = async () => String((await lines.next()).value);
        const phases: number[] = [];
        const released: number[] = [];
        phases.push(Number((await next()).split(' ')[1]));
        released.push(0);
        const got: Buffer[] = [];
        let consumed = 0;
        await new Promise<void>((ok) => {
          const onReadable = () => {
            let chunk: Buffer | null;
            while (consumed < 200_000 && (chunk = data.read() as Buffer | null) !== null) {
              got.push(chunk);
              consumed += chunk.length;
            }
            if (consumed < 200_000) return;
            data.off('readable', onReadable);
            ok();
          };
          data.on('readable', onReadable);
        });
        ctlWrite('go\n');
        phases.push(Number((await next()).split(' ')[1]));
        released.push(consumed + data.readableLength);
        ctlWrite('finish\n');
        got.push(await readAll(data));
        const goSha = (await next()).split(' ')[1] ?? '';
        ctl.end(); // Go reads the control stream to EOF before it exits
        return { phases, released, sha: sha256(Buffer.concat(got)), goSha };
      })();
    });
    const result = await checks;
    console.log(`yamux back-pressure: Go blocked after ${result.phases.join(' / ')} bytes; released ${result.released.join(' / ')}`);
    expect(report).toMatchObject({ total: TOTAL, writeError: '' });
    // Phase 1: we read nothing, so Go could send exactly one window.
    expect(result.phases[0]).toBe(WINDOW);
    // Phase 2: Go may send what we released to our reader plus one window, less at most half a window we have
    // not yet advertised (Go's update threshold).
    const [p2, r2] = [result.phases[1] ?? 0, result.released[1] ?? 0];
    expect(p2).toBeLessThanOrEqual(r2 + WINDOW);
    expect(p2).toBeGreaterThan(r2 + WINDOW / 2 - 1);
    expect(result.sha).toBe(report.sha);
    expect(result.goSha).toBe(report.sha);
    expect(session.streamCount).toBe(0);
  });
});

describe('a peer that dies mid-transfer', () => {
  it('closes our session cleanly: streams end, nothing is thrown, nothing is left', async () => {
    const sock = tempSocket();
    let session: YamuxSession | undefined;
    const streams: YamuxStream[] = [];
    const streamErrors: Error[] = [];
    let killed!: () => void;
    const gotData = new Promise<void>((ok) => (killed = ok));
    const server = createServer((conn) => {
      session = new YamuxSession(conn, { role: 'server' });
      session.on('stream', (st: YamuxStream) => {
        streams.push(st);
        st.on('error', (e) => streamErrors.push(e));
        st.once('data', () => killed());
        st.pipe(st);
      });
    });
    await new Promise<void>((ok) => server.listen(sock.path, ok));
    const peer = startPeer('client-echo', sock.path, ['8', String(16 << 20)]);
    peer.exited.catch(() => undefined); // it is killed on purpose
    try {
      await gotData;
      peer.child.kill('SIGKILL');
      await new Promise((ok) => session!.once('close', ok));
      expect(session!.closed).toBe(true);
      expect(session!.streamCount).toBe(0);
      expect(session!.pendingPings).toBe(0);
      expect(streams.length).toBeGreaterThan(0);
      await new Promise((ok) => setImmediate(ok));
      expect(streams.every((st) => st.destroyed)).toBe(true);
      expect(streamErrors).toEqual([]); // the peer going away is a clean shutdown, as in Go
    } finally {
      server.close();
      sock.cleanup();
    }
  });
});
