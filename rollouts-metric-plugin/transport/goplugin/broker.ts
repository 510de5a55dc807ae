// go-plugin's MuxBroker, server side: every stream after control/stdout/stderr starts with the 4-byte little-endian
// id a Dispense call returned; we echo it back (the host checks it: "bad ack") and then serve that plugin on it.
import type { ByteSource } from '../gob/index.js';

export const BROKER_ID_BYTES = 4;

/** Ids handed out by Dispense and not yet claimed by a stream (each id is claimed once, as in Go). */
export class DispensedIds<T> {
  readonly #waiting = new Map<number, T>();
  #next = 0;

  /** `ttlMs`: Go's MuxBroker.Accept gives up on an id after 5 s; so do we, so unclaimed ids cannot pile up. */
  constructor(
    private readonly limit = 1024,
    private readonly ttlMs = 5000,
  ) {}

  /** Go's atomic.AddUint32(&nextId, 1): 1, 2, … per session. */
  reserve(value: T): number {
    if (this.#waiting.size >= this.limit) {
      throw new Error(`too many dispensed plugins not yet connected (limit ${this.limit})`);
    }
    this.#next = (this.#next + 1) >>> 0;
    const id = this.#next;
    this.#waiting.set(id, value);
    setTimeout(() => this.#waiting.delete(id), this.ttlMs).unref();
    return id;
  }

  get waiting(): number {
    return this.#waiting.size;
  }

  claim(id: number): T | undefined {
    const value = this.#waiting.get(id);
    this.#waiting.delete(id);
    return value;
  }
}

export function encodeBrokerId(id: number): Buffer {
  const b = Buffer.alloc(BROKER_ID_BYTES);
  b.writeUInt32LE(id >>> 0);
  return b;
}

/** Reads the id, rejecting after `timeoutMs` (Go gives a dialled stream 5 s to be accepted). */
export async function readBrokerId(source: ByteSource, timeoutMs: number): Promise<number> {
  let timer: NodeJS.Timeout | undefined;
  try {
    const bytes = await Promise.race([
      source.readExactly(BROKER_ID_BYTES),
      new Promise<never>((_r, reject) => {
        timer = setTimeout(() => reject(new Error(`no broker id within ${timeoutMs} ms`)), timeoutMs);
      }),
    ]);
    return bytes.readUInt32LE(0);
  } finally {
    clearTimeout(timer);
  }
}
