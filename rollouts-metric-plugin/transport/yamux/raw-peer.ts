// The far end of an in-memory connection, speaking raw yamux frames: lets tests and fuzzers send exactly the
// bytes they want (including broken ones) and see exactly what the session answers.
import { FrameAssembler } from './frame-assembler.js';
import { encodeHeader, type FrameHeader, type FrameType } from './frame.js';
import { memoryPipe } from './memory-pipe.js';
import { YamuxSession, type YamuxOptions } from './session.js';
import type { Duplex } from 'node:stream';

export interface SeenFrame {
  readonly header: FrameHeader;
  readonly payload: Buffer;
}

export class RawPeer {
  readonly frames: SeenFrame[] = [];
  /** Every byte the session wrote, for golden comparisons. */
  readonly bytes: Buffer[] = [];
  readonly session: YamuxSession;
  readonly conn: Duplex;
  private readonly raw: Duplex;
  ended = false;

  constructor(options: YamuxOptions) {
    const [ours, theirs] = memoryPipe();
    this.conn = ours;
    this.raw = theirs;
    this.session = new YamuxSession(ours, options);
    const asm = new FrameAssembler({
      onHeader: () => true,
      onFrame: (header, payload) => this.frames.push({ header, payload: Buffer.from(payload) }),
    });
    theirs.on('data', (chunk: Buffer) => {
      this.bytes.push(Buffer.from(chunk));
      asm.push(chunk);
    });
    theirs.on('end', () => (this.ended = true));
    theirs.on('error', () => undefined);
  }

  send(bytes: Buffer): void {
    if (!this.raw.destroyed) this.raw.write(bytes);
  }

  frame(type: FrameType, flags: number, streamId: number, lengthOrPayload: number | Buffer): void {
    this.send(frameBytes(type, flags, streamId, lengthOrPayload));
  }

  /** Lets queued writes, 'data' events and nextTick work settle. */
  async settle(rounds = 3): Promise<void> {
    for (let i = 0; i < rounds; i++) await new Promise((ok) => setImmediate(ok));
  }

  /** Frames seen since the last call. */
  take(): SeenFrame[] {
    return this.frames.splice(0, this.frames.length);
  }
}

export function frameBytes(type: FrameType, flags: number, streamId: number, lengthOrPayload: number | Buffer): Buffer {
  if (typeof lengthOrPayload === 'number') return encodeHeader(type, flags, streamId, lengthOrPayload);
  return Buffer.concat([encodeHeader(type, flags, streamId, lengthOrPayload.length), lengthOrPayload]);
}
