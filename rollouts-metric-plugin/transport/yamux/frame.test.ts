import { describe, expect, it } from 'vitest';
import { Flag, FrameType, decodeHeader, encodeHeader, describeHeader } from './frame.js';
import { YamuxProtocolError } from './errors.js';

// Golden headers from reference/rollouts-plugin-protocol.md Appendix A (a real host↔plugin exchange).
const golden: Array<[string, FrameType, number, number, number]> = [
  ['00 01 00 01 00 00 00 01 00 00 00 00', FrameType.WindowUpdate, Flag.SYN, 1, 0],
  ['00 01 00 02 00 00 00 01 00 00 00 00', FrameType.WindowUpdate, Flag.ACK, 1, 0],
  ['00 00 00 00 00 00 00 01 00 00 00 63', FrameType.Data, 0, 1, 99],
  ['00 01 00 04 00 00 00 05 00 00 00 00', FrameType.WindowUpdate, Flag.FIN, 5, 0],
  ['00 02 00 01 00 00 00 00 00 00 00 00', FrameType.Ping, Flag.SYN, 0, 0],
  ['00 03 00 00 00 00 00 00 00 00 00 01', FrameType.GoAway, 0, 0, 1],
  ['00 01 00 08 ff ff ff fe 00 04 00 00', FrameType.WindowUpdate, Flag.RST, 0xfffffffe, 256 * 1024],
];

describe('yamux frame header', () => {
  it.each(golden)('%s encodes and decodes', (hex, type, flags, streamId, length) => {
    const bytes = Buffer.from(hex.replaceAll(' ', ''), 'hex');
    expect(encodeHeader(type, flags, streamId, length)).toEqual(bytes);
    expect(decodeHeader(bytes)).toEqual({ version: 0, type, flags, streamId, length });
  });

  it('rejects a bad version and a bad type with errors that name them', () => {
    expect(() => decodeHeader(Buffer.from('010000000000000100000000', 'hex'))).toThrow(
      new YamuxProtocolError('yamux: invalid protocol version 1 (want 0)'),
    );
    expect(() => decodeHeader(Buffer.from('000400000000000100000000', 'hex'))).toThrow(/invalid msg type 4/);
  });

  it('describes frames readably for error messages', () => {
    expect(describeHeader({ version: 0, type: 1, flags: Flag.SYN | Flag.FIN, streamId: 3, length: 7 })).toBe(
      'WindowUpdate SYN|FIN stream=3 len=7',
    );
  });
});
