// A short-lived process (the generate CLI under Argo CD, which waits for the plugin process to exit) must exit soon
// after shutdown even when the collector accepts TCP and never answers: no pending export RPC may keep it alive.
// Runs the built modules (dist/, made by `npm run build`, which `npm test` runs first) in a real child node process.
import { spawn } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { createServer, type Socket } from 'node:net';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { REPO } from '../notifications/fixtures.js';

function built(module: string): string {
  const js = join(REPO, 'dist', `${module}.js`);
  const ts = join(REPO, `${module}.ts`);
  if (!existsSync(js) || statSync(js).mtimeMs < statSync(ts).mtimeMs) {
    throw new Error(`${js} is missing or older than ${ts}: run \`npm run build\` first`);
  }
  return pathToFileURL(js).href;
}

describe('process exit with a hung collector', () => {
  it('a CLI-like process records a span, shuts down and exits with code 0', async () => {
    const tracing = built('telemetry/tracing');
    const generation = built('telemetry/generation');
    const sockets: Socket[] = [];
    const blackHole = createServer((s) => {
      sockets.push(s);
      s.on('error', () => undefined);
    });
    const port = await new Promise<number>((resolve) =>
      blackHole.listen(0, '127.0.0.1', () => resolve((blackHole.address() as { port: number }).port)),
    );
    const script = `
      const { startTracing } = await import(${JSON.stringify(tracing)});
      const { recordGeneration } = await import(${JSON.stringify(generation)});
      const t = startTracing({ serviceName: 'exit-test' });
      recordGeneration(t.tracer, { input: { appDir: '/a/web', env: {} }, startTime: Date.now() - 1, endTime: Date.now(), mode: 'generate' });
      const before = performance.now();
      await t.shutdown();
      process.stdout.write(JSON.stringify({ shutdownMs: performance.now() - before, failures: t.exportFailures(), at: performance.now() }) + '\\n');
    `;
    try {
      const started = performance.now();
      const child = spawn(process.execPath, ['--input-type=module', '-e', script], {
        env: {
          PATH: process.env.PATH ?? '',
          OTEL_TRACES_EXPORTER: 'otlp',
          OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: `http://127.0.0.1:${port}`,
          ARGO_OTEL_FLUSH_TIMEOUT_MS: '1000',
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
      child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
      const code = await new Promise<number | null>((resolve) => {
        // Bounded: a hang fails the test instead of blocking the suite.
        const guard = setTimeout(() => child.kill('SIGKILL'), 60_000);
        child.on('exit', (c) => {
          clearTimeout(guard);
          resolve(c);
        });
      });
      const wallMs = performance.now() - started;
      expect({ code, stderr: code === 0 ? '' : stderr }).toEqual({ code: 0, stderr: '' });
      const report = JSON.parse(stdout.trim()) as { shutdownMs: number; failures: number; at: number };
      console.log(
        `hung collector: shutdown ${report.shutdownMs.toFixed(0)} ms, process wall time ${wallMs.toFixed(0)} ms, exit ${(wallMs - report.at).toFixed(0)} ms after shutdown returned ` +
          `(flush budget 1000 ms; exporter deadline capped to it), export failures ${report.failures}`,
      );
      expect(report.failures).toBeGreaterThanOrEqual(1);
      expect(sockets.length).toBeGreaterThanOrEqual(1);
    } finally {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => blackHole.close(() => resolve()));
    }
  });
});
