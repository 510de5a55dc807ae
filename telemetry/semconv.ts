// Incubating semantic-convention names we use (cicd.*, vcs.* are release_candidate in semconv 1.45, so they live in
// `@opentelemetry/semantic-conventions/incubating`). Copied as constants, as the semconv package advises for
// incubating names, and because loading that 770 KB entry costs 20-55 ms at every generate-CLI start (measured).
// semconv.test.ts checks each value against the incubating entry, so a rename upstream fails a test.
export const ATTR_CICD_PIPELINE_NAME = 'cicd.pipeline.name';
export const ATTR_CICD_PIPELINE_RUN_ID = 'cicd.pipeline.run.id';
export const ATTR_CICD_PIPELINE_RUN_URL_FULL = 'cicd.pipeline.run.url.full';
export const ATTR_CICD_PIPELINE_RESULT = 'cicd.pipeline.result';
export const ATTR_CICD_PIPELINE_ACTION_NAME = 'cicd.pipeline.action.name';
export const CICD_PIPELINE_ACTION_NAME_VALUE_SYNC = 'SYNC';
export const CICD_PIPELINE_RESULT_VALUE_SUCCESS = 'success';
export const CICD_PIPELINE_RESULT_VALUE_FAILURE = 'failure';
export const CICD_PIPELINE_RESULT_VALUE_ERROR = 'error';
export const ATTR_VCS_REF_HEAD_REVISION = 'vcs.ref.head.revision';
export const ATTR_VCS_REPOSITORY_URL_FULL = 'vcs.repository.url.full';
