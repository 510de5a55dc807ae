import type { Duplex } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { goTimeToBinary, t } from '../gob/index.js';
import { memoryPipe } from '../yamux/memory-pipe.js';
import { MeasurementType, RpcErrorType } from '../../argo-types.js';
import { createLogger } from '../../log.js';
import { NetRpcClient, ServerError } from './client.js';
import { NetRpcServer } from './server.js';
import type { Service } from './server.js';
import { EmptyStructType } from './types.js';
import { seededRandom } from '../../../test/support/random.js';

/** Hex with "quoted" ASCII inline, as the reference notes print frames. */
function hex(text: string): Buffer {
  const parts = text.split('"');
  return Buffer.concat(
    parts.map((p, i) => (i % 2 === 1 ? Buffer.from(p, 'latin1') : Buffer.from(p.replace(/\s+/g, ''), 'hex'))),
  );
}

// Go-produced request bytes (reference §5.9 / Appendix A, verified against real net/rpc).
const GO_REQUEST_DEF = hex('2f ff 81 03 01 01 07 "Request" 01 ff 82 00 01 02 01 0d "ServiceMethod" 01 0c 00 01 03 "Seq" 01 06 00 00 00');
const NIL_INTERFACE = hex('03 10 00 00');
// Golden response bytes (§5.9, each decoded by real Go encoding/gob into rpc.Response and the argo types).
const RESPONSE_DEF = hex('3a ff 81 03 01 01 08 "Response" 01 ff 82 00 01 03 01 0d "ServiceMethod" 01 0c 00 01 03 "Seq" 01 06 00 01 05 "Error" 01 0c 00 00 00');
const MEASUREMENT_DEF = hex(
  '74 ff 83 03 01 01 0b "Measurement" 01 ff 84 00 01 07 01 05 "Phase" 01 0c 00 01 07 "Message" 01 0c 00 01 09 "StartedAt" 01 ff 86 00' +
    ' 01 0a "FinishedAt" 01 ff 86 00 01 05 "Value" 01 0c 00 01 08 "Metadata" 01 ff 88 00 01 08 "ResumeAt" 01 ff 86 00 00 00',
);
const TIME_DEF = hex('10 ff 85 05 01 01 04 "Time" 01 ff 86 00 00 00');
// map[string]string as Go itself defines it: empty name (Appendix A), so CommonType goes straight to Id.
const STRING_MAP_DEF = hex('0e ff 87 04 01 02 ff 88 00 01 0c 01 0c 00 00');
const T0 = new Date('2024-01-02T03:04:05Z');
const T1 = new Date('2024-01-02T03:04:06Z');
const T_RESUME = new Date('2024-01-02T03:05:05Z');

function pipe(): { server: Duplex; peer: Duplex; received(n: number): Promise<Buffer> } {
  const [server, peer] = memoryPipe();
  let got = Buffer.alloc(0);
  const waiters: Array<() => void> = [];
  peer.on('data', (d: Buffer) => {
    got = Buffer.concat([got, d]);
    for (const w of waiters.splice(0)) w();
  });
  const received = async (n: number): Promise<Buffer> => {
    while (got.length < n) await new Promise<void>((r) => waiters.push(r));
    const out = got.subarray(0, n);
    got = got.subarray(n);
    return out;
  };
  return { server, peer, received };
}

const measurementService: Service = {
  Run: async (_body, call) =>
    call.seq === 3 || call.seq === 3n
      ? {
          type: MeasurementType,
          value: {
            Phase: 'Successful',
            StartedAt: goTimeToBinary(T0),
            FinishedAt: goTimeToBinary(T1),
            Value: '0.0123',
            Metadata: new Map([['query', 'rate(x)']]),
          },
        }
      : {
          type: MeasurementType,
          value: { Phase: 'Running', StartedAt: goTimeToBinary(T0), Metadata: new Map([['job', 'abc']]), ResumeAt: goTimeToBinary(T_RESUME) },
        },
  InitPlugin: async () => ({ type: RpcErrorType, value: {} }),
};

