import { describe, expect, it } from 'vitest';
import { GobEncoder, GobSyncDecoder, goTimeToBinary, goTimeType, t } from './index.js';

// Byte-exact vectors from shared/reference/rollouts-plugin-protocol.md §5.9 and Appendix A (verified against Go).
const hex = (s: string): Buffer => Buffer.from(s.replace(/\s+/g, ''), 'hex');
const str = (s: string): string => Buffer.from(s, 'utf8').toString('hex');

const Time = goTimeType('Time');
const StringMap = t.map(t.string, t.string, 'map[string]string');
const Response = t.struct('Response', [['ServiceMethod', t.string], ['Seq', t.uint], ['Error', t.string]]);
const Measurement = t.struct('Measurement', [
  ['Phase', t.string], ['Message', t.string], ['StartedAt', t.ptr(Time)], ['FinishedAt', t.ptr(Time)],
  ['Value', t.string], ['Metadata', StringMap], ['ResumeAt', t.ptr(Time)],
]);
const RpcError = t.struct('RpcError', [['ErrorString', t.string]]);
const Empty = t.struct('', []);

const at = (iso: string): Date => new Date(iso);

describe('§5.9 golden vectors: one plugin→host stream, ids from 65', () => {
  const enc = new GobEncoder();
  const cases: Array<[string, () => Buffer, string]> = [
    ['def Response + hdr Plugin.Run seq=3', () => enc.encode(Response, { ServiceMethod: 'Plugin.Run', Seq: 3 }),
      '3a ff 81 03 01 01 08 52 65 73 70 6f 6e 73 65 01 ff 82 00 01 03 01 0d 53 65 72 76 69 63 65 4d 65 74 68 6f 64 01 0c 00 01 03 53 65 71 01 06 00 01 05 45 72 72 6f 72 01 0c 00 00 00'
      + '11 ff 82 01 0a 50 6c 75 67 69 6e 2e 52 75 6e 01 03 00'],
    ['defs Measurement, Time, map + value', () => enc.encode(Measurement, {
      Phase: 'Successful', StartedAt: at('2024-01-02T03:04:05Z'), FinishedAt: at('2024-01-02T03:04:06Z'), Value: '0.0123',
      Metadata: new Map([['query', 'rate(x)']]),
    }),
    '74 ff 83 03 01 01 0b 4d 65 61 73 75 72 65 6d 65 6e 74 01 ff 84 00 01 07 01 05 50 68 61 73 65 01 0c 00 01 07 4d 65 73 73 61 67 65 01 0c 00 01 09 53 74 61 72 74 65 64 41 74 01 ff 86 00 01 0a 46 69 6e 69 73 68 65 64 41 74 01 ff 86 00 01 05 56 61 6c 75 65 01 0c 00 01 08 4d 65 74 61 64 61 74 61 01 ff 88 00 01 08 52 65 73 75 6d 65 41 74 01 ff 86 00 00 00'
    + '10 ff 85 05 01 01 04 54 69 6d 65 01 ff 86 00 00 00'
    + '21 ff 87 04 01 01 11 6d 61 70 5b 73 74 72 69 6e 67 5d 73 74 72 69 6e 67 01 ff 88 00 01 0c 01 0c 00 00'
    + '49 ff 84 01 0a 53 75 63 63 65 73 73 66 75 6c 02 0f 01 00 00 00 0e dd 25 74 25 00 00 00 00 ff ff 01 0f 01 00 00 00 0e dd 25 74 26 00 00 00 00 ff ff 01 06 30 2e 30 31 32 33 01 01 05 71 75 65 72 79 07 72 61 74 65 28 78 29 00'],
    ['hdr seq=4', () => enc.encode(Response, { ServiceMethod: 'Plugin.Run', Seq: 4 }), '11 ff 82 01 0a 50 6c 75 67 69 6e 2e 52 75 6e 01 04 00'],
    ['Measurement Running (types already sent)', () => enc.encode(Measurement, {
      Phase: 'Running', StartedAt: goTimeToBinary(at('2024-01-02T03:04:05Z')), Metadata: { job: 'abc' }, ResumeAt: at('2024-01-02T03:05:05Z'),
    }), '38 ff 84 01 07 52 75 6e 6e 69 6e 67 02 0f 01 00 00 00 0e dd 25 74 25 00 00 00 00 ff ff 03 01 03 6a 6f 62 03 61 62 63 01 0f 01 00 00 00 0e dd 25 74 61 00 00 00 00 ff ff 00'],
    ['hdr InitPlugin seq=0 (Seq omitted)', () => enc.encode(Response, { ServiceMethod: 'Plugin.InitPlugin', Seq: 0 }), '16 ff 82 01 11 50 6c 75 67 69 6e 2e 49 6e 69 74 50 6c 75 67 69 6e 00'],
    ['def RpcError + RpcError{}', () => enc.encode(RpcError, {}), '26 ff 89 03 01 01 08 52 70 63 45 72 72 6f 72 01 ff 8a 00 01 01 01 0b 45 72 72 6f 72 53 74 72 69 6e 67 01 0c 00 00 00 03 ff 8a 00'],
    ['RpcError{"nope"}', () => enc.encode(RpcError, { ErrorString: 'nope' }), '09 ff 8a 01 04 6e 6f 70 65 00'],
    ['string "RPCPlugin"', () => enc.encode(t.string, 'RPCPlugin'), '0c 0c 00 09 52 50 43 50 6c 75 67 69 6e'],
    ['map {"k":"v"} reuses id 68', () => enc.encode(StringMap, new Map([['k', 'v']])), '08 ff 88 00 01 01 6b 01 76'],
    ['error response header', () => enc.encode(Response, { ServiceMethod: 'Plugin.Nope', Seq: 8, Error: "rpc: can't find method Plugin.Nope" }),
      `36 ff 82 01 0b ${str('Plugin.Nope')} 01 08 01 22 ${str("rpc: can't find method Plugin.Nope")} 00`],
    ['def struct{} + value', () => enc.encode(Empty, {}), '0a ff 8b 03 01 02 ff 8c 00 00 00 03 ff 8c 00'],
  ];
  it.each(cases.map((c, i) => [i, ...c] as const))('%i %s', (_i, _name, run, want) => {
    expect(run().toString('hex')).toBe(hex(want).toString('hex'));
  });
});

