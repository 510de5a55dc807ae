// Seeded fuzzing: random and mutated frame streams must never crash, hang or leak. Each either keeps the session
// working or closes it with a YamuxError (after GoAway), and teardown always leaves nothing behind.
import { describe, expect, it } from 'vitest';
import { FrameAssembler } from './frame-assembler.js';
import { Flag, FrameType, type FrameHeader } from './frame.js';
import { RawPeer, frameBytes } from './raw-peer.js';
import { YamuxError } from './errors.js';
import type { YamuxStream } from './stream.js';
import { seededRandom } from '../../../test/support/random.js';

const SEED = 0x5eed_1234;
const ASSEMBLER_CASES = 40_000;
const SESSION_CASES = 60_000;

/** A seeded draw scaled to [0, n). */
function prng(seed: number): Rand {
  const next = seededRandom(seed);
  return (n) => next() * n;
}

type Rand = (n: number) => number;
const int = (r: Rand, n: number) => Math.floor(r(n));

function randomBytes(r: Rand, n: number): Buffer {
  const b = Buffer.allocUnsafe(n);
  for (let i = 0; i < n; i++) b[i] = int(r, 256);
  return b;
}

/** A plausible frame stream: SYNs, data, window updates, pings, FIN/RST, GoAway, on colliding ids. */
function plausibleFrames(r: Rand): Buffer {
  // Mostly well-formed ids (so stream logic gets exercised), sometimes ours, 0 or never-opened ones.
  const good = [1, 3, 5];
  const bad = [0, 2, 4, 7, 9];
  const parts: Buffer[] = [];
  const opened = new Set<number>();
  const count = 1 + int(r, 12);
  for (let i = 0; i < count; i++) {
    const pool = r(1) < 0.9 ? good : bad;
    const id = pool[int(r, pool.length)] ?? 1;
    if (!opened.has(id) && r(1) < 0.9) parts.push(frameBytes(FrameType.WindowUpdate, Flag.SYN, id, 0));
    opened.add(id);
    const flags = r(1) < 0.5 ? 0 : [Flag.SYN, Flag.ACK, Flag.FIN, Flag.RST, Flag.SYN | Flag.FIN][int(r, 5)] ?? 0;
    switch (int(r, 8)) {
      case 0:
        parts.push(frameBytes(FrameType.WindowUpdate, Flag.SYN, 11 + 2 * i, 0)); // a fresh stream
        break;
      case 1:
        parts.push(frameBytes(FrameType.WindowUpdate, Flag.SYN, id, 0)); // often a duplicate
        break;
      case 2:
      case 3:
        parts.push(frameBytes(FrameType.Data, flags, id, randomBytes(r, int(r, 64))));
        break;
      case 4:
        parts.push(frameBytes(FrameType.WindowUpdate, flags, id, r(1) < 0.1 ? 0xffff_ffff : int(r, 300_000)));
        break;
      case 5:
        parts.push(frameBytes(FrameType.Ping, r(1) < 0.5 ? Flag.SYN : Flag.ACK, 0, int(r, 4)));
        break;
      case 6:
        parts.push(frameBytes(FrameType.GoAway, 0, 0, r(1) < 0.9 ? 0 : int(r, 5)));
        break;
      default:
        if (r(1) < 0.3) parts.push(frameBytes(FrameType.Data, 0, id, r(1) < 0.5 ? 300_000 : int(r, 10))); // claims more
        else parts.push(frameBytes(FrameType.Data, 0, id, Buffer.alloc(int(r, 70_000)))); // a big, valid payload
    }
  }
  return Buffer.concat(parts);
}

function mutate(r: Rand, input: Buffer): Buffer {
  const b = Buffer.from(input);
  const kind = int(r, 4);
  if (kind === 0 && b.length > 0) for (let k = 1 + int(r, 4); k > 0; k--) b[int(r, b.length)] = int(r, 256);
  if (kind === 1) return b.subarray(0, int(r, b.length + 1));
  if (kind === 2) {
    const at = int(r, b.length + 1);
    return Buffer.concat([b.subarray(0, at), randomBytes(r, 1 + int(r, 16)), b.subarray(at)]);
  }
  return b;
}

function caseBytes(r: Rand): Buffer {
  const pick = r(1);
  if (pick < 0.2) return randomBytes(r, int(r, 100));
  if (pick < 0.5) return plausibleFrames(r);
  return mutate(r, plausibleFrames(r));
}

