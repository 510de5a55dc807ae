// Injection options from plugin parameters, each with its documented default.
import { Annotations } from '../../lineage/names.js';
import type { PluginParameters } from '../render/parameters.js';
import { GenerateError, type InjectOptions } from '../types.js';

export const InjectParameters = {
  annotationKey: 'annotation-key',
  seedAnnotation: 'seed-annotation',
  containers: 'containers',
  overwrite: 'overwrite',
} as const;

export const DEFAULT_INJECT_OPTIONS: InjectOptions = {
  traceparentAnnotation: Annotations.traceparent,
  seedAnnotation: true,
  containers: [],
  overwrite: false,
};

// A qualified Kubernetes annotation key: optional DNS-subdomain prefix, then a name of at most 63 characters.
const ANNOTATION_KEY = /^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\/)?[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$/;

export function injectOptionsFromParameters(params: PluginParameters): InjectOptions {
  const key = params.string(InjectParameters.annotationKey)?.trim() || DEFAULT_INJECT_OPTIONS.traceparentAnnotation;
  if (!ANNOTATION_KEY.test(key) || key.length > 316) {
    const reason = `plugin parameter ${InjectParameters.annotationKey}: ${JSON.stringify(key)} is not a valid annotation key`;
    throw new GenerateError(reason, { reason });
  }
  return {
    traceparentAnnotation: key,
    seedAnnotation: params.boolean(InjectParameters.seedAnnotation, DEFAULT_INJECT_OPTIONS.seedAnnotation),
    containers: params.array(InjectParameters.containers) ?? [],
    overwrite: params.boolean(InjectParameters.overwrite, DEFAULT_INJECT_OPTIONS.overwrite),
  };
}
