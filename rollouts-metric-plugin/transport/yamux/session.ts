// A hashicorp/yamux v0.1.1 session over any Duplex (unix socket, TCP, in-memory pair), in either role.
// The plugin side is the yamux server: it accepts the host's odd stream ids and would open even ones.
import { EventEmitter } from 'node:events';
import type { Duplex } from 'node:stream';
import { FrameAssembler } from './frame-assembler.js';
import {
  Flag,
  FrameType,
  GoAwayCode,
  INITIAL_STREAM_WINDOW,
  describeHeader,
  encodeHeader,
  type FrameHeader,
} from './frame.js';
import {
  YamuxError,
  YamuxPeerGoAwayError,
  YamuxProtocolError,
  YamuxRemoteGoAwayError,
  YamuxSessionClosedError,
  YamuxTimeoutError,
} from './errors.js';
import { YamuxStream, type StreamHost } from './stream.js';

export interface YamuxOptions {
  role: 'server' | 'client';
  /** Go DefaultConfig: 30 s. 0 turns keepalive pings off. */
  keepaliveIntervalMs?: number;
  /** How long a ping (and so a keepalive) may wait for its ACK; Go's ConnectionWriteTimeout, 10 s. */
  keepaliveTimeoutMs?: number;
  /** Per-stream window; the wire protocol starts every stream at 256 KiB, so this is the maximum. */
  maxStreamWindow?: number;
  /** Inbound streams queued while nobody listens for 'stream'; beyond it they are RST, as in Go. */
  acceptBacklog?: number;
}

export interface YamuxSessionStats {
  pingsAnswered: number;
  keepalivesSent: number;
  streamsAccepted: number;
  streamsOpened: number;
  framesDiscarded: number;
}

interface PendingPing {
  readonly started: number;
  readonly resolve: (rttMs: number) => void;
  readonly reject: (error: Error) => void;
  readonly timer: NodeJS.Timeout | undefined;
}

export class YamuxSession extends EventEmitter {
  private readonly streams = new Map<number, YamuxStream>();
  private readonly backlog: YamuxStream[] = [];
  private readonly pings = new Map<number, PendingPing>();
  private readonly drainWaiters = new Set<YamuxStream>();
  private readonly assembler: FrameAssembler;
  private readonly host: StreamHost;
  private readonly keepaliveIntervalMs: number;
  private readonly keepaliveTimeoutMs: number;
  private readonly windowSize: number;
  private readonly acceptBacklog: number;
  private readonly ourParity: 0 | 1;
  private nextStreamId: number;
  private highestPeerStreamId = 0;
  private nextPingId = 0;
  private keepaliveTimer: NodeJS.Timeout | undefined;
  private localGoAway = false;
  private remoteGoAway = false;
  private isClosed = false;
  private closeError: Error | undefined;
  readonly stats: YamuxSessionStats = {
    pingsAnswered: 0,
    keepalivesSent: 0,
    streamsAccepted: 0,
    streamsOpened: 0,
    framesDiscarded: 0,
  };

  constructor(
    private readonly conn: Duplex,
    options: YamuxOptions,
  ) {
    super();
    if (options.role !== 'server' && options.role !== 'client') {
      throw new TypeError(`yamux: role must be 'server' or 'client', got ${String(options.role)}`);
    }
    this.keepaliveIntervalMs = nonNegative('keepaliveIntervalMs', options.keepaliveIntervalMs ?? 30_000);
    this.keepaliveTimeoutMs = nonNegative('keepaliveTimeoutMs', options.keepaliveTimeoutMs ?? 10_000);
    this.windowSize = nonNegative('maxStreamWindow', options.maxStreamWindow ?? INITIAL_STREAM_WINDOW);
    if (this.windowSize < INITIAL_STREAM_WINDOW || this.windowSize > 0xffff_ffff) {
      // Go's VerifyConfig refuses windows below the protocol's initial 256 KiB too.
      throw new RangeError(`yamux: maxStreamWindow must be between ${INITIAL_STREAM_WINDOW} and 2^32-1, got ${this.windowSize}`);
    }
    this.acceptBacklog = nonNegative('acceptBacklog', options.acceptBacklog ?? 256);
    // Go: clients open odd ids from 1, servers even ids from 2.
    this.nextStreamId = options.role === 'client' ? 1 : 2;
    this.ourParity = options.role === 'client' ? 1 : 0;
    this.host = {
      sendFrame: (type, flags, id, length, payload) => this.sendFrame(type, flags, id, length, payload),
      canWrite: () => !this.conn.writableNeedDrain,
      waitForDrain: (stream) => this.drainWaiters.add(stream),
      forget: (stream) => this.forget(stream),
    };
    this.assembler = new FrameAssembler({
      onHeader: (h) => this.onHeader(h),
      onFrame: (h, payload) => this.onFrame(h, payload),
    });
    conn.on('data', this.onConnData);
    conn.on('drain', this.onConnDrain);
    conn.on('end', this.onConnEnd);
    conn.on('close', this.onConnEnd);
    conn.on('error', this.onConnError);
    // Streams that arrive before anyone listens wait in the backlog; deliver them once a listener appears.
    this.on('newListener', this.onNewListener);
    this.scheduleKeepalive();
  }

