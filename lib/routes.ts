/**
 * The HTTP API's route table: the CDK stack builds its routes and functions from it, and
 * local mode serves the same routes with the same handler modules, so the two cannot drift.
 */
import type { TableAccess } from './PipelineFunction.js';

export type HttpMethod = 'GET' | 'POST' | 'DELETE';

/** What a route's function may touch; the stack turns this into `grant*` calls. */
export interface RouteAccess {
  readonly table: 'none' | TableAccess;
  /**
   * Usage table (per-user counters): `update` for a route that reserves an upload or moves
   * records (every `transition` settles the owner's counters).
   */
  readonly usageTable: 'none' | 'update';
  /** Uploads bucket: `multipart` = create/list/abort/complete multipart uploads and sign part PUTs; `delete` adds object deletion. */
  readonly uploadsBucket: 'none' | 'multipart' | 'multipart+delete';
  /** Media (outputs) bucket: `delete` to remove an upload's outputs. */
  readonly mediaBucket: 'none' | 'delete';
}

export interface RouteDefinition {
  /** Stable PascalCase id for the construct. */
  readonly id: string;
  readonly method: HttpMethod;
  /** API Gateway path template, e.g. `/uploads/{id}`. */
  readonly path: string;
  /** Folder under `lambdas/` whose `handler.ts` exports `handler`. */
  readonly handler: string;
  readonly description: string;
  readonly access: RouteAccess;
}

export const ROUTES: readonly RouteDefinition[] = [
  {
    id: 'CreateUpload',
    method: 'POST',
    path: '/uploads',
    handler: 'create-upload',
    description: 'Validates a new upload, starts the multipart upload and returns presigned part URLs',
    access: { table: 'read+put', usageTable: 'update', uploadsBucket: 'multipart', mediaBucket: 'none' },
  },
  {
    id: 'SignParts',
    method: 'POST',
    path: '/uploads/{id}/parts',
    handler: 'sign-parts',
    description: 'Returns fresh presigned URLs for the requested parts',
    access: { table: 'read', usageTable: 'none', uploadsBucket: 'multipart', mediaBucket: 'none' },
  },
  {
    id: 'GetUpload',
    method: 'GET',
    path: '/uploads/{id}',
    handler: 'get-upload',
    description: 'Returns the upload record, with the parts S3 already holds while uploading',
    access: { table: 'read', usageTable: 'none', uploadsBucket: 'multipart', mediaBucket: 'none' },
  },
  {
    id: 'CompleteUpload',
    method: 'POST',
    path: '/uploads/{id}/complete',
    handler: 'complete-upload',
    description: 'Completes the multipart upload after checking the total size',
    access: { table: 'read+update', usageTable: 'update', uploadsBucket: 'multipart', mediaBucket: 'none' },
  },
  {
    id: 'DeleteUpload',
    method: 'DELETE',
    path: '/uploads/{id}',
    handler: 'delete-upload',
    description: 'Cancels an upload or removes a finished one with its outputs',
    access: { table: 'read+update+delete', usageTable: 'update', uploadsBucket: 'multipart+delete', mediaBucket: 'delete' },
  },
  {
    id: 'ListUploads',
    method: 'GET',
    path: '/uploads',
    handler: 'list-uploads',
    description: "Lists the caller's uploads, newest first, by cursor",
    access: { table: 'read', usageTable: 'none', uploadsBucket: 'none', mediaBucket: 'none' },
  },
  {
    id: 'GetConfig',
    method: 'GET',
    path: '/config',
    handler: 'get-config',
    description: 'Returns the limits, accepted types and part-size rules',
    access: { table: 'none', usageTable: 'none', uploadsBucket: 'none', mediaBucket: 'none' },
  },
];