function split(r: Rand, b: Buffer): Buffer[] {
  const out: Buffer[] = [];
  let pos = 0;
  while (pos < b.length) {
    const n = 1 + int(r, Math.max(1, b.length - pos));
    out.push(b.subarray(pos, pos + n));
    pos += n;
  }
  return out;
}

/** Frames (or the error) the assembler produces for a byte stream, as a comparable string. */
function assemble(chunks: Buffer[]): string {
  const seen: string[] = [];
  const asm = new FrameAssembler({
    onHeader: (h: FrameHeader) => h.length < 1000 || h.type !== FrameType.Data,
    onFrame: (h, p) => seen.push(`${h.type}/${h.flags}/${h.streamId}/${h.length}/${p.toString('hex')}`),
  });
  try {
    for (const c of chunks) asm.push(c);
  } catch (err) {
    if (!(err instanceof YamuxError)) throw err;
    seen.push(`error: ${err.message}`);
  }
  return seen.join('\n');
}

describe('yamux fuzz', () => {
  it(`frame assembler: ${ASSEMBLER_CASES} random streams give the same frames however they are split`, () => {
    const r = prng(SEED);
    let errors = 0;
    for (let i = 0; i < ASSEMBLER_CASES; i++) {
      const bytes = caseBytes(r);
      const whole = assemble([bytes]);
      if (whole.includes('error:')) errors++;
      expect(assemble(split(r, bytes)), `case ${i}`).toBe(whole);
    }
    console.log(`yamux fuzz: assembler ${ASSEMBLER_CASES} cases (seed ${SEED.toString(16)}), ${errors} protocol errors`);
    expect(errors).toBeGreaterThan(0);
  }, 120_000);

  it(`session: ${SESSION_CASES} random/mutated streams never crash, hang or leak`, async () => {
    const r = prng(SEED + 1);
    const timersBefore = process.getActiveResourcesInfo().filter((x) => x === 'Timeout').length;
    const outcomes = { open: 0, closedWithError: 0, closedClean: 0, streams: 0, streamErrors: 0 };
    const BATCH = 500;
    for (let done = 0; done < SESSION_CASES; done += BATCH) {
      const batch: Array<{ peer: RawPeer; streams: YamuxStream[] }> = [];
      for (let i = 0; i < BATCH; i++) {
        const peer = new RawPeer({
          role: r(1) < 0.8 ? 'server' : 'client',
          keepaliveIntervalMs: r(1) < 0.5 ? 0 : 60_000,
          acceptBacklog: 1 + int(r, 4),
        });
        const streams: YamuxStream[] = [];
        const behaviour = int(r, 4);
        peer.session.on('stream', (s: YamuxStream) => {
          streams.push(s);
          s.on('error', () => outcomes.streamErrors++);
          if (behaviour === 0) s.resume();
          else if (behaviour === 1) s.pipe(s);
          else if (behaviour === 2) s.once('data', () => s.destroy());
          else s.end('bye');
        });
        if (r(1) < 0.2) {
          const mine = peer.session.openStream();
          mine.on('error', () => outcomes.streamErrors++);
          mine.write(randomBytes(r, int(r, 100)));
          streams.push(mine);
        }
        for (const chunk of split(r, caseBytes(r))) peer.send(chunk);
        batch.push({ peer, streams });
      }
      await new Promise((ok) => setImmediate(ok));
      await new Promise((ok) => setImmediate(ok));
      for (const { peer, streams } of batch) {
        const s = peer.session;
        outcomes.streams += streams.length;
        if (!s.closed) outcomes.open++;
        else if (s.error === undefined) outcomes.closedClean++;
        else {
          outcomes.closedWithError++;
          if (!(s.error instanceof YamuxError)) throw s.error; // anything else is a bug in our code
        }
        s.close();
        expect(s.streamCount).toBe(0);
        expect(s.pendingPings).toBe(0);
        expect(peer.conn.listenerCount('data')).toBe(0);
        // Every stream is destroyed, or finished at the protocol level (both FINs) with unread data left for its reader.
        expect(streams.filter((st) => !st.destroyed && !st.finished)).toEqual([]);
      }
    }
    await new Promise((ok) => setImmediate(ok));
    const timersAfter = process.getActiveResourcesInfo().filter((x) => x === 'Timeout').length;
    console.log(`yamux fuzz: session ${SESSION_CASES} cases (seed ${(SEED + 1).toString(16)}):`, JSON.stringify(outcomes));
    expect(timersAfter).toBeLessThanOrEqual(timersBefore);
    expect(outcomes.closedWithError).toBeGreaterThan(0);
    expect(outcomes.open).toBeGreaterThan(0);
  }, 300_000);
});