  get closed(): boolean {
    return this.isClosed;
  }

  /** Streams the session still tracks (open, half-closed, or waiting in the accept backlog). */
  get streamCount(): number {
    return this.streams.size;
  }

  /** Pings waiting for their ACK. */
  get pendingPings(): number {
    return this.pings.size;
  }

  /** Why the session closed, if it closed on an error. */
  get error(): Error | undefined {
    return this.closeError;
  }

  openStream(): YamuxStream {
    if (this.isClosed) throw new YamuxSessionClosedError('yamux: cannot open a stream: session is closed', { cause: this.closeError });
    if (this.remoteGoAway) throw new YamuxRemoteGoAwayError();
    const id = this.nextStreamId;
    if (id >= 0xffff_ffff - 1) throw new YamuxError('yamux: streams exhausted');
    this.nextStreamId += 2;
    const stream = new YamuxStream(this.host, id, this.windowSize, true);
    this.streams.set(id, stream);
    this.stats.streamsOpened++;
    // Go's OpenStream announces the stream at once with WindowUpdate{SYN}; the delta is 0 for a 256 KiB window.
    this.sendFrame(FrameType.WindowUpdate, Flag.SYN, id, stream.openingWindowDelta());
    return stream;
  }

  ping(): Promise<number> {
    if (this.isClosed) return Promise.reject(new YamuxSessionClosedError('yamux: cannot ping: session is closed'));
    const id = this.nextPingId;
    this.nextPingId = (id + 1) >>> 0;
    return new Promise<number>((resolve, reject) => {
      const timer =
        this.keepaliveTimeoutMs > 0
          ? setTimeout(() => {
              this.pings.delete(id);
              reject(new YamuxTimeoutError(`yamux: ping ${id} got no reply within ${this.keepaliveTimeoutMs} ms`));
            }, this.keepaliveTimeoutMs).unref()
          : undefined;
      this.pings.set(id, { started: performance.now(), resolve, reject, timer });
      this.sendFrame(FrameType.Ping, Flag.SYN, 0, id);
    });
  }

  /** Tells the peer we accept no more streams; its later SYNs get RST. Existing streams keep working. */
  goAway(code: number = GoAwayCode.Normal): void {
    this.localGoAway = true;
    this.sendFrame(FrameType.GoAway, 0, 0, code);
  }

  close(): void {
    this.shutdown(undefined);
  }

  // ---- inbound frames ----------------------------------------------------------------------------------------

  private readonly onConnData = (chunk: Buffer | string): void => {
    if (this.isClosed) return;
    try {
      this.assembler.push(typeof chunk === 'string' ? Buffer.from(chunk) : chunk);
    } catch (err) {
      if (err instanceof YamuxPeerGoAwayError) return this.shutdown(err); // the peer is already gone: no reply
      const protocol = err instanceof YamuxProtocolError;
      const error = err instanceof Error ? err : new YamuxError(`yamux: ${String(err)}`);
      this.sendGoAwayAndClose(protocol ? GoAwayCode.ProtocolError : GoAwayCode.InternalError, error);
    }
  };

  /** Runs before a Data payload is buffered, so nothing beyond the window is ever held. */
  private onHeader(h: FrameHeader): boolean {
    if (this.isClosed) return false; // a handler closed the session mid-chunk: ignore the rest
    if (h.type !== FrameType.Data) return true;
    if (h.streamId === 0) throw new YamuxProtocolError(`yamux: Data frame on stream 0 (${describeHeader(h)})`);
    if ((h.flags & Flag.SYN) !== 0 && !this.incomingStream(h.streamId)) return this.discard();
    const stream = this.streams.get(h.streamId);
    if (stream === undefined) {
      this.checkStreamExisted(h);
      return this.discard(); // a stream we already closed or reset: Go discards such data too
    }
    if (!stream.acceptsData() && (h.length > 0 || (h.flags & Flag.FIN) !== 0)) {
      stream.abort(`yamux: data after FIN on stream ${h.streamId}`);
      return this.discard();
    }
    if (!stream.fitsWindow(h.length)) {
      throw new YamuxProtocolError(
        `yamux: recv window exceeded on stream ${h.streamId}: ${h.length} bytes sent, window allows fewer`,
      );
    }
    return true;
  }

