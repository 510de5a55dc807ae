// Wires the CMP service onto a grpc-js server bound to the plugin socket, plus the optional HTTP side, and
// knows how to drain: stop accepting, let in-flight generations finish, then remove the socket.
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { RequestListener, Server as HttpServer } from 'node:http';
import { Server, ServerCredentials } from '@grpc/grpc-js';
import { createHttpHandler, listenHttp } from './http.js';
import { MetricsRegistry } from './metrics.js';
import { pluginServiceDefinition } from './protocol.js';
import { createCmpService, type CmpServiceConfig } from './service.js';
import { prepareSocketPath } from './socket.js';
import { resetWorkRoot } from './workdir.js';

export interface CmpServerOptions extends Omit<CmpServiceConfig, 'workRoot' | 'onInvocation'> {
  socketPath: string;
  /** Parent of the per-request dirs (ARGOCD_CMP_WORKDIR || os.tmpdir()). */
  workDir: string;
  httpListen?: string;
  syncWebhook?: RequestListener;
  applicationVersion: string;
  /** Largest gRPC message accepted (argo-cd: ARGOCD_GRPC_MAX_SIZE_MB, default 100 MiB). */
  maxMessageBytes: number;
}

export interface RunningCmpServer {
  socketPath: string;
  httpPort?: number;
  metrics: MetricsRegistry;
  /** Graceful: in-flight calls finish (up to graceMs), then everything is closed and the socket removed. */
  close(graceMs?: number): Promise<void>;
}

export async function startCmpServer(options: CmpServerOptions): Promise<RunningCmpServer> {
  const socketName = options.socketPath.split('/').pop() ?? 'plugin.sock';
  const workRoot = join(options.workDir, `_argo_otel_cmp_${socketName.replace(/\.sock$/, '')}`);
  await resetWorkRoot(workRoot);
  const metrics = new MetricsRegistry('argo-otel-cmp-server', options.applicationVersion);
  const inFlight = new Map<string, number>();
  const service = createCmpService({
    ...options,
    workRoot,
    onInFlight: (method, delta) => {
      const n = (inFlight.get(method) ?? 0) + delta;
      inFlight.set(method, n);
      metrics.setGauge('cmp.inflight', 'CMP gRPC calls in flight', { method }, n);
    },
    onInvocation: (e) => {
      const tags = { method: e.method, success: String(e.success), statusCode: e.statusCode, app: e.app };
      metrics.increment('cmp.invocations', 'CMP gRPC invocations', tags);
      metrics.increment('cmp.invocation.duration.ms', 'Cumulative CMP gRPC invocation time in ms', tags, e.durationMs);
    },
  });
  const grpcServer = new Server({
    'grpc.max_receive_message_length': options.maxMessageBytes,
    'grpc.max_send_message_length': options.maxMessageBytes,
  });
  grpcServer.addService(pluginServiceDefinition(), service);
  await prepareSocketPath(options.socketPath);
  await new Promise<void>((resolve, reject) =>
    grpcServer.bindAsync(`unix://${options.socketPath}`, ServerCredentials.createInsecure(), (err) =>
      err ? reject(new Error(`cannot listen on ${options.socketPath}: ${err.message}`)) : resolve(),
    ),
  );
  let draining = false;
  let http: HttpServer | undefined;
  if (options.httpListen) {
    try {
      http = await listenHttp(
        createHttpHandler({ metrics, healthy: () => !draining, syncWebhook: options.syncWebhook }),
        options.httpListen,
      );
    } catch (err) {
      grpcServer.forceShutdown();
      await rm(options.socketPath, { force: true });
      throw err;
    }
  }
  const address = http?.address();
  let closing: Promise<void> | undefined;
  return {
    socketPath: options.socketPath,
    httpPort: address && typeof address === 'object' ? address.port : undefined,
    metrics,
    close(graceMs = 30_000) {
      closing ??= (async () => {
        draining = true;
        await new Promise<void>((resolve) => {
          const force = setTimeout(() => {
            grpcServer.forceShutdown();
            resolve();
          }, graceMs);
          grpcServer.tryShutdown(() => {
            clearTimeout(force);
            resolve();
          });
        });
        await rm(options.socketPath, { force: true });
        if (http) {
          const closed = new Promise<void>((resolve) => http.close(() => resolve()));
          http.closeIdleConnections();
          await closed;
        }
        await rm(workRoot, { recursive: true, force: true });
      })();
      return closing;
    },
  };
}
