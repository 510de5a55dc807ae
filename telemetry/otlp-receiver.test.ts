import { describe, expect, it } from 'vitest';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodeExportRequest, startOtlpReceiver } from './otlp-receiver.js';

describe('decodeExportRequest', () => {
  it('flattens resource/scope/spans and converts every AnyValue kind', () => {
    const spans = decodeExportRequest({
      resourceSpans: [
        {
          resource: { attributes: [{ key: 'service.name', value: { value: 'stringValue', stringValue: 'svc' } }] },
          scopeSpans: [
            {
              scope: { name: 'argo-otel', version: '1' },
              spans: [
                {
                  traceId: Buffer.from('0af7651916cd43dd8448eb211c80319c', 'hex'),
                  spanId: Buffer.from('b7ad6b7169203331', 'hex'),
                  name: 'x',
                  kind: 2,
                  startTimeUnixNano: '1764496800000000000',
                  endTimeUnixNano: '1764496801000000000',
                  attributes: [
                    { key: 'small', value: { value: 'intValue', intValue: '42' } },
                    { key: 'huge', value: { value: 'intValue', intValue: '9223372036854775807' } },
                    { key: 'ok', value: { value: 'boolValue', boolValue: true } },
                    { key: 'ratio', value: { value: 'doubleValue', doubleValue: 0.5 } },
                    { key: 'list', value: { value: 'arrayValue', arrayValue: { values: [{ value: 'stringValue', stringValue: 'a' }] } } },
                    { key: 'map', value: { value: 'kvlistValue', kvlistValue: { values: [{ key: 'k', value: { value: 'stringValue', stringValue: 'v' } }] } } },
                    { key: 'raw', value: { value: 'bytesValue', bytesValue: Buffer.from([1, 2]) } },
                    { key: 'empty', value: {} },
                  ],
                  links: [{ traceId: Buffer.alloc(16, 1), spanId: Buffer.alloc(8, 2), traceState: 'a=b', flags: 257 }],
                  status: { code: 2, message: 'bad' },
                },
              ],
            },
          ],
        },
      ],
    });
    expect(spans).toHaveLength(1);
    expect(spans[0]).toMatchObject({
      traceId: '0af7651916cd43dd8448eb211c80319c',
      spanId: 'b7ad6b7169203331',
      parentSpanId: '',
      startTimeUnixNano: 1764496800000000000n,
      attributes: { small: 42, huge: '9223372036854775807', ok: true, ratio: 0.5, list: ['a'], map: { k: 'v' }, raw: 'AQI=', empty: null },
      links: [{ traceId: '01'.repeat(16), spanId: '02'.repeat(8), traceState: 'a=b', attributes: {}, flags: 257 }],
      status: { code: 2, message: 'bad' },
      resource: { 'service.name': 'svc' },
      scope: { name: 'argo-otel', version: '1' },
    });
  });

  it('tolerates an empty request', () => {
    expect(decodeExportRequest({})).toEqual([]);
  });
});

describe('startOtlpReceiver address', () => {
  it.each(['0.0.0.0:4317', 'localhost:0', '10.0.0.1:4317'])('refuses non-loopback %s', async (address) => {
    await expect(startOtlpReceiver({ address })).rejects.toThrow('must be 127.0.0.1:<port> or unix');
  });
});

describe('startOtlpReceiver safety', () => {
  it('refuses to replace a file at the unix socket path that is not a socket', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'argo-otel-otlp-'));
    try {
      const path = join(dir, 'notes.txt');
      await writeFile(path, 'keep me');
      await expect(startOtlpReceiver({ address: `unix://${path}` })).rejects.toThrow('exists and is not a socket');
      expect(await readFile(path, 'utf8')).toBe('keep me');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('waitForSpans rejects with the error of a throwing predicate', async () => {
    const receiver = await startOtlpReceiver();
    try {
      await expect(
        receiver.waitForSpans(() => {
          throw new Error('predicate broke');
        }, 60_000),
      ).rejects.toThrow('predicate broke');
    } finally {
      await receiver.close();
    }
  });
});