  private onFrame(h: FrameHeader, payload: Buffer): void {
    switch (h.type) {
      case FrameType.Data:
        return this.onStreamFrame(h, payload);
      case FrameType.WindowUpdate:
        if (h.streamId === 0) throw new YamuxProtocolError(`yamux: WindowUpdate on stream 0 (${describeHeader(h)})`);
        if ((h.flags & Flag.SYN) !== 0 && !this.incomingStream(h.streamId)) return;
        return this.onStreamFrame(h, payload);
      case FrameType.Ping:
        return this.onPing(h);
      case FrameType.GoAway:
        return this.onGoAway(h);
    }
  }

  private onStreamFrame(h: FrameHeader, payload: Buffer): void {
    const stream = this.streams.get(h.streamId);
    if (stream === undefined) {
      this.checkStreamExisted(h);
      this.stats.framesDiscarded++;
      return;
    }
    let violation: string | undefined;
    try {
      if (h.type === FrameType.Data) {
        stream.receive(payload);
      } else if (!stream.windowUpdate(h.length)) {
        throw new YamuxProtocolError(`yamux: window update overflows the send window on stream ${h.streamId}`);
      }
      violation = stream.applyFlags(h.flags & ~Flag.SYN);
    } catch (err) {
      if (err instanceof YamuxError) throw err;
      // Our 'data'/'end' events run the reader's code synchronously; if it throws, only its stream pays.
      violation = `yamux: reader of stream ${h.streamId} threw: ${errorMessage(err)}`;
    }
    if (violation !== undefined) stream.abort(violation);
  }

  /** Registers a stream the peer opened and ACKs it at once. False if it was refused (RST sent). */
  private incomingStream(id: number): boolean {
    if (id % 2 === this.ourParity) {
      throw new YamuxProtocolError(`yamux: peer opened stream ${id}, which has our id parity`);
    }
    if (this.streams.has(id)) throw new YamuxProtocolError(`yamux: duplicate stream initiated: ${id}`);
    // Counted even when refused: the peer may write on it before our RST arrives, and that data is discarded
    // (as Go does), not taken for a frame on a stream that never existed.
    if (id > this.highestPeerStreamId) this.highestPeerStreamId = id;
    if (this.localGoAway || this.backlog.length >= this.acceptBacklog) {
      this.sendFrame(FrameType.WindowUpdate, Flag.RST, id, 0);
      return false;
    }
    const stream = new YamuxStream(this.host, id, this.windowSize, false);
    this.streams.set(id, stream);
    this.stats.streamsAccepted++;
    // Go ACKs only when the application calls Accept; we ACK at once so the host's 75 s open timeout can't fire.
    this.sendFrame(FrameType.WindowUpdate, Flag.ACK, id, stream.openingWindowDelta());
    if (this.listenerCount('stream') > 0) this.deliver(stream);
    else this.backlog.push(stream);
    return true;
  }

  /** A throwing 'stream' handler resets its own stream, not the session. */
  private deliver(stream: YamuxStream): void {
    try {
      this.emit('stream', stream);
    } catch (err) {
      stream.abort(`yamux: 'stream' handler for stream ${stream.id} threw: ${errorMessage(err)}`);
    }
  }

  /** Frames for ids that were never opened are garbage, not a late frame for a closed stream. */
  private checkStreamExisted(h: FrameHeader): void {
    const ours = h.streamId % 2 === this.ourParity;
    const neverOpened = ours ? h.streamId >= this.nextStreamId : h.streamId > this.highestPeerStreamId;
    if (neverOpened) {
      throw new YamuxProtocolError(`yamux: frame for stream ${h.streamId}, which was never opened (${describeHeader(h)})`);
    }
  }

  private discard(): false {
    this.stats.framesDiscarded++;
    return false;
  }

  private onPing(h: FrameHeader): void {
    if ((h.flags & Flag.SYN) !== 0) {
      this.stats.pingsAnswered++;
      this.sendFrame(FrameType.Ping, Flag.ACK, 0, h.length);
      return;
    }
    const pending = this.pings.get(h.length);
    if (pending === undefined) return; // late reply to a ping that timed out
    this.pings.delete(h.length);
    if (pending.timer) clearTimeout(pending.timer);
    pending.resolve(performance.now() - pending.started);
  }

  private onGoAway(h: FrameHeader): void {
    switch (h.length) {
      case GoAwayCode.Normal:
        this.remoteGoAway = true;
        return;
      case GoAwayCode.ProtocolError:
        throw new YamuxPeerGoAwayError('yamux: peer sent GoAway: protocol error');
      case GoAwayCode.InternalError:
        throw new YamuxPeerGoAwayError('yamux: peer sent GoAway: internal error');
      default:
        throw new YamuxPeerGoAwayError(`yamux: peer sent GoAway with unexpected code ${h.length}`);
    }
  }

