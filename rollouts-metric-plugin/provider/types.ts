// The contract between the Rollouts edge (adapter: gob Measurement ⇄ verdict) and whatever decides a verdict
// (the fixed provider, the canary judge). No gob, no bytes: plain, already-validated views.

/** Phases a provider may answer. `Running` means "ask me again at resumeAt" (Resume). */
export type VerdictPhase = 'Successful' | 'Failed' | 'Inconclusive' | 'Error' | 'Running';
export const VERDICT_PHASES: readonly VerdictPhase[] = ['Successful', 'Failed', 'Inconclusive', 'Error', 'Running'];

export interface Verdict {
  phase: VerdictPhase;
  /** Display value, e.g. "0.0123" or "[0.1,0.2]". */
  value?: string;
  message?: string;
  /** Shown in the UI; travels back to Resume/Terminate, so it can carry state. */
  metadata?: Readonly<Record<string, string>>;
  /** Only with Running; the adapter supplies a default when absent. */
  resumeAt?: Date;
}

export interface AnalysisRunView {
  name: string;
  namespace: string;
  uid: string;
  labels: Readonly<Record<string, string>>;
  annotations: Readonly<Record<string, string>>;
  /** Spec.Args with values resolved by the controller (secrets included; never log them). */
  args: Readonly<Record<string, string | undefined>>;
  /** Status.StartedAt: when the analysis began (for a minimum analysis time). */
  startedAt?: Date;
}

export interface MetricView {
  name: string;
  successCondition: string;
  failureCondition: string;
  interval: string;
  /** The `provider.plugin` key (the ConfigMap plugin name), e.g. "argo-otel/canary". */
  pluginName: string;
  /** Parsed JSON under that key (args already substituted by the controller). */
  config: unknown;
}

export interface MeasurementView {
  phase: string;
  message: string;
  value: string;
  metadata: Readonly<Record<string, string>>;
  startedAt?: Date;
  finishedAt?: Date;
  resumeAt?: Date;
}

export interface CallContext {
  /** Aborted when the adapter's per-call deadline passes; providers pass it to their I/O. */
  signal: AbortSignal;
  now(): Date;
}

export interface RunContext extends CallContext {
  run: AnalysisRunView;
  metric: MetricView;
}

export interface ResumeContext extends RunContext {
  previous: MeasurementView;
}

export interface MetadataContext extends CallContext {
  metric: MetricView;
}

export interface GarbageCollectContext extends RunContext {
  limit: number;
}

export interface MetricProvider {
  run(ctx: RunContext): Promise<Verdict>;
  /** Called for a measurement left Running once its resumeAt has passed. */
  resume(ctx: ResumeContext): Promise<Verdict>;
  /** The run is terminating; must answer a completed phase (Running would keep the run from finishing). */
  terminate(ctx: ResumeContext): Promise<Verdict>;
  /** Stored on the metric result once, at its first measurement. */
  metadata(ctx: MetadataContext): Promise<Readonly<Record<string, string>>>;
  /** The controller trims measurements itself; this is for the provider's own external state. */
  garbageCollect(ctx: GarbageCollectContext): Promise<void>;
}

/** A config the provider cannot use; the adapter turns it into an Error measurement with this message. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}