describe('Go-produced bodies (fresh streams) — encoder matches byte for byte', () => {
  it.each([
    ['bool true', t.bool, true, '03 02 00 01'],
    ['uint32 1', t.uint, 1, '03 06 00 01'],
    ['string', t.string, 'RpcMetricProviderPlugin', `1a 0c 00 17 ${str('RpcMetricProviderPlugin')}`],
    ['nil interface', t.iface, null, '03 10 00 00'],
  ] as const)('%s', (_n, type, value, want) => {
    expect(new GobEncoder().encode(type, value).toString('hex')).toBe(hex(want).toString('hex'));
  });

  it("Go's Request definition and header", () => {
    const Request = t.struct('Request', [['ServiceMethod', t.string], ['Seq', t.uint]]);
    const got = new GobEncoder().encode(Request, { ServiceMethod: 'Dispenser.Dispense', Seq: 0 });
    expect(got.toString('hex')).toBe(hex(`2f ff 81 03 01 01 07 ${str('Request')} 01 ff 82 00 01 02 01 0d ${str('ServiceMethod')} 01 0c 00 01 03 ${str('Seq')} 01 06 00 00 00`
      + `17 ff 82 01 12 ${str('Dispenser.Dispense')} 00`).toString('hex'));
  });
});

describe('decoding the same vectors', () => {
  it('decodes the whole §5.9 stream generically', () => {
    const enc = new GobEncoder();
    const stream = Buffer.concat([
      enc.encode(Response, { ServiceMethod: 'Plugin.Run', Seq: 3 }),
      enc.encode(Measurement, { Phase: 'Successful', StartedAt: at('2024-01-02T03:04:05Z'), Metadata: { query: 'rate(x)' } }),
      enc.encode(RpcError, {}),
      enc.encode(t.string, 'RPCPlugin'),
      enc.encode(StringMap, { k: 'v' }),
      enc.encode(Empty, {}),
    ]);
    const dec = new GobSyncDecoder(stream);
    expect(dec.decodeAll()).toEqual([
      { ServiceMethod: 'Plugin.Run', Seq: 3 },
      { Phase: 'Successful', StartedAt: new Uint8Array(goTimeToBinary(at('2024-01-02T03:04:05Z'))), Metadata: new Map([['query', 'rate(x)']]) },
      {},
      'RPCPlugin',
      new Map([['k', 'v']]),
      {},
    ]);
  });

  it('Appendix A host→plugin frames: Request def + Dispense header + string body', () => {
    const bytes = hex(`2f ff 81 03 01 01 07 ${str('Request')} 01 ff 82 00 01 02 01 0d ${str('ServiceMethod')} 01 0c 00 01 03 ${str('Seq')} 01 06 00 00 00`
      + `17 ff 82 01 12 ${str('Dispenser.Dispense')} 00 1a 0c 00 17 ${str('RpcMetricProviderPlugin')}`
      + `13 ff 82 01 0c ${str('Control.Ping')} 01 01 00 03 02 00 01`
      + `16 ff 82 01 11 ${str('Plugin.InitPlugin')} 00 03 10 00 00`);
    expect(new GobSyncDecoder(bytes).decodeAll()).toEqual([
      { ServiceMethod: 'Dispenser.Dispense' }, 'RpcMetricProviderPlugin',
      { ServiceMethod: 'Control.Ping', Seq: 1 }, true,
      { ServiceMethod: 'Plugin.InitPlugin' }, null,
    ]);
  });

  it("Appendix A: Go's unnamed map definition and struct{} reply", () => {
    const bytes = hex('0e ff 87 04 01 02 ff 88 00 01 0c 01 0c 00 00 08 ff 88 00 01 01 6b 01 76 0a ff 85 03 01 02 ff 86 00 00 00 03 ff 86 00');
    const dec = new GobSyncDecoder(bytes);
    expect(dec.decodeAll()).toEqual([new Map([['k', 'v']]), {}]);
    expect(dec.definitions.get(68)?.map).toEqual({ common: { name: '', id: 68 }, key: 6, elem: 6 });
  });
});
