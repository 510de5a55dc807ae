// `argo-otel rollouts-plugin` (the process the controller spawns) and `argo-otel rollouts-sidecar` (one long-running
// server for many controller sessions, reached through the static launcher). Process edges only: wiring, signals.
import { tmpdir } from 'node:os';
import type { Tracer } from '@opentelemetry/api';
import { Command, InvalidArgumentError, Option } from 'commander';
import { METRIC_PROVIDER_PLUGIN_NAME } from './argo-types.js';
import { createLogger, parseLogLevel } from './log.js';
import type { Logger, LogLevel } from './log.js';
import { DEFAULT_CALL_TIMEOUT_MS, metricProviderService } from './provider/adapter.js';
import { startTracing } from '../telemetry/tracing.js';
import { canaryJudgeProvider } from './canary/provider.js';
import { fixedProvider } from './provider/fixed.js';
import { routeByConfigKey } from './provider/router.js';
import type { MetricProvider } from './provider/types.js';
import { METRIC_PROVIDER_HANDSHAKE, parseListenAddress } from './transport/goplugin/handshake.js';
import type { ListenAddress } from './transport/goplugin/handshake.js';
import type { PluginMap } from './transport/goplugin/session.js';
import { serveSidecar } from './transport/goplugin/sidecar.js';
import { serveStandalone } from './transport/goplugin/standalone.js';
import { guardStdout } from './transport/goplugin/stdout-guard.js';

interface CommonOptions {
  logLevel: LogLevel;
  callTimeout: number;
}

/** `lenient`: in plugin mode a bad level falls back to info; refusing to start would stick in the controller. */
function levelOption(lenient = false): Option {
  return new Option('--log-level <level>', 'trace, debug, info, warn or error (env ARGO_OTEL_LOG_LEVEL)')
    .env('ARGO_OTEL_LOG_LEVEL')
    .default('info')
    .argParser((text: string) => {
      const level = parseLogLevel(text);
      if (level) return level;
      if (lenient) return 'info';
      throw new InvalidArgumentError('expected trace, debug, info, warn or error');
    });
}

function timeoutOption(): Option {
  return new Option('--call-timeout <ms>', 'upper bound for every provider call (env ARGO_OTEL_CALL_TIMEOUT_MS)')
    .env('ARGO_OTEL_CALL_TIMEOUT_MS')
    .default(DEFAULT_CALL_TIMEOUT_MS)
    .argParser((text: string) => {
      const ms = Number(text);
      if (!Number.isInteger(ms) || ms < 1 || ms > 600_000) throw new InvalidArgumentError('expected 1..600000 ms');
      return ms;
    });
}

/** Providers by the top-level key of a metric's plugin config; any other config is the canary judge's. */
export function metricProviders(): Record<string, MetricProvider> {
  return { fixed: fixedProvider() };
}

export function metricPlugins(options: CommonOptions, logger: Logger, tracer: Tracer): PluginMap {
  const provider = routeByConfigKey(metricProviders(), canaryJudgeProvider({ tracer, logger }));
  return {
    [METRIC_PROVIDER_PLUGIN_NAME]: () => metricProviderService(provider, { callTimeoutMs: options.callTimeout, logger }),
  };
}

export function rolloutsPluginCommand(): Command {
  return new Command('rollouts-plugin')
    .description('Argo Rollouts metric plugin as the controller runs it: go-plugin handshake on stdout, net/rpc')
    .addOption(levelOption(true))
    .addOption(timeoutOption())
    // The controller passes the ConfigMap `args`; never refuse to start over them (a failed start is sticky).
    .allowUnknownOption()
    .allowExcessArguments()
    .action(async (options: CommonOptions) => {
      const guard = guardStdout();
      const logger = createLogger({ level: options.logLevel });
      // The host SIGKILLs 2 s after Quit: flush analysis spans within 1 s, then go.
      const tracing = startTracing({ serviceName: 'argo-otel-rollouts-plugin', flushTimeoutMs: 1000 });
      const exit = (code: number): void => {
        process.exitCode = code;
        void tracing.shutdown().finally(() => setImmediate(() => process.exit(code)));
      };
      // go-plugin plugins ignore SIGINT: a Ctrl-C meant for the host must not kill its plugins first.
      process.on('SIGINT', () => logger.trace('plugin received interrupt signal, ignoring'));
      process.on('uncaughtException', (err) => {
        logger.error('plugin crashed', { error: err.stack ?? err.message });
        exit(1);
      });
      let plugin: Awaited<ReturnType<typeof serveStandalone>>;
      let ready = false;
      // Registered before the handshake goes out, so a SIGTERM right after it still ends us cleanly.
      process.on('SIGTERM', () => (ready && plugin ? plugin.shutdown(0, 'SIGTERM') : exit(0)));
      plugin = await serveStandalone({
        handshake: METRIC_PROVIDER_HANDSHAKE,
        plugins: metricPlugins(options, logger, tracing.tracer),
        env: process.env,
        logger,
        tmpdir: tmpdir(),
        writeHandshake: guard.writeHandshake,
        writeStderr: (text) => void process.stderr.write(text),
        exit,
      });
      ready = true;
    });
}

interface SidecarCliOptions extends CommonOptions {
  listen: ListenAddress;
  drainTimeout: number;
}

export function rolloutsSidecarCommand(): Command {
  return new Command('rollouts-sidecar')
    .description('Argo Rollouts metric plugin as a sidecar: serves every controller session on one socket')
    .requiredOption('--listen <address>', 'unix:/path/to.sock or tcp:127.0.0.1:PORT', (text: string) => {
      try {
        return parseListenAddress(text);
      } catch (err) {
        throw new InvalidArgumentError((err as Error).message);
      }
    })
    .addOption(levelOption())
    .addOption(timeoutOption())
    .addOption(
      new Option('--drain-timeout <ms>', 'on SIGTERM, how long calls in flight may finish')
        .default(10_000)
        .argParser((text: string) => {
          const ms = Number(text);
          if (!Number.isInteger(ms) || ms < 0 || ms > 120_000) throw new InvalidArgumentError('expected 0..120000 ms');
          return ms;
        }),
    )
    .action(async (options: SidecarCliOptions) => {
      const logger = createLogger({ level: options.logLevel });
      const tracing = startTracing({ serviceName: 'argo-otel-rollouts-plugin' });
      // A failure to listen rejects here and ends the process with exit 1 (before the handler below exists).
      const sidecar = await serveSidecar({ address: options.listen, plugins: metricPlugins(options, logger, tracing.tracer), logger });
      // Once serving, one broken session must not take the others down: log and keep serving.
      process.on('uncaughtException', (err) => logger.error('unexpected error', { error: err.stack ?? err.message }));
      let stopping = false;
      const stop = (signal: string): void => {
        if (stopping) return;
        stopping = true;
        logger.info('sidecar draining', { signal, sessions: sidecar.sessions });
        void sidecar
          .stop(options.drainTimeout)
          .then(() => tracing.shutdown())
          .finally(() => process.exit(0));
      };
      process.on('SIGTERM', () => stop('SIGTERM'));
      process.on('SIGINT', () => stop('SIGINT'));
    });
}
