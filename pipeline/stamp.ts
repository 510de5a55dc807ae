// The pure core of `argo-otel stamp`: from the flags, the step's env and the current lineage file, decide the new
// lineage record, the file's bytes and the commit trailers. No I/O; ids come from an injected random source.
import { LINEAGE_FIELDS, validateLineageValue } from '../lineage/fields.js';
import { formatLineageFile, type LineageFileContent } from '../lineage/file.js';
import { PipelineEnv } from '../lineage/names.js';
import type { Lineage, LineageField } from '../lineage/record.js';
import {
  deriveTraceparent,
  formatTraceparent,
  newTraceparent,
  normalizeTraceparent,
  type RandomBytes,
} from '../lineage/traceparent.js';
import { formatTrailers } from '../lineage/trailers.js';

/**
 * What the user asked for: the lineage fields given as flags (`undefined` = not given, `''` = clear the field),
 * plus `traceIdFrom` to derive the traceparent from a string.
 */
export type StampRequest = Lineage & { traceIdFrom?: string };

/** Where the stamped traceparent came from. */
export type TraceparentOrigin = 'flag' | 'derived' | 'env' | 'new';

export interface StampPlan {
  lineage: Lineage;
  traceparent: string;
  traceparentOrigin: TraceparentOrigin;
  /** The lineage file's new bytes (deterministic for the same inputs). */
  fileText: string;
  /** `Key: value` commit trailers for the whole record. */
  trailers: string[];
  /** Fields whose value differs from the current file. */
  changed: LineageField[];
  /** Things the user may not expect (an env value that was not used); printed on stderr. */
  notices: string[];
}

/** Bad input to stamp; the CLI prints the message and exits non-zero. */
export class StampError extends Error {
  override name = 'StampError';
}

/** The flag each field is set by, for messages. */
export const FLAG_BY_FIELD: Record<LineageField, string> = {
  traceparent: '--traceparent',
  tracestate: '--tracestate',
  modelId: '--model-id',
  datasetVersion: '--dataset-version',
  pipelineName: '--pipeline-name',
  pipelineRunId: '--run-id',
  pipelineRunUrl: '--run-url',
  commit: '--source-commit',
  environment: '--environment',
};

function checked(field: LineageField, raw: string, where: string): string | undefined {
  const result = validateLineageValue(field, raw);
  if (!result.ok) throw new StampError(`${where}: ${result.problem}`);
  return result.value;
}

interface ChosenTrace {
  traceparent: string;
  origin: TraceparentOrigin;
  /** The tracestate that belongs to this traceparent, raw, with where it came from. */
  tracestate?: { raw: string; where: string };
}

// Precedence: --traceparent, --trace-id-from, env TRACEPARENT, a new random one. A tracestate only travels with
// its own traceparent, so env TRACESTATE is used only with env TRACEPARENT; --tracestate goes with any.
function chooseTrace(request: StampRequest, env: Readonly<Record<string, string | undefined>>, random: RandomBytes): ChosenTrace {
  const flagState = request.tracestate === undefined ? undefined : { raw: request.tracestate, where: '--tracestate' };
  if (request.traceparent !== undefined && request.traceIdFrom !== undefined) {
    throw new StampError('--traceparent and --trace-id-from cannot be used together');
  }
  if (request.traceparent !== undefined) {
    const tp = normalizeTraceparent(request.traceparent.trim());
    if (!tp.ok) throw new StampError(`--traceparent: ${tp.problem}`);
    return { traceparent: tp.value, origin: 'flag', ...(flagState ? { tracestate: flagState } : {}) };
  }
  if (request.traceIdFrom !== undefined) {
    const tp = deriveTraceparent(request.traceIdFrom);
    if (!tp.ok) throw new StampError(`--trace-id-from: ${tp.problem}`);
    return { traceparent: formatTraceparent(tp.value), origin: 'derived', ...(flagState ? { tracestate: flagState } : {}) };
  }
  const fromEnv = env[PipelineEnv.traceparent];
  if (fromEnv !== undefined && fromEnv.trim() !== '') {
    const tp = normalizeTraceparent(fromEnv.trim());
    if (!tp.ok) throw new StampError(`env ${PipelineEnv.traceparent}: ${tp.problem}`);
    const envState = env[PipelineEnv.tracestate];
    const state = flagState ?? (envState === undefined ? undefined : { raw: envState, where: `env ${PipelineEnv.tracestate}` });
    return { traceparent: tp.value, origin: 'env', ...(state ? { tracestate: state } : {}) };
  }
  return { traceparent: formatTraceparent(newTraceparent(random)), origin: 'new', ...(flagState ? { tracestate: flagState } : {}) };
}

/**
 * Plans a stamp. The trace context is always replaced (each stamp is a pipeline run); every other field keeps
 * its current value unless its flag is given, and an empty flag value removes it. Values kept from the current
 * file are validated too, so a hand-edited mistake is caught here rather than downstream.
 */
export function planStamp(input: {
  request: StampRequest;
  env: Readonly<Record<string, string | undefined>>;
  current?: LineageFileContent;
  random: RandomBytes;
}): StampPlan {
  const { request, current } = input;
  const trace = chooseTrace(request, input.env, input.random);
  const lineage: Lineage = { traceparent: trace.traceparent };
  if (trace.tracestate) {
    const state = checked('tracestate', trace.tracestate.raw, trace.tracestate.where);
    if (state !== undefined) lineage.tracestate = state;
  }
  for (const field of LINEAGE_FIELDS) {
    if (field === 'traceparent' || field === 'tracestate') continue;
    const given = request[field];
    const value =
      given !== undefined
        ? checked(field, given, FLAG_BY_FIELD[field])
        : current?.values[field] !== undefined
          ? checked(field, current.values[field], `current lineage file key "${field}" (fix it or pass ${FLAG_BY_FIELD[field]})`)
          : undefined;
    if (value !== undefined) lineage[field] = value;
  }
  const changed = LINEAGE_FIELDS.filter((f) => lineage[f] !== current?.values[f]);
  const notices: string[] = [];
  const envState = input.env[PipelineEnv.tracestate];
  if (envState !== undefined && envState.trim() !== '' && trace.tracestate?.where !== `env ${PipelineEnv.tracestate}`) {
    notices.push(
      trace.origin === 'env'
        ? `env ${PipelineEnv.tracestate} not used: --tracestate was given`
        : `env ${PipelineEnv.tracestate} not used: it goes only with env ${PipelineEnv.traceparent}, and the traceparent came from ${ORIGIN_TEXT[trace.origin]}`,
    );
  }
  return {
    lineage,
    traceparent: trace.traceparent,
    traceparentOrigin: trace.origin,
    fileText: formatLineageFile(lineage, current?.extra ?? {}),
    trailers: formatTrailers(lineage),
    changed,
    notices,
  };
}

const ORIGIN_TEXT: Record<TraceparentOrigin, string> = {
  flag: '--traceparent',
  derived: '--trace-id-from',
  env: `env ${PipelineEnv.traceparent}`,
  new: 'a new trace (no env TRACEPARENT)',
};
