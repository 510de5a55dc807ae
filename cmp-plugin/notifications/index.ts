// Sync spans from Argo CD notifications webhooks (issue 3). The cmp-server mounts the handler at SYNC_EVENTS_PATH.
export {
  createSyncWebhookHandler,
  SYNC_EVENTS_PATH,
  DEFAULT_MAX_BODY_BYTES,
  type SyncWebhookOptions,
  type SyncWebhookResponse,
} from './webhook-handler.js';
export { parseSyncEvent, SyncEventError, SYNC_EVENT_SCHEMA, type SyncEvent } from './sync-event.js';
export { resolveSyncLineage, type SyncLineage, type SyncLineageSource } from './sync-lineage.js';
export { recordSyncSpan, syncSpanIds } from './sync-span.js';
