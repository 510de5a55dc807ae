// Verdict → the Measurement value the host stores (pure). The rules are the controller's (§4.3, §6): completed
// phases carry FinishedAt; Running carries ResumeAt and never FinishedAt (it would then never complete).
import { goTimeToBinary } from '../transport/gob/index.js';
import type { Verdict } from './types.js';

/** The gob value for MeasurementType; absent keys are Go zero values. */
export interface MeasurementValue {
  Phase: string;
  Message?: string;
  Value?: string;
  Metadata?: Map<string, string>;
  StartedAt?: Uint8Array;
  FinishedAt?: Uint8Array;
  ResumeAt?: Uint8Array;
}

/** How long a Running measurement waits when the provider gave no resumeAt. */
export const DEFAULT_RESUME_AFTER_MS = 10_000;

export function toMeasurement(verdict: Verdict, startedAt: Date, now: Date): MeasurementValue {
  const out: MeasurementValue = { Phase: verdict.phase, StartedAt: goTimeToBinary(startedAt) };
  if (verdict.message) out.Message = verdict.message;
  if (verdict.value) out.Value = verdict.value;
  if (verdict.metadata && Object.keys(verdict.metadata).length > 0) {
    out.Metadata = new Map(Object.entries(verdict.metadata));
  }
  if (verdict.phase === 'Running') {
    const resumeAt = verdict.resumeAt ?? new Date(now.getTime() + DEFAULT_RESUME_AFTER_MS);
    out.ResumeAt = goTimeToBinary(resumeAt);
  } else {
    out.FinishedAt = goTimeToBinary(now);
  }
  return out;
}

/** An Error measurement (the controller retries it after 10 s and counts consecutive errors). */
export function errorMeasurement(message: string, startedAt: Date, now: Date): MeasurementValue {
  return toMeasurement({ phase: 'Error', message }, startedAt, now);
}
