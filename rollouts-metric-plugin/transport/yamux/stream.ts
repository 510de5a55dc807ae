// One yamux stream as a Node Duplex: end() = FIN, destroy() = RST. Flow control follows hashicorp/yamux stream.go.
import { Duplex } from 'node:stream';
import { Flag, FrameType, INITIAL_STREAM_WINDOW } from './frame.js';
import { ReceiveWindow, SendWindow } from './window.js';
import { YamuxSessionClosedError, YamuxStreamResetError } from './errors.js';

/** What a stream needs from its session; keeps the stream free of session internals. */
export interface StreamHost {
  sendFrame(type: FrameType, flags: number, streamId: number, length: number, payload?: Buffer): void;
  /** False while the connection's write buffer is full. */
  canWrite(): boolean;
  /** Calls `stream.resumeWrite()` once the connection drains. */
  waitForDrain(stream: YamuxStream): void;
  /** The stream is fully closed or reset: drop it from the session's table. */
  forget(stream: YamuxStream): void;
}

/** Caps one Data frame so hundreds of streams share the socket fairly. */
const MAX_DATA_FRAME = 64 * 1024;

interface PendingWrite {
  readonly buf: Buffer;
  offset: number;
  readonly callback: (error?: Error | null) => void;
}

export class YamuxStream extends Duplex {
  private readonly recvWindow: ReceiveWindow;
  private readonly sendWindow: SendWindow;
  /** Received bytes not yet handed to Node's readable buffer: they count against our receive window. */
  private readonly held: Buffer[] = [];
  private wantData = false;
  private readEnded = false;
  private pendingWrite: PendingWrite | undefined;
  private localFin = false;
  private remoteFin = false;
  private reset = false;
  private sessionClosed: Error | undefined;
  private acknowledged: boolean;

  /** @internal Created by YamuxSession only. */
  constructor(
    private readonly host: StreamHost,
    readonly id: number,
    maxWindow: number,
    openedLocally: boolean,
  ) {
    super({ allowHalfOpen: true, readableHighWaterMark: 64 * 1024, writableHighWaterMark: 64 * 1024 });
    this.recvWindow = new ReceiveWindow(maxWindow, INITIAL_STREAM_WINDOW);
    this.sendWindow = new SendWindow(INITIAL_STREAM_WINDOW);
    this.acknowledged = !openedLocally;
  }

  /** True once the peer has ACKed a stream we opened (always true for accepted streams). */
  get established(): boolean {
    return this.acknowledged;
  }

  /** True once both FINs are exchanged or the stream was reset; the session no longer tracks it. */
  get finished(): boolean {
    return this.reset || (this.localFin && this.remoteFin) || this.sessionClosed !== undefined;
  }

  // ---- called by the session -------------------------------------------------------------------------------

  /** @internal The window delta to announce with our SYN or ACK: 0 unless maxStreamWindow exceeds 256 KiB. */
  openingWindowDelta(): number {
    return this.recvWindow.takeAll();
  }

  /** @internal Window check done by the session before the payload is buffered. */
  fitsWindow(length: number): boolean {
    return this.recvWindow.fits(length);
  }

  /** @internal False if the peer already half-closed: data or FIN after FIN is a stream error. */
  acceptsData(): boolean {
    return !this.remoteFin && !this.reset;
  }

  /** @internal */
  receive(payload: Buffer): void {
    if (payload.length === 0) return;
    this.recvWindow.received(payload.length);
    this.held.push(payload);
    if (this.wantData) this.drainHeld();
  }

  /** @internal Returns false if the delta overflows the window (protocol error). */
  windowUpdate(delta: number): boolean {
    if (!this.sendWindow.grow(delta)) return false;
    if (delta > 0) this.resumeWrite();
    return true;
  }

  /** @internal ACK / FIN / RST from the peer. Returns an error message for a stream-level violation. */
  applyFlags(flags: number): string | undefined {
    if ((flags & Flag.RST) !== 0) {
      this.reset = true;
      this.host.forget(this);
      this.fail(new YamuxStreamResetError(`yamux: stream ${this.id} reset by peer`));
      return undefined;
    }
    if ((flags & Flag.ACK) !== 0) this.acknowledged = true;
    if ((flags & Flag.FIN) !== 0) {
      if (this.remoteFin) return `yamux: unexpected FIN on stream ${this.id}: already half-closed by peer`;
      this.remoteFin = true;
      if (this.localFin) this.host.forget(this);
      this.drainHeld();
    }
    return undefined;
  }

