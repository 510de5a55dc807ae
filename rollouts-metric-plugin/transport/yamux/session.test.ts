import { describe, expect, it } from 'vitest';
import { Flag, FrameType, GoAwayCode } from './frame.js';
import { RawPeer, frameBytes } from './raw-peer.js';
import { memoryPipe } from './memory-pipe.js';
import { YamuxSession } from './session.js';
import type { YamuxStream } from './stream.js';
import {
  YamuxProtocolError,
  YamuxRemoteGoAwayError,
  YamuxStreamResetError,
  YamuxTimeoutError,
} from './errors.js';

const { Data, WindowUpdate, Ping, GoAway } = FrameType;
const WINDOW = 256 * 1024;

function server(options: Partial<ConstructorParameters<typeof RawPeer>[0]> = {}): RawPeer {
  return new RawPeer({ role: 'server', keepaliveIntervalMs: 0, ...options });
}

function summary(peer: RawPeer): string[] {
  return peer.take().map(({ header: h }) => `${h.type}/${h.flags}/${h.streamId}/${h.length}`);
}

async function expectProtocolClose(peer: RawPeer, message: RegExp): Promise<void> {
  await peer.settle();
  expect(peer.session.closed).toBe(true);
  expect(peer.session.error).toBeInstanceOf(YamuxProtocolError);
  expect(peer.session.error?.message).toMatch(message);
  expect(summary(peer)).toContain(`${GoAway}/0/0/${GoAwayCode.ProtocolError}`);
  expect(peer.session.streamCount).toBe(0);
  expect(peer.conn.listenerCount('data')).toBe(0);
}

describe('opening streams', () => {
  it('ACKs a SYN on WindowUpdate at once, with the golden bytes of Appendix A', async () => {
    const peer = server();
    const accepted: number[] = [];
    peer.session.on('stream', (s: YamuxStream) => accepted.push(s.id));
    peer.send(Buffer.from('000100010000000100000000', 'hex'));
    await peer.settle();
    expect(accepted).toEqual([1]);
    expect(Buffer.concat(peer.bytes).toString('hex')).toBe('000100020000000100000000');
  });

  it('accepts a SYN on a Data frame and delivers its payload', async () => {
    const peer = server();
    const got: string[] = [];
    peer.session.on('stream', (s: YamuxStream) => s.on('data', (d: Buffer) => got.push(d.toString())));
    peer.frame(Data, Flag.SYN, 3, Buffer.from('hello'));
    await peer.settle();
    expect(got).toEqual(['hello']);
    expect(summary(peer)).toEqual([`${WindowUpdate}/${Flag.ACK}/3/0`]);
  });

  it('opens even ids as server, odd as client, announcing each with WindowUpdate SYN', async () => {
    const peer = server();
    expect([peer.session.openStream().id, peer.session.openStream().id]).toEqual([2, 4]);
    await peer.settle();
    expect(summary(peer)).toEqual([`${WindowUpdate}/${Flag.SYN}/2/0`, `${WindowUpdate}/${Flag.SYN}/4/0`]);
    const client = new RawPeer({ role: 'client', keepaliveIntervalMs: 0 });
    expect(client.session.openStream().id).toBe(1);
  });

  it('queues streams while nobody listens, RSTs beyond the backlog, and hands the queue over later', async () => {
    const peer = server({ acceptBacklog: 2 });
    for (const id of [1, 3, 5]) peer.frame(WindowUpdate, Flag.SYN, id, 0);
    await peer.settle();
    expect(summary(peer)).toEqual([`1/${Flag.ACK}/1/0`, `1/${Flag.ACK}/3/0`, `1/${Flag.RST}/5/0`]);
    const ids: number[] = [];
    peer.session.on('stream', (s: YamuxStream) => ids.push(s.id));
    await peer.settle();
    expect(ids).toEqual([1, 3]);
  });
});

