// The lineage record: what a pipeline run hands to everything downstream of Git.

/** Where a lineage field was read from, highest precedence first. */
export type LineageSource = 'plugin-env' | 'parameters' | 'lineage-file' | 'commit-trailers';

export const LINEAGE_SOURCES_IN_PRECEDENCE: readonly LineageSource[] = [
  'plugin-env',
  'parameters',
  'lineage-file',
  'commit-trailers',
];

/** Values are validated and normalised by lineage/fields.ts; see lineage/README.md for each field's rules. */
export interface Lineage {
  /** W3C traceparent of the pipeline run (validated). */
  traceparent?: string;
  /** W3C tracestate (validated; dropped if traceparent is invalid). */
  tracestate?: string;
  modelId?: string;
  datasetVersion?: string;
  pipelineName?: string;
  pipelineRunId?: string;
  pipelineRunUrl?: string;
  /** Commit the pipeline built (vcs.ref.head.revision). */
  commit?: string;
  /** deployment.environment.name */
  environment?: string;
}

export type LineageField = keyof Lineage;

export interface LineageReadResult {
  lineage: Lineage;
  /** For each field that was set, the carrier it came from. */
  sources: Partial<Record<LineageField, LineageSource>>;
  /** Human-readable warnings (invalid values that were ignored). */
  warnings: string[];
}
