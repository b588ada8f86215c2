/**
 * The HTTP API's route table: the CDK stack builds its routes and functions from it, and
 * local mode serves the same routes with the same handler modules, so the two cannot drift.
 */
import type { ItemOperation, OriginalsOperation, OutputsOperation, TableAccess } from './PipelineFunction.js';
import { BY_OWNER_INDEX } from './uploadsTableSchema.js';

export type HttpMethod = 'GET' | 'POST' | 'DELETE';

/**
 * What a route's function does with each resource; the stack grants exactly the actions of these
 * operations (`PipelineFunction`'s `bind*` methods), and test/infra/leastPrivilege.test.ts checks
 * them against the SDK commands the function's code sends.
 */
export interface RouteAccess {
  /** @default - no table access, no `UPLOADS_TABLE` */
  readonly table?: TableAccess;
  /**
   * Item operations on the Usage table (per-user counters): a route that reserves an upload or
   * moves records (every `transition` settles the owner's counters) reads and updates them.
   * @default - none, no `USAGE_TABLE`
   */
  readonly usageTable?: readonly ItemOperation[];
  /** Operations on originals. @default - none, no `UPLOADS_BUCKET` */
  readonly uploadsBucket?: readonly OriginalsOperation[];
  /** Operations on outputs. @default - none, no `MEDIA_BUCKET` */
  readonly mediaBucket?: readonly OutputsOperation[];
  /**
   * Reads the malware scan's verdict on an original (its `GuardDutyMalwareScanStatus` tag) when
   * the stack scans uploads: told `MALWARE_SCAN` and granted `readTags` only then.
   */
  readonly scanVerdict?: true;
}

/**
 * Who may call a route: `jwt`, a bearer token API Gateway's JWT authorizer accepts (the caller's
 * `sub` reaches the handler); `none`, anyone, for public descriptions that hold no user's data.
 */
export type RouteAuth = 'jwt' | 'none';

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
  /** @default 'jwt' */
  readonly auth?: RouteAuth;
}

/** The route's `auth`, with its default. */
export function authOf(route: RouteDefinition): RouteAuth {
  return route.auth ?? 'jwt';
}

