// Our session against the real Go hashicorp/yamux v0.1.1, in both roles, 1 B … 16 MiB and hundreds of streams.
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { echo, ensurePeer, killPeers, readAll, sha256, withGoClient, withGoServer } from './go-peer.js';
import type { YamuxStream } from '../../rollouts-metric-plugin/transport/yamux/index.js';

const SIZES = [1, 100, 4095, 65_536, 65_537, 262_144, 262_145, 1 << 20, 4 << 20, 16 << 20];

beforeAll(() => ensurePeer());
afterEach(() => killPeers());

describe('TS yamux server ↔ Go yamux client', () => {
  it('echoes 20 concurrent streams of 1 B … 16 MiB byte-exactly', async () => {
    const errors: Error[] = [];
    const { report, session } = await withGoClient('client-echo', ['20', SIZES.join(',')], (s) =>
      s.on('stream', (st: YamuxStream) => echo(st, errors)),
    );
    expect(report).toMatchObject({ streams: 20, ok: 20, errors: null, goStreamsLeft: 0 });
    expect(report.bytes).toBe(2 * SIZES.reduce((a, b) => a + b, 0));
    expect(errors).toEqual([]);
    expect(session.streamCount).toBe(0);
    expect(session.stats.streamsAccepted).toBe(20);
  });

  it('echoes 400 concurrent small streams', async () => {
    const errors: Error[] = [];
    const { report, session } = await withGoClient('client-echo', ['400', '1,17,4096,12345,70000'], (s) =>
      s.on('stream', (st: YamuxStream) => echo(st, errors)),
    );
    expect(report).toMatchObject({ streams: 400, ok: 400, errors: null });
    expect(errors).toEqual([]);
    expect(session.streamCount).toBe(0);
  });

  it('honours a 1 MiB receive window announced to Go (its sender uses it, we never see it exceeded)', async () => {
    const errors: Error[] = [];
    const { report, session } = await withGoClient(
      'client-echo',
      ['4', String(4 << 20)],
      (s) => s.on('stream', (st: YamuxStream) => echo(st, errors)),
      { maxStreamWindow: 1 << 20 },
    );
    expect(report).toMatchObject({ streams: 4, ok: 4, errors: null });
    expect(session.error).toBeUndefined();
    expect(errors).toEqual([]);
  });

  it('answers Go pings and keeps serving streams', async () => {
    const errors: Error[] = [];
    const { report, session } = await withGoClient('ping', ['5'], (s) =>
      s.on('stream', (st: YamuxStream) => echo(st, errors)),
    );
    expect(report).toMatchObject({ pings: 5, error: '', echoOK: true });
    expect(session.stats.pingsAnswered).toBe(5);
  });
});

describe('TS yamux client ↔ Go yamux server', () => {
  it('echoes 1 B … 16 MiB on concurrent streams, and 300 small ones, pings both ways, leaves no streams', async () => {
    const { session, finish } = await withGoServer('server-echo');
    const round = async (sizes: number[]) =>
      Promise.all(
        sizes.map(async (size, i) => {
          const data = Buffer.alloc(size, i % 251);
          data.writeUInt32BE(i, 0);
          const st = session.openStream();
          const back = readAll(st);
          st.end(data);
          const got = await back;
          return got.length === size && sha256(got) === sha256(data);
        }),
      );
    expect(await round(SIZES.map((s) => Math.max(s, 4)))).toEqual(SIZES.map(() => true));
    const small = Array.from({ length: 300 }, (_, i) => 4 + ((i * 7919) % 20_000));
    expect((await round(small)).every(Boolean)).toBe(true);
    const rtt = await session.ping();
    expect(rtt).toBeGreaterThanOrEqual(0);
    expect(session.streamCount).toBe(0);
    const report = await finish();
    expect(report).toMatchObject({ accepted: 310, pingError: '', goStreamsLeft: 0 });
    expect(report.pingRttsMs).toHaveLength(3); // Go pinged us three times and we answered
    expect(session.pendingPings).toBe(0);
  });
});