  // ---- outbound ----------------------------------------------------------------------------------------------

  private sendFrame(type: FrameType, flags: number, streamId: number, length: number, payload?: Buffer): void {
    if (this.isClosed || !this.conn.writable) return;
    const header = encodeHeader(type, flags, streamId, length);
    if (payload === undefined || payload.length === 0) {
      this.conn.write(header);
    } else if (payload.length <= 16 * 1024) {
      this.conn.write(Buffer.concat([header, payload]));
    } else {
      this.conn.cork();
      this.conn.write(header);
      this.conn.write(payload);
      this.conn.uncork();
    }
  }

  private readonly onConnDrain = (): void => {
    const waiting = [...this.drainWaiters];
    this.drainWaiters.clear();
    for (const stream of waiting) {
      if (this.conn.writableNeedDrain) {
        this.drainWaiters.add(stream);
      } else {
        stream.resumeWrite();
      }
    }
  };

  private scheduleKeepalive(): void {
    if (this.keepaliveIntervalMs === 0 || this.isClosed) return;
    this.keepaliveTimer = setTimeout(() => {
      this.keepaliveTimer = undefined;
      this.stats.keepalivesSent++;
      this.ping().then(
        () => this.scheduleKeepalive(),
        (err: unknown) => {
          if (!this.isClosed) this.shutdown(new YamuxTimeoutError('yamux: keepalive timeout', { cause: err }));
        },
      );
    }, this.keepaliveIntervalMs).unref();
  }

  // ---- teardown ----------------------------------------------------------------------------------------------

  private readonly onNewListener = (event: string | symbol): void => {
    if (event !== 'stream' || this.backlog.length === 0) return;
    // The listener is added right after this event fires, so hand the backlog over on the next tick.
    process.nextTick(() => {
      while (this.backlog.length > 0 && this.listenerCount('stream') > 0) {
        const stream = this.backlog.shift() as YamuxStream;
        if (!stream.destroyed) this.deliver(stream);
      }
    });
  };

  private forget(stream: YamuxStream): void {
    if (this.streams.get(stream.id) === stream) this.streams.delete(stream.id);
    this.drainWaiters.delete(stream);
    const queued = this.backlog.indexOf(stream);
    if (queued >= 0) this.backlog.splice(queued, 1);
  }

  private readonly onConnEnd = (): void => {
    this.shutdown(undefined);
  };

  private readonly onConnError = (err: Error): void => {
    // The host ends a session by closing the socket, without GoAway; a write racing that close is not an error.
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'EPIPE' || code === 'ECONNRESET') return this.shutdown(undefined);
    this.shutdown(new YamuxSessionClosedError(`yamux: connection error: ${err.message}`, { cause: err }));
  };

  private sendGoAwayAndClose(code: number, error: Error): void {
    this.sendFrame(FrameType.GoAway, 0, 0, code);
    this.shutdown(error);
  }

  private shutdown(error: Error | undefined): void {
    if (this.isClosed) return;
    this.isClosed = true;
    this.closeError = error;
    if (this.keepaliveTimer) clearTimeout(this.keepaliveTimer);
    this.keepaliveTimer = undefined;
    const closedError = new YamuxSessionClosedError(
      error ? `yamux: session closed: ${error.message}` : 'yamux: session shutdown',
      { cause: error },
    );
    for (const ping of this.pings.values()) {
      if (ping.timer) clearTimeout(ping.timer);
      ping.reject(closedError);
    }
    this.pings.clear();
    const streams = [...this.streams.values()];
    this.streams.clear();
    this.backlog.length = 0;
    this.drainWaiters.clear();
    for (const stream of streams) stream.closeWithSession(error);
    this.conn.off('data', this.onConnData);
    this.conn.off('drain', this.onConnDrain);
    this.conn.off('end', this.onConnEnd);
    this.conn.off('close', this.onConnEnd);
    this.off('newListener', this.onNewListener);
    // Keep swallowing late socket errors (EPIPE after our end()) so they never become uncaught.
    if (this.conn.listenerCount('error') > 1) this.conn.off('error', this.onConnError);
    else {
      this.conn.off('error', this.onConnError);
      this.conn.on('error', ignore);
    }
    if (!this.conn.destroyed) this.conn.end(() => this.conn.destroy());
    this.emit('close', error);
  }
}

function ignore(): void {}

function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

function nonNegative(name: string, value: number): number {
  if (!Number.isInteger(value) || value < 0) throw new RangeError(`yamux: ${name} must be a non-negative integer, got ${value}`);
  return value;
}