describe('a split at every byte boundary', () => {
  const message = Buffer.concat([
    frameBytes(WindowUpdate, Flag.SYN, 1, 0),
    frameBytes(Data, 0, 1, Buffer.from('hello, ')),
    frameBytes(Ping, Flag.SYN, 0, 9),
    frameBytes(Data, Flag.FIN, 1, Buffer.from('world')),
  ]);
  it('gives the same stream data, end and ping reply', async () => {
    for (let cut = 0; cut <= message.length; cut++) {
      const peer = server();
      let text = '';
      let ended = false;
      peer.session.on('stream', (s: YamuxStream) => {
        s.on('data', (d: Buffer) => (text += d.toString()));
        s.on('end', () => (ended = true));
      });
      peer.send(message.subarray(0, cut));
      peer.send(message.subarray(cut));
      await peer.settle();
      expect({ cut, text, ended, frames: summary(peer) }).toEqual({
        cut,
        text: 'hello, world',
        ended: true,
        frames: [`1/${Flag.ACK}/1/0`, `${Ping}/${Flag.ACK}/0/9`],
      });
      peer.session.close();
    }
  });
});

describe('flow control', () => {
  it('never sends beyond the peer window and resumes exactly by each WindowUpdate', async () => {
    const peer = server();
    const st = peer.session.openStream();
    let done = false;
    st.write(Buffer.alloc(1 << 20, 7), () => (done = true));
    await peer.settle(10);
    const sent = () => peer.take().filter((f) => f.header.type === Data).reduce((n, f) => n + f.payload.length, 0);
    expect(sent()).toBe(WINDOW);
    peer.frame(WindowUpdate, Flag.ACK, 2, 100_000);
    await peer.settle(10);
    expect(sent()).toBe(100_000);
    expect(done).toBe(false);
    peer.frame(WindowUpdate, 0, 2, (1 << 20) - WINDOW - 100_000);
    await peer.settle(10);
    expect(sent()).toBe((1 << 20) - WINDOW - 100_000);
    expect(done).toBe(true);
  });

  it('advertises consumed bytes Go-style: nothing below half a window, then everything freed', async () => {
    const peer = server();
    let stream: YamuxStream | undefined;
    peer.session.on('stream', (s: YamuxStream) => (stream = s));
    peer.frame(WindowUpdate, Flag.SYN, 1, 0);
    peer.frame(Data, 0, 1, Buffer.alloc(100_000));
    await peer.settle();
    summary(peer);
    stream!.read(); // hands 100 000 bytes to the reader: below 128 KiB, no update yet
    await peer.settle();
    expect(summary(peer)).toEqual([]);
    peer.frame(Data, 0, 1, Buffer.alloc(100_000));
    await peer.settle();
    while (stream!.read() !== null);
    await peer.settle();
    expect(summary(peer)).toEqual([`1/0/1/200000`]);
  });

  it('closes the session with GoAway(1) when the peer exceeds the window', async () => {
    const peer = server();
    peer.frame(WindowUpdate, Flag.SYN, 1, 0);
    peer.frame(Data, 0, 1, Buffer.alloc(WINDOW));
    peer.frame(Data, 0, 1, Buffer.alloc(1));
    await expectProtocolClose(peer, /recv window exceeded on stream 1/);
  });
});

describe('protocol errors close the session with GoAway(1) and a clear error', () => {
  const cases: Array<[string, Buffer, RegExp]> = [
    ['bad version', Buffer.from('010000000000000100000000', 'hex'), /invalid protocol version 1/],
    ['bad type', Buffer.from('000700000000000100000000', 'hex'), /invalid msg type 7/],
    ['data on a stream never opened', frameBytes(Data, 0, 9, Buffer.from('x')), /stream 9, which was never opened/],
    ['data on stream 0', frameBytes(Data, 0, 0, Buffer.from('x')), /Data frame on stream 0/],
    ['a SYN with our parity', frameBytes(WindowUpdate, Flag.SYN, 2, 0), /stream 2, which has our id parity/],
    [
      'a duplicate SYN',
      Buffer.concat([frameBytes(WindowUpdate, Flag.SYN, 1, 0), frameBytes(WindowUpdate, Flag.SYN, 1, 0)]),
      /duplicate stream initiated: 1/,
    ],
  ];
  it.each(cases)('%s', async (_name, bytes, message) => {
    const peer = server();
    peer.session.on('stream', (s: YamuxStream) => s.on('error', () => undefined));
    peer.send(bytes);
    await expectProtocolClose(peer, message);
  });

  it('a GoAway(protocol error) from the peer closes the session and fails its streams', async () => {
    const peer = server();
    const errors: Error[] = [];
    peer.session.on('stream', (s: YamuxStream) => s.on('error', (e) => errors.push(e)));
    peer.frame(WindowUpdate, Flag.SYN, 1, 0);
    peer.frame(GoAway, 0, 0, GoAwayCode.ProtocolError);
    await peer.settle();
    expect(peer.session.error?.message).toBe('yamux: peer sent GoAway: protocol error');
    expect(summary(peer)).toEqual([`1/${Flag.ACK}/1/0`]); // no GoAway sent back, as in Go
    expect(errors.map((e) => e.message)).toEqual(['yamux: session closed: yamux: peer sent GoAway: protocol error']);
  });
});