describe('net/rpc server codec: golden bytes', () => {
  it('answers Plugin.Run like Go: Response def, header, Measurement/Time/map defs, value — then reuses them', async () => {
    const { server, peer, received } = pipe();
    const done = new NetRpcServer().register('Plugin', measurementService).serve(server);
    peer.write(Buffer.concat([GO_REQUEST_DEF, hex('11 ff 82 01 0a "Plugin.Run" 01 03 00'), NIL_INTERFACE]));
    const first = Buffer.concat([
      RESPONSE_DEF,
      hex('11 ff 82 01 0a "Plugin.Run" 01 03 00'),
      MEASUREMENT_DEF,
      TIME_DEF,
      STRING_MAP_DEF,
      hex(
        '49 ff 84 01 0a "Successful" 02 0f 01 00 00 00 0e dd 25 74 25 00 00 00 00 ff ff 01 0f 01 00 00 00 0e dd 25 74 26 00 00 00 00 ff ff' +
          ' 01 06 "0.0123" 01 01 05 "query" 07 "rate(x)" 00',
      ),
    ]);
    expect((await received(first.length)).toString('hex')).toBe(first.toString('hex'));

    peer.write(Buffer.concat([hex('11 ff 82 01 0a "Plugin.Run" 01 04 00'), NIL_INTERFACE]));
    const second = Buffer.concat([
      hex('11 ff 82 01 0a "Plugin.Run" 01 04 00'),
      hex(
        '38 ff 84 01 07 "Running" 02 0f 01 00 00 00 0e dd 25 74 25 00 00 00 00 ff ff 03 01 03 "job" 03 "abc"' +
          ' 01 0f 01 00 00 00 0e dd 25 74 61 00 00 00 00 ff ff 00',
      ),
    ]);
    expect((await received(second.length)).toString('hex')).toBe(second.toString('hex'));
    peer.end();
    expect(await done).toEqual({ requests: 2, ended: 'eof' });
  });

  it('answers Plugin.InitPlugin on a fresh stream with exactly the bytes the Go plugin sent (Appendix A)', async () => {
    const { server, peer, received } = pipe();
    void new NetRpcServer().register('Plugin', measurementService).serve(server);
    peer.write(Buffer.concat([GO_REQUEST_DEF, hex('16 ff 82 01 11 "Plugin.InitPlugin" 00'), NIL_INTERFACE]));
    const expected = Buffer.concat([
      RESPONSE_DEF,
      hex('16 ff 82 01 11 "Plugin.InitPlugin" 00'),
      hex('26 ff 83 03 01 01 08 "RpcError" 01 ff 84 00 01 01 01 0b "ErrorString" 01 0c 00 00 00'),
      hex('03 ff 84 00'),
    ]);
    expect(expected.length).toBe(125);
    expect((await received(expected.length)).toString('hex')).toBe(expected.toString('hex'));
  });

  it('answers an unknown method the Go way: error header + struct{} body, and keeps serving', async () => {
    const { server, peer, received } = pipe();
    void new NetRpcServer().register('Plugin', measurementService).serve(server);
    // The request body (a string here) must still be read and discarded, or the next request would misparse.
    peer.write(Buffer.concat([GO_REQUEST_DEF, hex('12 ff 82 01 0b "Plugin.Nope" 01 08 00'), hex('06 0c 00 03 "abc"')]));
    const expected = Buffer.concat([
      RESPONSE_DEF,
      hex('36 ff 82 01 0b "Plugin.Nope" 01 08 01 22 "rpc: can\'t find method Plugin.Nope" 00'),
      hex('0a ff 83 03 01 02 ff 84 00 00 00'),
      hex('03 ff 84 00'),
    ]);
    expect((await received(expected.length)).toString('hex')).toBe(expected.toString('hex'));
    peer.write(Buffer.concat([hex('18 ff 82 01 11 "Plugin.InitPlugin" 01 09 00'), NIL_INTERFACE]));
    const head = hex('18 ff 82 01 11 "Plugin.InitPlugin" 01 09 00');
    // RpcError is the stream's next type id (67) now that struct{} took 66.
    const expected2 = Buffer.concat([
      head,
      hex('26 ff 85 03 01 01 08 "RpcError" 01 ff 86 00 01 01 01 0b "ErrorString" 01 0c 00 00 00'),
      hex('03 ff 86 00'),
    ]);
    expect((await received(expected2.length)).toString('hex')).toBe(expected2.toString('hex'));
  });
});

