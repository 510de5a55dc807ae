// yamux frame header codec (hashicorp/yamux const.go): 12 bytes, big-endian.
import { YamuxProtocolError } from './errors.js';

export const HEADER_SIZE = 12;
export const PROTO_VERSION = 0;

export const FrameType = { Data: 0, WindowUpdate: 1, Ping: 2, GoAway: 3 } as const;
export type FrameType = (typeof FrameType)[keyof typeof FrameType];

export const Flag = { SYN: 1, ACK: 2, FIN: 4, RST: 8 } as const;

export const GoAwayCode = { Normal: 0, ProtocolError: 1, InternalError: 2 } as const;

/** Initial (and, as in Go's DefaultConfig, maximum) per-stream window in each direction. */
export const INITIAL_STREAM_WINDOW = 256 * 1024;

export interface FrameHeader {
  readonly version: number;
  readonly type: FrameType;
  readonly flags: number;
  readonly streamId: number;
  /** Data: payload size; WindowUpdate: window delta; Ping: opaque id; GoAway: code. */
  readonly length: number;
}

const TYPE_NAMES = ['Data', 'WindowUpdate', 'Ping', 'GoAway'] as const;

export function encodeHeader(type: FrameType, flags: number, streamId: number, length: number): Buffer {
  const b = Buffer.allocUnsafe(HEADER_SIZE);
  b[0] = PROTO_VERSION;
  b[1] = type;
  b.writeUInt16BE(flags, 2);
  b.writeUInt32BE(streamId >>> 0, 4);
  b.writeUInt32BE(length >>> 0, 8);
  return b;
}

/** Decodes and validates a header; a bad version or type is a session-level protocol error, as in Go. */
export function decodeHeader(b: Uint8Array, offset = 0): FrameHeader {
  if (b.length - offset < HEADER_SIZE) throw new RangeError(`yamux header needs ${HEADER_SIZE} bytes`);
  const view = new DataView(b.buffer, b.byteOffset + offset, HEADER_SIZE);
  const version = view.getUint8(0);
  if (version !== PROTO_VERSION) throw new YamuxProtocolError(`yamux: invalid protocol version ${version} (want 0)`);
  const type = view.getUint8(1);
  if (type > FrameType.GoAway) throw new YamuxProtocolError(`yamux: invalid msg type ${type}`);
  return {
    version,
    type: type as FrameType,
    flags: view.getUint16(2),
    streamId: view.getUint32(4),
    length: view.getUint32(8),
  };
}

export function describeHeader(h: FrameHeader): string {
  const flags = Object.entries(Flag)
    .filter(([, bit]) => (h.flags & bit) !== 0)
    .map(([name]) => name);
  return `${TYPE_NAMES[h.type]}${flags.length ? ' ' + flags.join('|') : ''} stream=${h.streamId} len=${h.length}`;
}
