import { describe, expect, it } from 'vitest';
import { FrameAssembler } from './frame-assembler.js';
import { Flag, FrameType, encodeHeader, type FrameHeader } from './frame.js';

interface Seen {
  header: FrameHeader;
  payload: string;
}

function collect(keep: (h: FrameHeader) => boolean = () => true): { seen: Seen[]; asm: FrameAssembler } {
  const seen: Seen[] = [];
  const asm = new FrameAssembler({
    onHeader: keep,
    onFrame: (header, payload) => seen.push({ header, payload: payload.toString('hex') }),
  });
  return { seen, asm };
}

function frame(type: FrameType, flags: number, id: number, payloadOrLength: Buffer | number): Buffer {
  if (typeof payloadOrLength === 'number') return encodeHeader(type, flags, id, payloadOrLength);
  return Buffer.concat([encodeHeader(type, flags, id, payloadOrLength.length), payloadOrLength]);
}

// The opening of Appendix A: SYN 1/3/5, a 99-byte Dispense request, ACKs, a ping, FIN, and an empty Data frame.
const message = Buffer.concat([
  frame(FrameType.WindowUpdate, Flag.SYN, 1, 0),
  frame(FrameType.WindowUpdate, Flag.SYN, 3, 0),
  frame(FrameType.WindowUpdate, Flag.SYN, 5, 0),
  frame(FrameType.Data, 0, 1, Buffer.from(Array.from({ length: 99 }, (_, i) => i))),
  frame(FrameType.WindowUpdate, Flag.ACK, 7, 0),
  frame(FrameType.Data, 0, 7, Buffer.from('01000000', 'hex')),
  frame(FrameType.Ping, Flag.SYN, 0, 42),
  frame(FrameType.Data, Flag.FIN, 7, Buffer.alloc(0)),
  frame(FrameType.WindowUpdate, 0, 1, 140_000),
  frame(FrameType.GoAway, 0, 0, 0),
]);

describe('FrameAssembler', () => {
  const whole = collect();
  whole.asm.push(message);

  it('decodes many frames from one chunk', () => {
    expect(whole.seen).toHaveLength(10);
    expect(whole.seen[3]?.header).toEqual({ version: 0, type: 0, flags: 0, streamId: 1, length: 99 });
    expect(whole.seen[3]?.payload).toHaveLength(198);
    expect(whole.seen[6]?.header.length).toBe(42);
  });

  it('gives the same frames for a split at every byte boundary', () => {
    for (let cut = 1; cut < message.length; cut++) {
      const { seen, asm } = collect();
      asm.push(message.subarray(0, cut));
      asm.push(message.subarray(cut));
      expect(seen, `split at ${cut}`).toEqual(whole.seen);
    }
  });

  it('gives the same frames fed one byte at a time, and for every pair of cuts', () => {
    const bytewise = collect();
    for (let i = 0; i < message.length; i++) bytewise.asm.push(message.subarray(i, i + 1));
    expect(bytewise.seen).toEqual(whole.seen);
    for (let a = 1; a < message.length; a += 7) {
      for (let b = a; b < message.length; b += 5) {
        const { seen, asm } = collect();
        asm.push(message.subarray(0, a));
        asm.push(message.subarray(a, b));
        asm.push(message.subarray(b));
        expect(seen).toEqual(whole.seen);
      }
    }
  });

  it('skips discarded payloads without buffering them', () => {
    const big = frame(FrameType.Data, 0, 9, 0xffff_fff0);
    const { seen, asm } = collect((h) => h.streamId !== 9);
    asm.push(big);
    asm.push(Buffer.alloc(1024 * 1024)); // part of the skipped payload, never held
    expect(seen).toEqual([]);
  });

  it('stops for good after an error, and reports it', () => {
    const { seen, asm } = collect();
    expect(() => asm.push(Buffer.from('020000000000000100000000', 'hex'))).toThrow(/invalid protocol version 2/);
    asm.push(message);
    expect(seen).toEqual([]);
  });
});