export const ROUTES: readonly RouteDefinition[] = [
  {
    id: 'CreateUpload',
    method: 'POST',
    path: '/uploads',
    handler: 'create-upload',
    description: 'Validates a new upload, starts the multipart upload and returns presigned part URLs',
    // Creates the multipart upload and signs part URLs; aborts it when the record cannot be written.
    // Reads the record back when a retried put finds it there (was it this write?).
    access: { table: { items: ['put', 'get'] }, usageTable: ['get', 'update'], uploadsBucket: ['write', 'abort'] },
  },
  {
    id: 'SignParts',
    method: 'POST',
    path: '/uploads/{id}/parts',
    handler: 'sign-parts',
    description: 'Returns fresh presigned URLs for the requested parts',
    // An upload that declared no size gets URLs only while S3 holds at most the size limit (listParts).
    access: { table: { items: ['get'] }, uploadsBucket: ['write', 'listParts'] },
  },
  {
    id: 'GetUpload',
    method: 'GET',
    path: '/uploads/{id}',
    handler: 'get-upload',
    description: 'Returns the upload record, with the parts S3 already holds while uploading',
    access: { table: { items: ['get'] }, uploadsBucket: ['listParts'] },
  },
  {
    id: 'CompleteUpload',
    method: 'POST',
    path: '/uploads/{id}/complete',
    handler: 'complete-upload',
    description: 'Completes the multipart upload after checking the total size',
    // Also finishes a complete that crashed after S3 (find, readChecksum), and fails or cleans up a wrong one (abort, delete).
    access: { table: { items: ['get', 'update'] }, usageTable: ['get', 'update'], uploadsBucket: ['write', 'listParts', 'abort', 'delete', 'find', 'readChecksum'] },
  },
  {
    id: 'DeleteUpload',
    method: 'DELETE',
    path: '/uploads/{id}',
    handler: 'delete-upload',
    description: 'Cancels an upload or removes a finished one with its outputs',
    access: { table: { items: ['get', 'update', 'delete'] }, usageTable: ['get', 'update'], uploadsBucket: ['abort', 'delete'], mediaBucket: ['delete'] },
  },
  {
    id: 'DownloadUpload',
    method: 'GET',
    path: '/uploads/{id}/download',
    handler: 'download-upload',
    description: "Returns a short-lived presigned GET of the original, saved under the client's filename",
    // Signs GetObject of the original (read), after asking S3 whether it exists (find).
    access: { table: { items: ['get'] }, uploadsBucket: ['read', 'find'], scanVerdict: true },
  },
  {
    id: 'ListUploads',
    method: 'GET',
    path: '/uploads',
    handler: 'list-uploads',
    description: "Lists the caller's uploads, newest first, by cursor",
    access: { table: { queries: [BY_OWNER_INDEX] } },
  },
  {
    id: 'GetConfig',
    method: 'GET',
    path: '/config',
    handler: 'get-config',
    description: 'Returns the limits, accepted types and part-size rules',
    access: {},
  },
  // Companion's S3-multipart routes (what `@uppy/aws-s3` 5.x calls with `endpoint`), each mapped
  // onto an operation above: the same checks, owner scoping and grants (docs/uppy.md).
  {
    id: 'CompanionCreateUpload',
    method: 'POST',
    path: '/s3/multipart',
    handler: 'companion-create',
    description: 'Companion create: starts an upload like POST /uploads and answers its id as key and uploadId',
    access: { table: { items: ['put', 'get'] }, usageTable: ['get', 'update'], uploadsBucket: ['write', 'abort'] },
  },
  {
    id: 'CompanionSignPart',
    method: 'GET',
    path: '/s3/multipart/{id}/{partNumber}',
    handler: 'companion-sign-part',
    description: "Companion sign part: one part's presigned URL, like POST /uploads/{id}/parts",
    access: { table: { items: ['get'] }, uploadsBucket: ['write', 'listParts'] },
  },
  {
    id: 'CompanionSignParts',
    method: 'GET',
    path: '/s3/multipart/{id}/batch',
    handler: 'companion-sign-parts',
    description: 'Companion batch sign: presigned URLs of several parts, like POST /uploads/{id}/parts',
    access: { table: { items: ['get'] }, uploadsBucket: ['write', 'listParts'] },
  },
  {
    id: 'CompanionListParts',
    method: 'GET',
    path: '/s3/multipart/{id}',
    handler: 'companion-list-parts',
    description: 'Companion list parts: every part S3 holds of an initiated upload, to resume',
    access: { table: { items: ['get'] }, uploadsBucket: ['listParts'] },
  },
  {
    id: 'CompanionCompleteUpload',
    method: 'POST',
    path: '/s3/multipart/{id}/complete',
    handler: 'companion-complete',
    description: 'Companion complete: POST /uploads/{id}/complete with the client parts, answering the upload location',
    access: { table: { items: ['get', 'update'] }, usageTable: ['get', 'update'], uploadsBucket: ['write', 'listParts', 'abort', 'delete', 'find', 'readChecksum'] },
  },
  {
    id: 'CompanionAbortUpload',
    method: 'DELETE',
    path: '/s3/multipart/{id}',
    handler: 'companion-abort',
    description: 'Companion abort: cancels an initiated upload and nothing else',
    access: { table: { items: ['get', 'update'] }, usageTable: ['get', 'update'], uploadsBucket: ['abort', 'delete'] },
  },
  {
    id: 'CompanionUploadParameters',
    method: 'GET',
    path: '/s3/params',
    handler: 'companion-params',
    description: 'Companion single PUT: starts an upload of a declared size and answers a presigned PUT of the whole file',
    // Bundles the create path, which aborts a multipart upload whose record cannot be written.
    access: { table: { items: ['put', 'get'] }, usageTable: ['get', 'update'], uploadsBucket: ['write', 'abort'] },
  },
  {
    id: 'GetOpenApi',
    method: 'GET',
    path: '/openapi.json',
    handler: 'get-openapi',
    description: "Returns the API's OpenAPI 3.1 description (docs/openapi.json)",
    access: {},
    // Tools read an API's description before they hold a token; it names no user and no resource.
    auth: 'none',
  },
];
