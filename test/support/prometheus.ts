// Starts the real Prometheus binary (Debian's package, installed by test/setup.d/prometheus.sh) on 127.0.0.1 with
// exemplar storage, scraping the given targets every second. No fallback: if it cannot start, callers fail loudly.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface ScrapeJob {
  job: string;
  targets: string[];
}

export interface RunningPrometheus {
  url: string;
  stop(): Promise<void>;
  /** Wait until every target has been scraped successfully at least `scrapes` times. */
  waitForScrapes(scrapes?: number, timeoutMs?: number): Promise<void>;
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

export async function startPrometheus(jobs: readonly ScrapeJob[], options: { binary?: string; scrapeInterval?: string } = {}): Promise<RunningPrometheus> {
  const dir = await mkdtemp(join(tmpdir(), 'argo-otel-prom-'));
  try {
    return await launch(dir, jobs, options);
  } catch (err) {
    // Whatever failed (no free port, config not written, Prometheus not ready), nothing is left behind.
    await rm(dir, { recursive: true, force: true });
    throw err;
  }
}

async function launch(dir: string, jobs: readonly ScrapeJob[], options: { binary?: string; scrapeInterval?: string }): Promise<RunningPrometheus> {
  const port = await freePort();
  const interval = options.scrapeInterval ?? '1s';
  const config = [
    'global:',
    `  scrape_interval: ${interval}`,
    `  scrape_timeout: ${interval}`,
    'scrape_configs:',
    ...jobs.flatMap((j) => [`  - job_name: ${JSON.stringify(j.job)}`, '    static_configs:', `      - targets: ${JSON.stringify(j.targets.map((t) => t.replace(/^https?:\/\//, '')))}`]),
  ].join('\n');
  await writeFile(join(dir, 'prometheus.yml'), `${config}\n`);
  const binary = options.binary ?? process.env['ARGO_OTEL_PROMETHEUS'] ?? 'prometheus';
  const child: ChildProcess = spawn(
    binary,
    [
      `--config.file=${join(dir, 'prometheus.yml')}`,
      `--storage.tsdb.path=${join(dir, 'data')}`,
      `--web.listen-address=127.0.0.1:${port}`,
      '--enable-feature=exemplar-storage',
      '--log.level=warn',
    ],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => (stderr = (stderr + d.toString()).slice(-4000)));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const spawnError = new Promise<Error>((resolve) => child.once('error', resolve));
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 20_000;
  for (;;) {
    const early = await Promise.race([exited.then((c) => `exited with ${c}`), spawnError.then((e) => `could not start "${binary}": ${e.message} (run test/setup.sh)`), new Promise<undefined>((r) => setTimeout(r, 100, undefined))]);
    if (early) throw new Error(`prometheus ${early}: ${stderr}`);
    try {
      if ((await fetch(`${url}/-/ready`)).ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      await exited;
      throw new Error(`prometheus did not become ready within 20s: ${stderr}`);
    }
  }
  let stopped = false;
  return {
    url,
    async stop() {
      if (stopped) return;
      stopped = true;
      child.kill('SIGTERM');
      const t = setTimeout(() => child.kill('SIGKILL'), 5000);
      await exited;
      clearTimeout(t);
      await rm(dir, { recursive: true, force: true });
    },
    async waitForScrapes(scrapes = 2, timeoutMs = 30_000) {
      const until = Date.now() + timeoutMs;
      for (;;) {
        const r = (await (await fetch(`${url}/api/v1/query?query=${encodeURIComponent('min(count_over_time(up[1m]))')}`)).json()) as { data?: { result?: Array<{ value: [number, string] }> } };
        const upAll = (await (await fetch(`${url}/api/v1/query?query=${encodeURIComponent('min(up)')}`)).json()) as { data?: { result?: Array<{ value: [number, string] }> } };
        const n = Number(r.data?.result?.[0]?.value[1] ?? 0);
        const up = Number(upAll.data?.result?.[0]?.value[1] ?? 0);
        if (n >= scrapes && up === 1) return;
        if (Date.now() > until) throw new Error(`targets not scraped ${scrapes} times within ${timeoutMs} ms (min scrapes ${n}, min up ${up})`);
        await new Promise((res) => setTimeout(res, 250));
      }
    },
  };
}
