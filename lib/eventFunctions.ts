/**
 * The functions that events (not HTTP routes) invoke. Like the route table, the CDK stack and
 * local mode both read this, so local mode runs exactly the handler the stack wires.
 */
export interface EventFunctionDefinition {
  /** Stable PascalCase id for the construct. */
  readonly id: string;
  /** Folder under `lambdas/` whose `handler.ts` exports `handler`. */
  readonly handler: string;
  readonly description: string;
}

/**
 * Invoked with SQS batches of S3 `ObjectCreated` events for keys under `uploads/` (with the
 * malware scan on, of GuardDuty's scan-result events for them).
 */
export const PROCESS_UPLOAD_FUNCTION: EventFunctionDefinition = {
  id: 'ProcessUpload',
  handler: 'process-upload',
  description: 'Probes, transcodes and publishes an uploaded original',
};

/**
 * Invoked with SQS batches from the processing dead-letter queue: the same S3 event bodies,
 * after every processing attempt gave up on them.
 */
export const FAIL_DEAD_LETTERS_FUNCTION: EventFunctionDefinition = {
  id: 'FailDeadLetters',
  handler: 'fail-dead-letters',
  description: 'Fails uploads whose processing events were dead-lettered, so none stays processing',
};

/** Invoked on a schedule (an EventBridge Scheduler/Rule event; the payload is not read). */
export const EXPIRE_UPLOADS_FUNCTION: EventFunctionDefinition = {
  id: 'ExpireUploads',
  handler: 'expire-uploads',
  description: 'Expires initiated uploads past their deadline and aborts their multipart uploads',
};

/** Invoked on a schedule (an EventBridge Scheduler/Rule event; the payload is not read). */
export const SWEEP_UPLOADS_FUNCTION: EventFunctionDefinition = {
  id: 'SweepUploads',
  handler: 'sweep-uploads',
  description: 'Re-sends lost processing events, fails stalled processing and removes outputs left behind',
};

/** Invoked on a schedule; the rules apply as of the event's `time`. */
export const APPLY_RETENTION_FUNCTION: EventFunctionDefinition = {
  id: 'ApplyRetention',
  handler: 'apply-retention',
  description: "Deletes failed uploads' bytes after their retention, and ready uploads' originals when so configured",
};

/** S3 key prefix whose ObjectCreated events start processing. */
export const UPLOADS_PREFIX = 'uploads/';

/** Applies MediaConvert job events and asks about silent jobs; made only when the stack uses MediaConvert. */
export const MEDIACONVERT_STATUS_FUNCTION: EventFunctionDefinition = {
  id: 'MediaConvertStatus',
  handler: 'mediaconvert-status',
  description: "Moves uploads on from their MediaConvert jobs' state changes, and asks MediaConvert about jobs that went silent",
};

/**
 * Invoked with SQS batches of invalidation requests (`{ uploadId }`, sent by a delete); local
 * mode, which has no CDN cache, takes the requests and runs no invalidator.
 */
export const INVALIDATE_MEDIA_FUNCTION: EventFunctionDefinition = {
  id: 'InvalidateMedia',
  handler: 'invalidate-media',
  description: "Invalidates deleted uploads' outputs in the CDN, one CloudFront invalidation per batch",
};

/**
 * Fed by the Uploads table's stream (NEW_IMAGE), beside live progress's publisher: puts one
 * event per state change on the pipeline's bus. Local mode feeds it the same stream records.
 */
export const PUBLISH_EVENTS_FUNCTION: EventFunctionDefinition = {
  id: 'PublishEvents',
  handler: 'publish-events',
  description: 'Puts one EventBridge event on the pipeline bus for every upload state change',
};

/** Invoked with SQS batches of webhook deliveries, which the webhooks' rules put on the queue. */
export const DELIVER_WEBHOOKS_FUNCTION: EventFunctionDefinition = {
  id: 'DeliverWebhooks',
  handler: 'deliver-webhooks',
  description: 'Signs state-change events as Standard Webhooks and POSTs them to the webhooks, backing off failures',
};