function connected(service: Service, name = 'Plugin') {
  const [a, b] = memoryPipe();
  const lines: string[] = [];
  const logger = createLogger({ level: 'debug', write: (l) => lines.push(l) });
  const done = new NetRpcServer().register(name, service).serve(a, { logger });
  return { client: new NetRpcClient(b), done, lines, serverEnd: a, clientEnd: b };
}

describe('net/rpc server codec: behaviour', () => {
  it('answers concurrent requests out of order, each matched by Seq', async () => {
    let releaseSlow!: () => void;
    const slowGate = new Promise<void>((r) => (releaseSlow = r));
    const order: string[] = [];
    const { client } = connected({
      Slow: async () => {
        await slowGate;
        order.push('slow');
        return { type: t.string, value: 'slow' };
      },
      Fast: async (body) => {
        order.push(`fast ${String(body)}`);
        return { type: t.string, value: `fast ${String(body)}` };
      },
    });
    const slow = client.call('Plugin.Slow', t.bool, true);
    const fast = await Promise.all([1, 2, 3].map((n) => client.call('Plugin.Fast', t.int, n)));
    expect(fast).toEqual(['fast 1', 'fast 2', 'fast 3']);
    expect(client.pending).toBe(1);
    releaseSlow();
    expect(await slow).toBe('slow');
    expect(order).toEqual(['fast 1', 'fast 2', 'fast 3', 'slow']);
  });

  it('keeps every response of many concurrent calls whole (one write per response)', async () => {
    const { client } = connected({
      Echo: async (body) => {
        await new Promise((r) => setImmediate(r));
        return { type: t.struct('Echoed', [['Text', t.string], ['N', t.int]]), value: { Text: `x${String(body)}`.repeat(50), N: body } };
      },
    });
    const replies = await Promise.all(Array.from({ length: 200 }, (_, i) => client.call('Plugin.Echo', t.int, i)));
    // gob omits zero values, so N is absent for 0.
    replies.forEach((r, i) => expect(r).toEqual(i === 0 ? { Text: 'x0'.repeat(50) } : { Text: `x${i}`.repeat(50), N: i }));
  });

  it('names unknown services and methods as Go does, and ill-formed names', async () => {
    const { client } = connected({ Known: async () => ({ type: EmptyStructType, value: {} }) });
    await expect(client.call('Plugin.Nope', t.bool, true)).rejects.toThrow(new ServerError("rpc: can't find method Plugin.Nope"));
    await expect(client.call('Other.Known', t.bool, true)).rejects.toThrow("rpc: can't find service Other.Known");
    await expect(client.call('NoDot', t.bool, true)).rejects.toThrow('rpc: service/method request ill-formed: NoDot');
    await expect(client.call('Plugin.constructor', t.bool, true)).rejects.toThrow("rpc: can't find method Plugin.constructor");
    expect(await client.call('Plugin.Known', t.bool, true)).toEqual({});
  });

  it('turns a handler error into the Error string, and an unencodable reply into an error too', async () => {
    const { client } = connected({
      Fails: async () => {
        throw new Error('invalid args RunArgs');
      },
      Bad: async () => ({ type: t.int, value: 'not a number' }),
      Ok: async () => ({ type: t.string, value: 'ok' }),
      BadString: async () => ({ type: t.string, value: 42 }),
    });
    await expect(client.call('Plugin.Fails', t.bool, true)).rejects.toThrow('invalid args RunArgs');
    await expect(client.call('Plugin.Bad', t.bool, true)).rejects.toThrow(/^rpc: cannot encode reply for Plugin.Bad: /);
    expect(await client.call('Plugin.Ok', t.bool, true)).toBe('ok');
    // A type already written on this stream, then a bad value of it: still an error, and the stream stays sound.
    await expect(client.call('Plugin.BadString', t.bool, true)).rejects.toThrow(/^rpc: cannot encode reply for Plugin.BadString: /);
    expect(await client.call('Plugin.Ok', t.bool, true)).toBe('ok');
    await expect(client.call('Plugin.Bad', t.bool, true)).rejects.toThrow(/^rpc: cannot encode reply/);
    expect(await client.call('Plugin.Ok', t.bool, true)).toBe('ok');
  });

  it('an unencodable very first reply (Response and its body type not yet on the wire) leaves the stream sound', async () => {
    const Nested = t.struct('Nested', [['Inner', t.struct('Inner', [['N', t.int]])]]);
    const { client } = connected({
      Bad: async () => ({ type: Nested, value: { Inner: { N: 'not a number' } } }),
      Good: async () => ({ type: Nested, value: { Inner: { N: 7 } } }),
    });
    await expect(client.call('Plugin.Bad', t.bool, true)).rejects.toThrow(/^rpc: cannot encode reply for Plugin.Bad: /);
    expect(await client.call('Plugin.Good', t.bool, true)).toEqual({ Inner: { N: 7 } });
  });

  it('client: an argument that cannot be encoded rejects that call only; the next call on the stream works', async () => {
    const { client } = connected({ Echo: async (body) => ({ type: t.int, value: body }) });
    await expect(client.call('Plugin.Echo', t.int, 'not a number')).rejects.toThrow();
    expect(client.pending).toBe(0);
    expect(await client.call('Plugin.Echo', t.int, 5)).toBe(5);
  });

  it('after the peer half-closes, still answers what is in flight, then ends', async () => {
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const { client, done } = connected({ Wait: async () => (await gate, { type: t.string, value: 'late' }) });
    const pending = client.call('Plugin.Wait', t.bool, true);
    client.close();
    release();
    expect(await pending).toBe('late');
    expect(await done).toEqual({ requests: 1, ended: 'eof' });
  });

  it('closes only this stream, with a logged reason, on bytes that are not gob', async () => {
    const [a, b] = memoryPipe();
    const lines: string[] = [];
    const done = new NetRpcServer()
      .register('Plugin', {})
      .serve(a, { logger: createLogger({ write: (l) => lines.push(l) }) });
    b.on('data', () => {});
    b.write(Buffer.from('05ff00ff00ff', 'hex'));
    const result = await done;
    expect(result.ended).toMatch(/^rpc: server cannot decode request: /);
    expect(a.destroyed).toBe(true);
    const logged = lines.map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(logged).toContainEqual(expect.objectContaining({ '@level': 'warn', '@message': 'closing rpc stream', reason: result.ended }));
  });

  it('rejects a header that is not a Request struct', async () => {
    const [a, b] = memoryPipe();
    const done = new NetRpcServer().register('Plugin', {}).serve(a);
    b.on('data', () => {});
    b.write(hex('06 0c 00 03 "abc"'));
    expect((await done).ended).toBe('rpc: server cannot decode request: request header is not a struct');
  });

  it('refuses duplicate or dotted service names', () => {
    const server = new NetRpcServer().register('Plugin', {});
    expect(() => server.register('Plugin', {})).toThrow('rpc: service already defined: Plugin');
    expect(() => server.register('a.b', {})).toThrow(/without "."/);
  });
});

describe('net/rpc server codec: hostile input', () => {
  it('ends the stream with a reason, never throws, for 300 corrupted request streams', async () => {
    const valid = Buffer.concat([GO_REQUEST_DEF, hex('11 ff 82 01 0a "Plugin.Run" 01 03 00'), NIL_INTERFACE]);
    for (let seed = 1; seed <= 300; seed++) {
      const random = seededRandom(seed);
      const bytes = Buffer.from(valid);
      // Flip a few bytes, or truncate, or append noise.
      for (let i = 0; i < 1 + Math.floor(random() * 4); i++) bytes[Math.floor(random() * bytes.length)] = Math.floor(random() * 256);
      const input = random() < 0.3 ? bytes.subarray(0, Math.floor(random() * bytes.length)) : bytes;
      const [a, b] = memoryPipe();
      b.on('data', () => {});
      const done = new NetRpcServer().register('Plugin', measurementService).serve(a, { limits: { maxMessageBytes: 1 << 16 } });
      b.end(input);
      const result = await done;
      expect(result.requests, `seed ${seed}`).toBeLessThanOrEqual(1);
      expect(typeof result.ended, `seed ${seed}`).toBe('string');
    }
  });
});
