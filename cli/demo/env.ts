// The environment each demo component sees. Only the standard OTEL_* variables point it at the demo's receiver;
// whatever OTEL_*/ARGOCD_* the caller's shell has set is dropped so it cannot send the demo's spans elsewhere.
const INHERITED_PREFIXES = ['OTEL_', 'ARGOCD_', 'ARGO_OTEL_'];

export function baseEnv(source: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(source)) {
    if (v !== undefined && !INHERITED_PREFIXES.some((p) => k.startsWith(p))) env[k] = v;
  }
  return env;
}

/** The standard OTEL_* variables (and gRPC's proxy exemption) that send a component's spans to the receiver (as `serviceName`, if given). */
function otelVars(endpoint: string, serviceName?: string): Record<string, string> {
  return {
    OTEL_EXPORTER_OTLP_ENDPOINT: endpoint,
    OTEL_TRACES_EXPORTER: 'otlp',
    // Batches leave every 100 ms, so the tree is complete soon after each component's last span.
    OTEL_BSP_SCHEDULE_DELAY: '100',
    // grpc-js sends even loopback calls through an http_proxy set in the caller's shell (seen: the demo fails).
    no_grpc_proxy: '127.0.0.1,localhost',
    ...(serviceName ? { OTEL_SERVICE_NAME: serviceName } : {}),
  };
}

/** Env for a child process that exports to the receiver. */
export function telemetryEnv(endpoint: string, serviceName?: string): NodeJS.ProcessEnv {
  return { ...baseEnv(), ...otelVars(endpoint, serviceName) };
}

/** Points this process's own tracers (startTracing reads process.env) at the receiver. */
export function useReceiverInProcess(endpoint: string): void {
  for (const k of Object.keys(process.env)) if (k.startsWith('OTEL_')) delete process.env[k];
  Object.assign(process.env, otelVars(endpoint));
}

/** Git with no user or system config (no signing hooks), and a fixed identity. */
export function gitEnv(): NodeJS.ProcessEnv {
  return {
    ...baseEnv(),
    GIT_CONFIG_NOSYSTEM: '1',
    GIT_CONFIG_GLOBAL: '/dev/null',
    GIT_AUTHOR_NAME: 'ci-bot',
    GIT_AUTHOR_EMAIL: 'ci-bot@example.com',
    GIT_COMMITTER_NAME: 'ci-bot',
    GIT_COMMITTER_EMAIL: 'ci-bot@example.com',
  };
}
