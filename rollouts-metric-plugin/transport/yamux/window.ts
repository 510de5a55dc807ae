// Per-stream flow-control accounting, mirroring hashicorp/yamux stream.go (sendWindowUpdate / readData).

/** What the peer may still send us, and when to tell it about freed space. */
export class ReceiveWindow {
  /** Bytes the peer may still send before it must wait for an update (Go: recvWindow). */
  private remaining: number;
  /** Bytes received but not yet handed to the local reader. */
  private held = 0;

  /** Both sides assume `initial` (the protocol's 256 KiB); a larger `max` is announced with the SYN or ACK. */
  constructor(
    readonly max: number,
    initial: number = max,
  ) {
    this.remaining = Math.min(initial, max);
  }

  get available(): number {
    return this.remaining;
  }

  get buffered(): number {
    return this.held;
  }

  /** False when a Data frame of `n` bytes exceeds the window: Go's ErrRecvWindowExceeded. */
  fits(n: number): boolean {
    return n <= this.remaining;
  }

  received(n: number): void {
    if (n > this.remaining) throw new RangeError(`receive window exceeded: ${n} > ${this.remaining}`);
    this.remaining -= n;
    this.held += n;
  }

  consumed(n: number): void {
    if (n > this.held) throw new RangeError(`consumed ${n} bytes but only ${this.held} held`);
    this.held -= n;
  }

  /** Everything not yet advertised, threshold or not: Go sends it with the SYN/ACK (flags pending). */
  takeAll(): number {
    const delta = this.max - this.held - this.remaining;
    this.remaining += delta;
    return delta;
  }

  /** Go's rule: advertise the freed space only once it reaches half the window (fewer tiny updates). */
  takeUpdate(): number {
    const delta = this.max - this.held - this.remaining;
    if (delta < this.max / 2) return 0;
    this.remaining += delta;
    return delta;
  }
}

/** What we may still send to the peer. */
export class SendWindow {
  private remaining: number;

  constructor(initial: number) {
    this.remaining = initial;
  }

  get available(): number {
    return this.remaining;
  }

  take(max: number): number {
    const n = Math.min(max, this.remaining);
    this.remaining -= n;
    return n;
  }

  /** Returns false if the delta would overflow Go's uint32 window (a protocol error). */
  grow(delta: number): boolean {
    if (this.remaining + delta > 0xffff_ffff) return false;
    this.remaining += delta;
    return true;
  }
}
