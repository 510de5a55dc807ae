// The sidecar's HTTP side: health, metrics (Prometheus text and Spinnaker JSON) and the Argo CD
// notifications webhook, which is mounted, not implemented, here.
import { createServer, type IncomingMessage, type RequestListener, type Server, type ServerResponse } from 'node:http';
import type { MetricsRegistry } from './metrics.js';

export const SYNC_EVENTS_PATH = '/v1/argocd/sync-events';

export interface HttpDeps {
  metrics: MetricsRegistry;
  /** Healthy while the gRPC socket is bound and not draining. */
  healthy: () => boolean;
  syncWebhook?: RequestListener;
}

function send(res: ServerResponse, code: number, type: string, body: string): void {
  res.writeHead(code, { 'content-type': type, 'content-length': Buffer.byteLength(body) });
  res.end(body);
}

export function createHttpHandler(deps: HttpDeps): (req: IncomingMessage, res: ServerResponse) => void {
  return (req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    try {
      if (path === SYNC_EVENTS_PATH) {
        if (req.method !== 'POST') return send(res, 405, 'text/plain', `${SYNC_EVENTS_PATH} accepts POST only\n`);
        if (!deps.syncWebhook) return send(res, 503, 'text/plain', 'sync webhook handler not configured\n');
        return deps.syncWebhook(req, res);
      }
      if (req.method !== 'GET' && req.method !== 'HEAD') return send(res, 405, 'text/plain', 'method not allowed\n');
      if (path === '/healthz') {
        return deps.healthy() ? send(res, 200, 'text/plain', 'ok\n') : send(res, 503, 'text/plain', 'draining\n');
      }
      if (path === '/metrics') return send(res, 200, 'text/plain; version=0.0.4', deps.metrics.toPrometheus());
      if (path === '/metrics.json') return send(res, 200, 'application/json', JSON.stringify(deps.metrics.toSpinnaker()));
      send(res, 404, 'text/plain', `no route for ${path}\n`);
    } catch (err) {
      if (!res.headersSent) send(res, 500, 'text/plain', `internal error: ${(err as Error).message}\n`);
      else res.destroy();
    }
  };
}

/** `host:port` with a literal address; in a pod the webhook needs 0.0.0.0 or the pod IP, tests use 127.0.0.1. */
export function parseListen(value: string): { host: string; port: number } {
  const m = /^(\d{1,3}(?:\.\d{1,3}){3}|localhost|\[[0-9a-fA-F:]+\]):(\d{1,5})$/.exec(value);
  const port = m ? Number(m[2]) : NaN;
  if (!m || port > 65535) throw new Error(`--http-listen must be ADDRESS:PORT such as 127.0.0.1:8090, got ${JSON.stringify(value)}`);
  const host = m[1] as string;
  return { host: host.startsWith('[') ? host.slice(1, -1) : host, port };
}

export async function listenHttp(handler: RequestListener, listen: string): Promise<Server> {
  const { host, port } = parseListen(listen);
  const server = createServer(handler);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  return server;
}
