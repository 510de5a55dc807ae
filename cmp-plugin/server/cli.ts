// `argo-otel cmp-server`: the sidecar that takes argocd-cmp-server's place on the plugin socket.
import { tmpdir } from 'node:os';
import { Command, InvalidArgumentError, Option } from 'commander';
import { generate } from '../generate.js';
import { createSyncWebhookHandler } from '../notifications/index.js';
import { recordGeneration } from '../../telemetry/generation.js';
import { startTracing } from '../../telemetry/tracing.js';
import { ANNOUNCED_PARAMETERS } from './parameters.js';
import { DEFAULT_EXTRACT_LIMITS } from './safe-extract.js';
import { startCmpServer } from './server.js';
import type { GitPolicy } from './service.js';
import { pluginSocketPath } from './socket.js';

const MIB = 1024 * 1024;

function positiveInt(value: string): number {
  const n = Number(value);
  if (!Number.isSafeInteger(n) || n <= 0) throw new InvalidArgumentError(`expected a positive integer, got ${JSON.stringify(value)}`);
  return n;
}

export function cmpServerCommand(): Command {
  return new Command('cmp-server')
    .description('Argo CD CMP sidecar: native gRPC ConfigManagementPluginService on the plugin unix socket')
    .option('--name <name>', 'plugin name (socket <name>-<version>.sock)', 'argo-otel')
    .option('--plugin-version <version>', 'plugin version; empty for <name>.sock', 'v1')
    .option('--http-listen <host:port>', 'serve /healthz, /metrics, /metrics.json and the sync webhook on 127.0.0.1:PORT')
    .option('--discover-glob <glob>', 'enable discovery: match apps containing a file matching this glob (`**` allowed)')
    .addOption(new Option('--git <policy>', 'unpack .git: auto = only when the request has no traceparent (commit trailers needed)').choices(['auto', 'always', 'never']).default('auto'))
    .addOption(new Option('--unpack <when>', 'auto = read plain-directory apps from the archive in memory, unpack Helm/Kustomize apps; always = unpack every request, as argocd-cmp-server').choices(['auto', 'always']).default('auto'))
    .option('--preserve-file-mode', 'keep tar header file modes (default 0644/0755, as argocd-cmp-server)', false)
    .option('--max-archive-mib <n>', 'largest accepted compressed repo archive', positiveInt, 100)
    .option('--max-uncompressed-mib <n>', 'largest accepted uncompressed repo archive', positiveInt, DEFAULT_EXTRACT_LIMITS.maxUncompressedBytes / MIB)
    .option('--max-files <n>', 'most entries accepted in a repo archive', positiveInt, DEFAULT_EXTRACT_LIMITS.maxEntries)
    .option('--max-ratio <n>', 'largest accepted compression ratio (gzip bomb guard)', positiveInt, DEFAULT_EXTRACT_LIMITS.maxCompressionRatio)
    .option('--deadline-margin-ms <n>', 'stop work this long before the call deadline', positiveInt, 100)
    .option('--drain-timeout-ms <n>', 'on SIGTERM, wait this long for in-flight calls', positiveInt, 30_000)
    .action(async (opts: {
      name: string;
      pluginVersion: string;
      httpListen?: string;
      discoverGlob?: string;
      git: GitPolicy;
      unpack: 'auto' | 'always';
      preserveFileMode: boolean;
      maxArchiveMib: number;
      maxUncompressedMib: number;
      maxFiles: number;
      maxRatio: number;
      deadlineMarginMs: number;
      drainTimeoutMs: number;
    }) => {
      const tracing = startTracing({ serviceName: 'argo-otel-cmp-server' });
      const maxGrpcMib = Number(process.env['ARGOCD_GRPC_MAX_SIZE_MB'] || '100');
      const server = await startCmpServer({
        socketPath: pluginSocketPath(process.env, opts.name, opts.pluginVersion),
        workDir: process.env['ARGOCD_CMP_WORKDIR'] || tmpdir(),
        httpListen: opts.httpListen,
        syncWebhook: opts.httpListen
          ? createSyncWebhookHandler({ tracer: tracing.tracer, sharedSecret: process.env['ARGO_OTEL_WEBHOOK_SECRET'] || undefined })
          : undefined,
        applicationVersion: process.env['npm_package_version'] ?? '0.1.0',
        maxMessageBytes: (Number.isFinite(maxGrpcMib) && maxGrpcMib > 0 ? maxGrpcMib : 100) * MIB,
        generate,
        baseEnv: process.env,
        onGeneration: (event) => recordGeneration(tracing.tracer, { ...event, mode: 'cmp-server' }),
        discoveryGlob: opts.discoverGlob,
        parameters: ANNOUNCED_PARAMETERS,
        maxCompressedBytes: opts.maxArchiveMib * MIB,
        extractLimits: {
          ...DEFAULT_EXTRACT_LIMITS,
          maxUncompressedBytes: opts.maxUncompressedMib * MIB,
          maxEntries: opts.maxFiles,
          maxCompressionRatio: opts.maxRatio,
        },
        preserveFileMode: opts.preserveFileMode,
        readInPlace: opts.unpack === 'auto',
        gitPolicy: opts.git,
        deadlineMarginMs: opts.deadlineMarginMs,
      });
      process.stderr.write(
        `argo-otel cmp-server: listening on ${server.socketPath}${server.httpPort !== undefined ? `, http 127.0.0.1:${server.httpPort}` : ''}\n`,
      );
      await new Promise<void>((resolve) => {
        const stop = (signal: string) => {
          process.stderr.write(`argo-otel cmp-server: ${signal}, draining in-flight calls\n`);
          resolve();
        };
        process.once('SIGTERM', () => stop('SIGTERM'));
        process.once('SIGINT', () => stop('SIGINT'));
      });
      await server.close(opts.drainTimeoutMs);
      await tracing.shutdown();
    });
}