describe('stream-level errors stay in their stream', () => {
  it('data after FIN resets only that stream; late data for it is discarded', async () => {
    const peer = server();
    const streams = new Map<number, YamuxStream>();
    const errors: Error[] = [];
    peer.session.on('stream', (s: YamuxStream) => {
      streams.set(s.id, s);
      s.on('error', (e) => errors.push(e));
      s.resume();
    });
    peer.frame(WindowUpdate, Flag.SYN, 1, 0);
    peer.frame(WindowUpdate, Flag.SYN, 3, 0);
    peer.frame(Data, Flag.FIN, 1, Buffer.from('last'));
    peer.frame(Data, 0, 1, Buffer.from('too late'));
    peer.frame(Data, 0, 1, Buffer.from('later still'));
    await peer.settle();
    expect(summary(peer)).toEqual([`1/${Flag.ACK}/1/0`, `1/${Flag.ACK}/3/0`, `1/${Flag.RST}/1/0`]);
    expect(errors.map((e) => e.message)).toEqual(['yamux: data after FIN on stream 1']);
    expect(errors[0]).toBeInstanceOf(YamuxStreamResetError);
    expect(peer.session.closed).toBe(false);
    expect(peer.session.streamCount).toBe(1);
    expect(peer.session.stats.framesDiscarded).toBe(2);
  });

  it('a peer RST fails the stream with a reset error and leaves the session open', async () => {
    const peer = server();
    const st = peer.session.openStream();
    const err = new Promise<Error>((ok) => st.once('error', ok));
    peer.frame(WindowUpdate, Flag.RST, st.id, 0);
    expect(await err).toBeInstanceOf(YamuxStreamResetError);
    expect(peer.session.streamCount).toBe(0);
    expect(peer.session.closed).toBe(false);
  });
});

describe('GoAway', () => {
  it('received GoAway(0) refuses new streams', async () => {
    const peer = server();
    peer.frame(GoAway, 0, 0, GoAwayCode.Normal);
    await peer.settle();
    expect(() => peer.session.openStream()).toThrow(YamuxRemoteGoAwayError);
    expect(peer.session.closed).toBe(false);
  });

  it('after our GoAway, new SYNs get RST', async () => {
    const peer = server();
    peer.session.goAway();
    peer.frame(WindowUpdate, Flag.SYN, 1, 0);
    await peer.settle();
    expect(summary(peer)).toEqual([`${GoAway}/0/0/0`, `1/${Flag.RST}/1/0`]);
  });

  it('data the peer wrote on a refused stream before our RST reached it is discarded; the session lives on', async () => {
    // The drain case: the host opened a stream and wrote its broker id just as our GoAway(0) was on the wire.
    const peer = server({ acceptBacklog: 1 });
    const accepted: YamuxStream[] = [];
    peer.session.on('stream', (s: YamuxStream) => accepted.push(s));
    peer.frame(WindowUpdate, Flag.SYN, 1, 0);
    await peer.settle();
    peer.session.goAway();
    peer.frame(WindowUpdate, Flag.SYN, 3, 0);
    peer.frame(Data, 0, 3, Buffer.from([1, 0, 0, 0]));
    peer.frame(WindowUpdate, Flag.FIN, 3, 0);
    await peer.settle();
    expect(peer.session.closed).toBe(false);
    expect(summary(peer)).toEqual([`1/${Flag.ACK}/1/0`, `${GoAway}/0/0/0`, `1/${Flag.RST}/3/0`]);
    expect(peer.session.stats.framesDiscarded).toBe(2);
    expect(accepted.map((s) => s.id)).toEqual([1]);
  });

  it('the same holds for a stream refused because the accept backlog is full', async () => {
    const peer = server({ acceptBacklog: 1 });
    peer.frame(WindowUpdate, Flag.SYN, 1, 0);
    peer.frame(WindowUpdate, Flag.SYN, 3, 0);
    peer.frame(Data, 0, 3, Buffer.from('late'));
    await peer.settle();
    expect(peer.session.closed).toBe(false);
    expect(summary(peer)).toEqual([`1/${Flag.ACK}/1/0`, `1/${Flag.RST}/3/0`]);
  });
});