  /** @internal Stream-level protocol violation: reset only this stream. */
  abort(message: string): void {
    this.fail(new YamuxStreamResetError(message));
  }

  /**
   * @internal The session closed under us: no frames may be sent any more. As in Go (streams are force-closed and
   * Read returns EOF), a clean shutdown ends streams quietly; a failed session passes its error on.
   */
  closeWithSession(cause: Error | undefined): void {
    if (this.sessionClosed !== undefined) return;
    this.sessionClosed = new YamuxSessionClosedError(
      cause ? `yamux: session closed: ${cause.message}` : 'yamux: session shutdown',
      { cause },
    );
    if (cause === undefined) this.destroy();
    else this.fail(this.sessionClosed);
  }

  /** @internal Continue a write blocked on the window or on the connection. */
  resumeWrite(): void {
    const w = this.pendingWrite;
    if (w === undefined) return;
    while (w.offset < w.buf.length) {
      const blocked = this.writeBlocker();
      if (blocked !== undefined) {
        this.pendingWrite = undefined;
        w.callback(blocked);
        return;
      }
      if (this.sendWindow.available === 0) return; // resumed by the peer's next WindowUpdate
      if (!this.host.canWrite()) {
        this.host.waitForDrain(this);
        return;
      }
      const n = this.sendWindow.take(Math.min(w.buf.length - w.offset, MAX_DATA_FRAME));
      w.offset += n;
      this.host.sendFrame(FrameType.Data, 0, this.id, n, w.buf.subarray(w.offset - n, w.offset));
      // Over a synchronous connection the peer's WindowUpdate re-enters resumeWrite during sendFrame and may have
      // finished this write already: then it is no longer ours to complete.
      if (this.pendingWrite !== w) return;
    }
    this.pendingWrite = undefined;
    w.callback();
  }

  // ---- Duplex implementation ---------------------------------------------------------------------------------

  override _read(): void {
    this.wantData = true;
    this.drainHeld();
  }

  override _write(chunk: Buffer | string, encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    const buf = typeof chunk === 'string' ? Buffer.from(chunk, encoding) : chunk;
    this.pendingWrite = { buf, offset: 0, callback };
    this.resumeWrite();
  }

  override _final(callback: (error?: Error | null) => void): void {
    const blocked = this.writeBlocker();
    if (blocked !== undefined) return callback(blocked);
    this.localFin = true;
    this.host.sendFrame(FrameType.WindowUpdate, Flag.FIN, this.id, 0);
    if (this.remoteFin) this.host.forget(this);
    callback();
  }

  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    if (!this.finished) {
      this.reset = true;
      this.host.sendFrame(FrameType.WindowUpdate, Flag.RST, this.id, 0);
    }
    this.host.forget(this);
    this.held.length = 0;
    const w = this.pendingWrite;
    this.pendingWrite = undefined;
    w?.callback(error ?? new YamuxStreamResetError(`yamux: stream ${this.id} destroyed`));
    callback(error);
  }

  // ---- helpers -----------------------------------------------------------------------------------------------

  private writeBlocker(): Error | undefined {
    if (this.sessionClosed) return this.sessionClosed;
    if (this.reset) return new YamuxStreamResetError(`yamux: stream ${this.id} was reset`);
    return undefined;
  }

  /** Moves held bytes into Node's readable buffer as the reader asks, then advertises freed window space. */
  private drainHeld(): void {
    while (this.wantData && this.held.length > 0) {
      const chunk = this.held.shift() as Buffer;
      this.recvWindow.consumed(chunk.length);
      this.wantData = this.push(chunk);
      if (this.destroyed) return;
    }
    if (this.held.length === 0 && this.remoteFin && !this.readEnded) {
      this.readEnded = true;
      this.push(null);
    }
    if (this.remoteFin || this.finished || this.destroyed) return;
    const delta = this.recvWindow.takeUpdate();
    if (delta > 0) this.host.sendFrame(FrameType.WindowUpdate, 0, this.id, delta);
  }

  /** Errors go to 'error' only if someone listens, so a peer's RST can never become an uncaught exception. */
  private fail(error: Error): void {
    if (this.destroyed) return;
    this.destroy(this.listenerCount('error') > 0 ? error : undefined);
  }
}
