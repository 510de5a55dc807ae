// Shared by the telemetry and notifications peer tests: run code with OTEL_* env set, restoring it afterwards.
export async function withEnv<T>(vars: Record<string, string | undefined>, fn: () => Promise<T>): Promise<T> {
  const saved = new Map(Object.keys(vars).map((k) => [k, process.env[k]]));
  for (const [k, v] of Object.entries(vars)) {
    if (v === undefined) delete process.env[k];
    else process.env[k] = v;
  }
  try {
    return await fn();
  } finally {
    for (const [k, v] of saved) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  }
}

/** Env that points startTracing at one OTLP endpoint and clears anything inherited that would change the result. */
export function otlpEnv(endpoint: string, extra: Record<string, string | undefined> = {}): Record<string, string | undefined> {
  return {
    OTEL_SDK_DISABLED: undefined,
    OTEL_TRACES_EXPORTER: 'otlp',
    OTEL_EXPORTER_OTLP_ENDPOINT: undefined,
    OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: endpoint,
    OTEL_EXPORTER_OTLP_INSECURE: undefined,
    OTEL_EXPORTER_OTLP_HEADERS: undefined,
    OTEL_EXPORTER_OTLP_TRACES_HEADERS: undefined,
    OTEL_EXPORTER_OTLP_TIMEOUT: undefined,
    OTEL_EXPORTER_OTLP_TRACES_TIMEOUT: undefined,
    OTEL_SERVICE_NAME: undefined,
    OTEL_RESOURCE_ATTRIBUTES: undefined,
    ARGO_OTEL_FLUSH_TIMEOUT_MS: undefined,
    ...extra,
  };
}