describe('pings and keepalive', () => {
  it('answers pings, and resolves its own when the ACK comes back', async () => {
    const peer = server();
    peer.frame(Ping, Flag.SYN, 0, 0xdeadbeef);
    await peer.settle();
    expect(summary(peer)).toEqual([`${Ping}/${Flag.ACK}/0/${0xdeadbeef}`]);
    const rtt = peer.session.ping();
    await peer.settle();
    expect(summary(peer)).toEqual([`${Ping}/${Flag.SYN}/0/0`]);
    peer.frame(Ping, Flag.ACK, 0, 0);
    expect(await rtt).toBeGreaterThanOrEqual(0);
    expect(peer.session.pendingPings).toBe(0);
  });

  it('closes the session with a keepalive timeout when pings go unanswered', async () => {
    const peer = server({ keepaliveIntervalMs: 5, keepaliveTimeoutMs: 5 });
    await new Promise((ok) => peer.session.once('close', ok));
    expect(peer.session.error).toBeInstanceOf(YamuxTimeoutError);
    expect(peer.session.error?.message).toBe('yamux: keepalive timeout');
    expect(peer.session.pendingPings).toBe(0);
  });

  it('two TS sessions keep each other alive', async () => {
    const [a, b] = memoryPipe();
    const client = new YamuxSession(a, { role: 'client', keepaliveIntervalMs: 2, keepaliveTimeoutMs: 1000 });
    const srv = new YamuxSession(b, { role: 'server', keepaliveIntervalMs: 2, keepaliveTimeoutMs: 1000 });
    while (client.stats.keepalivesSent < 5 || srv.stats.keepalivesSent < 5) await new Promise((ok) => setTimeout(ok, 2));
    expect([client.closed, srv.closed]).toEqual([false, false]);
    client.close();
    await new Promise((ok) => setImmediate(ok));
    expect(srv.closed).toBe(true);
    expect([client.pendingPings, srv.pendingPings, client.streamCount, srv.streamCount]).toEqual([0, 0, 0, 0]);
  });
});

describe('TS client ↔ TS server', () => {
  it('echoes 100 streams concurrently, then tears down to zero streams', async () => {
    const [a, b] = memoryPipe();
    const client = new YamuxSession(a, { role: 'client' });
    const srv = new YamuxSession(b, { role: 'server' });
    srv.on('stream', (s: YamuxStream) => s.pipe(s));
    const results = await Promise.all(
      Array.from({ length: 100 }, async (_, i) => {
        const st = client.openStream();
        const data = Buffer.alloc(1 + i * 5000, i);
        const chunks: Buffer[] = [];
        st.on('data', (c: Buffer) => chunks.push(c));
        const ended = new Promise((ok) => st.once('end', ok));
        st.end(data);
        await ended;
        return Buffer.concat(chunks).equals(data);
      }),
    );
    expect(results.every(Boolean)).toBe(true);
    await new Promise((ok) => setImmediate(ok));
    expect([client.streamCount, srv.streamCount]).toEqual([0, 0]);
    client.close();
    srv.close();
    expect(() => client.openStream()).toThrow(/session is closed/);
  });
});

