// Turns an arbitrary byte stream (frames split at any boundary, many per chunk) into whole yamux frames.
// Hand-written because yamux-js drops partial frames (see reference/dependencies.md) and nothing else on npm
// speaks hashicorp framing over a raw socket.
import { FrameType, HEADER_SIZE, decodeHeader, type FrameHeader } from './frame.js';

export interface FrameSink {
  /**
   * Called as soon as a header is complete, before any payload is buffered, so the receiver can bound memory
   * (window checks). Return false to have a Data payload skipped without buffering. May throw to abort.
   */
  onHeader(header: FrameHeader): boolean;
  /** A whole frame; `payload` is empty for every type but Data. */
  onFrame(header: FrameHeader, payload: Buffer): void;
}

export class FrameAssembler {
  private readonly headerBuf = Buffer.alloc(HEADER_SIZE);
  private headerFill = 0;
  private current: FrameHeader | undefined;
  private keep = true;
  private remaining = 0;
  private parts: Buffer[] = [];
  private failed = false;

  constructor(private readonly sink: FrameSink) {}

  /** Feeds bytes in. Errors thrown by the sink (or header validation) propagate and stop the assembler. */
  push(chunk: Buffer): void {
    if (this.failed) return;
    try {
      this.consume(chunk);
    } catch (err) {
      this.failed = true;
      this.parts = [];
      throw err;
    }
  }

  private consume(chunk: Buffer): void {
    let pos = 0;
    while (pos < chunk.length) {
      if (this.current === undefined) {
        const take = Math.min(HEADER_SIZE - this.headerFill, chunk.length - pos);
        // Fast path: a whole header inside the chunk is decoded in place.
        if (this.headerFill === 0 && take === HEADER_SIZE) {
          this.startFrame(decodeHeader(chunk, pos));
        } else {
          chunk.copy(this.headerBuf, this.headerFill, pos, pos + take);
          this.headerFill += take;
          if (this.headerFill === HEADER_SIZE) {
            this.headerFill = 0;
            this.startFrame(decodeHeader(this.headerBuf));
          }
        }
        pos += take;
        continue;
      }
      const take = Math.min(this.remaining, chunk.length - pos);
      if (this.keep) this.parts.push(chunk.subarray(pos, pos + take));
      this.remaining -= take;
      pos += take;
      if (this.remaining === 0) this.finishFrame();
    }
  }

  private startFrame(header: FrameHeader): void {
    this.current = header;
    this.keep = this.sink.onHeader(header);
    this.remaining = header.type === FrameType.Data ? header.length : 0;
    if (this.remaining === 0) this.finishFrame();
  }

  private finishFrame(): void {
    const header = this.current;
    if (header === undefined) return;
    const parts = this.parts;
    this.current = undefined;
    this.parts = [];
    if (!this.keep) return;
    const payload = parts.length === 1 ? (parts[0] as Buffer) : Buffer.concat(parts);
    this.sink.onFrame(header, payload);
  }
}
