// Fuzzing the net/rpc request path: 100,000 mutated request streams (header definition, header, body) through the
// same decode-and-validate steps the server runs, then a smaller number through whole server sessions. Every case
// must end in a value or a typed error — never an uncaught throw of another kind, never a hang.
import { describe, expect, it } from 'vitest';
import { GobError, GobSyncDecoder } from '../gob/index.js';
import { memoryPipe } from '../yamux/memory-pipe.js';
import { MeasurementType } from '../../argo-types.js';
import { NetRpcServer } from './server.js';
import { readHeader } from './types.js';
import { seededRandom } from '../../../test/support/random.js';

function hex(text: string): Buffer {
  const parts = text.split('"');
  return Buffer.concat(parts.map((p, i) => (i % 2 === 1 ? Buffer.from(p, 'latin1') : Buffer.from(p.replace(/\s+/g, ''), 'hex'))));
}

// Real Go net/rpc request bytes (reference §5.9 / Appendix A).
const SEEDS = [
  Buffer.concat([hex('2f ff 81 03 01 01 07 "Request" 01 ff 82 00 01 02 01 0d "ServiceMethod" 01 0c 00 01 03 "Seq" 01 06 00 00 00'), hex('16 ff 82 01 11 "Plugin.InitPlugin" 00'), hex('03 10 00 00')]),
  Buffer.concat([hex('2f ff 81 03 01 01 07 "Request" 01 ff 82 00 01 02 01 0d "ServiceMethod" 01 0c 00 01 03 "Seq" 01 06 00 00 00'), hex('13 ff 82 01 0c "Control.Ping" 01 01 00'), hex('03 02 00 01')]),
  Buffer.concat([hex('2f ff 81 03 01 01 07 "Request" 01 ff 82 00 01 02 01 0d "ServiceMethod" 01 0c 00 01 03 "Seq" 01 06 00 00 00'), hex('1a ff 82 01 12 "Dispenser.Dispense" 01 02 00'), hex('1a 0c 00 17 "RpcMetricProviderPlugin"')]),
];

function mutate(random: () => number): Buffer {
  const seed = SEEDS[Math.floor(random() * SEEDS.length)] as Buffer;
  let bytes = Buffer.from(seed);
  const kind = random();
  if (kind < 0.5) {
    for (let i = 0; i < 1 + Math.floor(random() * 4); i++) bytes[Math.floor(random() * bytes.length)] = Math.floor(random() * 256);
  } else if (kind < 0.7) {
    bytes = bytes.subarray(0, Math.floor(random() * bytes.length));
  } else if (kind < 0.85) {
    const at = Math.floor(random() * bytes.length);
    const noise = Buffer.from(Array.from({ length: 1 + Math.floor(random() * 16) }, () => Math.floor(random() * 256)));
    bytes = Buffer.concat([bytes.subarray(0, at), noise, bytes.subarray(at)]);
  } else {
    bytes = Buffer.from(Array.from({ length: Math.floor(random() * 64) }, () => Math.floor(random() * 256)));
  }
  return bytes;
}

describe('net/rpc request fuzzing', () => {
  it('100,000 mutated requests: each decodes to a valid header or fails with a typed error', () => {
    const outcomes = { header: 0, gobError: 0, headerError: 0 };
    const CASES = 100_000;
    for (let seed = 1; seed <= CASES; seed++) {
      const random = seededRandom(seed);
      const decoder = new GobSyncDecoder(mutate(random), { maxMessageBytes: 1 << 16 });
      try {
        const h = readHeader(decoder.decode(), 'request');
        expect(typeof h.serviceMethod).toBe('string');
        if (!decoder.atEnd) decoder.skip(); // the body, as the server reads it before answering
        outcomes.header++;
      } catch (err) {
        if (err instanceof GobError) outcomes.gobError++;
        else if (err instanceof Error && / header (is not a struct|field \w+ is not)/.test(err.message)) outcomes.headerError++;
        else throw new Error(`seed ${seed}: untyped failure ${String(err)}`);
      }
    }
    console.log(`net/rpc fuzz: ${CASES} request cases`, JSON.stringify(outcomes));
    expect(outcomes.header + outcomes.gobError + outcomes.headerError).toBe(CASES);
    expect(outcomes.header).toBeGreaterThan(0);
    expect(outcomes.gobError).toBeGreaterThan(0);
  });

  it('2,000 mutated streams through whole server sessions: each ends with a reason, none throws', async () => {
    const service = { Run: async () => ({ type: MeasurementType, value: { Phase: 'Successful' } }), InitPlugin: async () => ({ type: MeasurementType, value: {} }) };
    let ended = 0;
    for (let seed = 1; seed <= 2000; seed++) {
      const random = seededRandom(1_000_000 + seed);
      const [a, b] = memoryPipe();
      b.on('data', () => {});
      const done = new NetRpcServer().register('Plugin', service).serve(a, { limits: { maxMessageBytes: 1 << 16 } });
      b.end(mutate(random));
      const result = await done;
      if (typeof result.ended === 'string') ended++;
    }
    expect(ended).toBe(2000);
  });
});
