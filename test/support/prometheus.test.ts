// The Prometheus launcher's failure paths: a start that fails says why and leaves no temp dir behind.
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { startPrometheus } from './prometheus.js';

async function inScratchTmpdir<T>(fn: (dir: string) => Promise<T>): Promise<T> {
  const scratch = await mkdtemp(join(tmpdir(), 'argo-otel-prom-test-'));
  const saved = process.env['TMPDIR'];
  process.env['TMPDIR'] = scratch;
  try {
    return await fn(scratch);
  } finally {
    if (saved === undefined) delete process.env['TMPDIR'];
    else process.env['TMPDIR'] = saved;
    await rm(scratch, { recursive: true, force: true });
  }
}

describe('startPrometheus failures', () => {
  it('a binary that cannot be started is named in the error, and its temp dir is removed', async () => {
    await inScratchTmpdir(async (scratch) => {
      const binary = join(scratch, 'no-such-prometheus');
      await expect(startPrometheus([{ job: 'x', targets: ['127.0.0.1:9'] }], { binary })).rejects.toThrow(`could not start "${binary}"`);
      expect(await readdir(scratch)).toEqual([]);
    });
  });

  it('a Prometheus that exits at once (bad flag value) reports its exit and stderr, and its temp dir is removed', async () => {
    await inScratchTmpdir(async (scratch) => {
      await expect(startPrometheus([{ job: 'x', targets: ['127.0.0.1:9'] }], { scrapeInterval: 'not-a-duration' })).rejects.toThrow(/prometheus exited with \d+/);
      expect(await readdir(scratch)).toEqual([]);
    });
  });
});