describe('misbehaving local handlers', () => {
  it('a throwing stream handler resets only its own stream', async () => {
    const peer = server();
    let calls = 0;
    peer.session.on('stream', (s: YamuxStream) => {
      s.on('error', () => undefined);
      if (++calls === 1) throw new Error('handler bug');
      s.resume();
    });
    peer.frame(WindowUpdate, Flag.SYN, 1, 0);
    peer.frame(WindowUpdate, Flag.SYN, 3, 0);
    await peer.settle();
    expect(summary(peer)).toEqual([`1/${Flag.ACK}/1/0`, `1/${Flag.RST}/1/0`, `1/${Flag.ACK}/3/0`]);
    expect(peer.session.closed).toBe(false);
    expect(peer.session.streamCount).toBe(1);
  });

  it('a throwing data handler resets only its own stream', async () => {
    const peer = server();
    const errors: string[] = [];
    peer.session.on('stream', (s: YamuxStream) => {
      s.on('error', (e) => errors.push(e.message));
      s.on('data', () => {
        if (s.id === 1) throw new Error('reader bug');
      });
    });
    peer.frame(WindowUpdate, Flag.SYN, 1, 0);
    peer.frame(WindowUpdate, Flag.SYN, 3, 0);
    await peer.settle(); // both streams flowing: 'data' now fires inside the session's frame handling
    peer.frame(Data, 0, 1, Buffer.from('a'));
    peer.frame(Data, 0, 3, Buffer.from('b'));
    await peer.settle();
    expect(errors).toEqual(['yamux: reader of stream 1 threw: reader bug']);
    expect(peer.session.closed).toBe(false);
    expect(peer.session.streamCount).toBe(1);
  });
});

describe('a larger maxStreamWindow', () => {
  it('is announced with the SYN and ACK, as Go does, and lets the peer send that much', async () => {
    const peer = server({ maxStreamWindow: 1 << 20 });
    peer.session.openStream();
    peer.frame(WindowUpdate, Flag.SYN, 1, 0);
    peer.session.on('stream', () => undefined);
    peer.frame(Data, 0, 1, Buffer.alloc(1 << 20));
    await peer.settle();
    expect(summary(peer)).toEqual([`1/${Flag.SYN}/2/${(1 << 20) - WINDOW}`, `1/${Flag.ACK}/1/${(1 << 20) - WINDOW}`]);
    expect(peer.session.closed).toBe(false);
    peer.frame(Data, 0, 1, Buffer.alloc(1));
    await expectProtocolClose(peer, /recv window exceeded/);
  });

  it('below 256 KiB is refused, like Go VerifyConfig', () => {
    expect(() => server({ maxStreamWindow: 1000 })).toThrow(/maxStreamWindow must be between 262144/);
  });
});

describe('closing from inside a handler', () => {
  it('ignores the rest of the chunk and leaves nothing behind', async () => {
    const peer = server();
    peer.session.on('stream', () => peer.session.close());
    peer.send(
      Buffer.concat([
        frameBytes(WindowUpdate, Flag.SYN, 1, 0),
        frameBytes(WindowUpdate, Flag.SYN, 3, 0),
        frameBytes(Ping, Flag.SYN, 0, 1),
      ]),
    );
    await peer.settle();
    expect(peer.session.closed).toBe(true);
    expect(peer.session.streamCount).toBe(0);
    expect(summary(peer)).toEqual([`1/${Flag.ACK}/1/0`]);
  });
});

describe('writes over a synchronous connection', () => {
  it('complete each write exactly once when window updates arrive re-entrantly (found by the go-plugin tests)', async () => {
    const [a, b] = memoryPipe();
    const server = new YamuxSession(a, { role: 'server', keepaliveIntervalMs: 0 });
    let received = 0;
    server.on('stream', (s: YamuxStream) => s.on('data', (d: Buffer) => (received += d.length)));
    const client = new YamuxSession(b, { role: 'client', keepaliveIntervalMs: 0 });
    const s = client.openStream();
    const errors: Error[] = [];
    s.on('error', (e) => errors.push(e));
    for (let i = 0; i < 2000; i++) await new Promise<void>((resolve, reject) => s.write(Buffer.alloc(300), (e) => (e ? reject(e) : resolve())));
    await new Promise((r) => setImmediate(r));
    expect(errors).toEqual([]);
    expect(received).toBe(600_000);
    client.close();
    server.close();
  });
});
