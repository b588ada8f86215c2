/**
 * What the OpenAPI document says of each route beyond the route table: the request it takes
 * (the very zod schemas its handler checks with), its success answers, and the error codes it
 * answers at each status (README's error table, lambdas/shared/errors.ts).
 */
import * as zm from 'zod/mini';
import type * as z from 'zod/v4/core';
import { companionCompleteBodySchema } from '../../lambdas/companion-complete/parseCompanionCompleteBody.js';
import { companionCreateBodySchema } from '../../lambdas/companion-create/parseCompanionCreateBody.js';
import { completeBodySchema } from '../../lambdas/complete-upload/parseCompleteBody.js';
import { createUploadBodySchema } from '../../lambdas/create-upload/parseCreateUploadBody.js';
import { listQuerySchemas } from '../../lambdas/list-uploads/parseListQuery.js';
import { DEFAULT_UPLOAD_POLICY, S3_MAX_PART_COUNT } from '../../lambdas/shared/mediaPolicy.js';
import { uploadIdSchema } from '../../lambdas/shared/validation/uploadId.js';
import { signPartsBodySchema } from '../../lambdas/sign-parts/parseSignPartsBody.js';
import type { RouteDefinition } from '../routes.js';
import {
  companionCompletedSchema,
  companionCreatedSchema,
  companionEmptySchema,
  companionPartsSchema,
  companionSignedPartSchema,
  companionSignedPartsSchema,
  companionUploadParametersSchema,
  createdUploadSchema,
  downloadLinkSchema,
  pipelineConfigSchema,
  publicUploadSchema,
  signedPartsSchema,
  uploadListSchema,
  uploadViewSchema,
} from './responseSchemas.js';

export interface SuccessAnswer {
  readonly description: string;
  /** A component of responseSchemas.ts; none for an empty body. */
  readonly body?: z.$ZodType;
  /** The body is this document itself. */
  readonly isDocument?: true;
  readonly headers?: Readonly<Record<string, string>>;
}

export interface RouteOperation {
  /** Errors carry their message at the top too (`{ message, error }`): the Companion routes. */
  readonly topLevelMessage?: true;
  readonly requestBody?: { readonly schema: z.$ZodType; readonly required: boolean; readonly description?: string };
  readonly query?: Readonly<Record<string, { readonly schema: z.$ZodType; readonly description: string; readonly required?: true }>>;
  readonly success: Readonly<Record<number, SuccessAnswer>>;
  /** The handler's error codes by status; 401 (JWT routes), 429 and 500 are added to every route. */
  readonly errors: Readonly<Record<number, readonly [string, ...string[]]>>;
}

const INVALID_JSON = 'INVALID_JSON';

/** What creating an upload can answer, through POST /uploads or Companion's POST /s3/multipart (the same create). */
const CREATE_ERRORS = {
  400: [INVALID_JSON, 'INVALID_REQUEST', 'INVALID_FILENAME', 'INVALID_SIZE', 'INVALID_METADATA', 'INVALID_PART_SIZE'],
  403: ['QUOTA_EXCEEDED'],
  413: ['TOO_LARGE', 'METADATA_TOO_LARGE'],
  415: ['UNSUPPORTED_TYPE'],
  429: ['RATE_LIMITED'],
} as const;

const COMPANION_KEY = {
  key: { schema: uploadIdSchema, required: true, description: 'The upload id, as POST /s3/multipart answered it (key and uploadId are the same)' },
} as const;

export const ROUTE_OPERATIONS: Readonly<Record<RouteDefinition['id'], RouteOperation>> = {
  CreateUpload: {
    requestBody: {
      schema: createUploadBodySchema,
      required: true,
      description:
        'filename: 1 to 255 characters, no / or \\, no control characters, not . or .., not only whitespace. contentType: on the allow-list of GET /config (any case). size: at most maxFileSize. metadata: at most metadata.maxBytes of UTF-8 keys and values. partSize: within parts.minSize..parts.maxSize and cutting size into at most parts.maxCount parts.',
    },
    success: {
      201: { description: 'Created: the upload and the URLs of its first parts', body: createdUploadSchema, headers: { location: 'The upload: /uploads/{uploadId}' } },
    },
    errors: CREATE_ERRORS,
  },
  SignParts: {
    requestBody: {
      schema: signPartsBodySchema(DEFAULT_UPLOAD_POLICY.maxPartUrlsPerResponse),
      required: true,
      description: `At most parts.maxUrlsPerResponse of GET /config part numbers (${DEFAULT_UPLOAD_POLICY.maxPartUrlsPerResponse} by default), each at most the upload's partCount (S3 allows ${S3_MAX_PART_COUNT}).`,
    },
    success: { 200: { description: 'Fresh URLs for the parts', body: signedPartsSchema } },
    errors: { 400: [INVALID_JSON, 'INVALID_REQUEST', 'INVALID_PART_NUMBERS'], 404: ['NOT_FOUND'], 409: ['INVALID_STATE'] },
  },
  GetUpload: {
    success: { 200: { description: 'The upload; while initiated also the parts S3 holds', body: uploadViewSchema } },
    errors: { 404: ['NOT_FOUND'] },
  },
  CompleteUpload: {
    requestBody: {
      schema: completeBodySchema,
      required: false,
      description: 'No body, {}, or the parts the client sent with the ETags S3 answered; S3 ListParts is the truth either way',
    },
    success: { 200: { description: 'The upload, now uploaded (or further along)', body: publicUploadSchema } },
    errors: {
      400: [INVALID_JSON, 'INVALID_BODY', 'INVALID_PARTS'],
      404: ['NOT_FOUND'],
      409: ['INVALID_STATE'],
      422: ['PARTS_MISSING', 'PART_MISMATCH', 'SIZE_MISMATCH', 'UPLOAD_ABORTED'],
    },
  },
  DeleteUpload: {
    success: {
      200: { description: 'An unfinished upload, now cancelled', body: publicUploadSchema },
      204: { description: 'A finished upload, removed with its original and outputs' },
    },
    errors: { 404: ['NOT_FOUND'] },
  },
  DownloadUpload: {
    success: {
      200: {
        description:
          "A presigned GET of the original, valid until expiresAt: S3 answers it with Content-Disposition: attachment and the client's filename, and honours Range (206). JSON, not a redirect: the route needs the bearer token, and a fetch that follows a redirect to S3 cannot save the file",
        body: downloadLinkSchema,
      },
    },
    errors: { 404: ['NOT_FOUND'], 409: ['INVALID_STATE'] },
  },
  ListUploads: {
    query: {
      status: { schema: listQuerySchemas.status, description: 'Only uploads in this state' },
      limit: { schema: listQuerySchemas.limit, description: 'Page size, 1 to 100 (default 20)' },
      cursor: { schema: listQuerySchemas.cursor, description: 'The cursor of the previous page' },
    },
    success: { 200: { description: "One page of the caller's uploads, newest first", body: uploadListSchema } },
    errors: { 400: ['INVALID_QUERY', 'INVALID_CURSOR'] },
  },
  GetConfig: {
    success: { 200: { description: 'What POST /uploads accepts, and where live progress is served', body: pipelineConfigSchema } },
    errors: {},
  },
  CompanionCreateUpload: {
    topLevelMessage: true,
    requestBody: {
      schema: companionCreateBodySchema,
      required: true,
      description:
        "As @uppy/aws-s3 5.x sends it. type is POST /uploads's contentType. metadata.size (decimal digits) declares the size: part URLs then sign each part's length, Uppy's part size unless metadata.partSize says otherwise; without it the upload is open (lengths unsigned, sized at complete). size, partSize, name and type are not stored; the rest of metadata is, by POST /uploads's rules.",
    },
    success: { 200: { description: 'Created: the upload id as key and uploadId', body: companionCreatedSchema } },
    errors: CREATE_ERRORS,
  },
  CompanionSignPart: {
    topLevelMessage: true,
    query: COMPANION_KEY,
    success: { 200: { description: "The part's presigned PUT URL", body: companionSignedPartSchema } },
    errors: { 400: ['INVALID_KEY', 'INVALID_PART_NUMBERS'], 404: ['NOT_FOUND'], 409: ['INVALID_STATE'], 413: ['TOO_LARGE'] },
  },
  CompanionSignParts: {
    topLevelMessage: true,
    query: {
      ...COMPANION_KEY,
      partNumbers: {
        schema: zm.string().check(zm.regex(/^[1-9][0-9]*(,[1-9][0-9]*)*$/)),
        required: true,
        description: `Distinct part numbers separated by commas, at most parts.maxUrlsPerResponse of GET /config (${DEFAULT_UPLOAD_POLICY.maxPartUrlsPerResponse} by default)`,
      },
    },
    success: { 200: { description: 'The presigned PUT URL of each part', body: companionSignedPartsSchema } },
    errors: { 400: ['INVALID_KEY', 'INVALID_PART_NUMBERS'], 404: ['NOT_FOUND'], 409: ['INVALID_STATE'], 413: ['TOO_LARGE'] },
  },
  CompanionListParts: {
    topLevelMessage: true,
    query: COMPANION_KEY,
    success: { 200: { description: 'The parts S3 holds (all pages)', body: companionPartsSchema } },
    errors: { 400: ['INVALID_KEY'], 404: ['NOT_FOUND'], 409: ['INVALID_STATE'] },
  },
  CompanionCompleteUpload: {
    topLevelMessage: true,
    query: COMPANION_KEY,
    requestBody: {
      schema: companionCompleteBodySchema,
      required: true,
      description: 'The parts the client sent, with the ETags S3 answered (quoted or not); checked against S3 ListParts like POST /uploads/{id}/complete',
    },
    success: { 200: { description: 'The upload is uploaded (or further along)', body: companionCompletedSchema } },
    errors: {
      400: [INVALID_JSON, 'INVALID_KEY', 'INVALID_PARTS'],
      404: ['NOT_FOUND'],
      409: ['INVALID_STATE'],
      413: ['TOO_LARGE'],
      422: ['PARTS_MISSING', 'PART_MISMATCH', 'SIZE_MISMATCH', 'UPLOAD_ABORTED'],
    },
  },
  CompanionAbortUpload: {
    topLevelMessage: true,
    query: COMPANION_KEY,
    success: { 200: { description: 'The upload is cancelled (it was initiated, or already cancelled)', body: companionEmptySchema } },
    errors: { 400: ['INVALID_KEY'], 404: ['NOT_FOUND'], 409: ['INVALID_STATE'] },
  },
  CompanionUploadParameters: {
    topLevelMessage: true,
    query: {
      filename: { schema: zm.string(), required: true, description: "The file's name, by POST /uploads's rules" },
      type: { schema: zm.string(), required: true, description: "The file's content type, on the allow-list of GET /config" },
      'metadata[size]': {
        schema: zm.string().check(zm.regex(/^[1-9][0-9]*$/)),
        required: true,
        description: 'The file size in bytes (at most 5 GiB for one PUT). Every other metadata[name] parameter is stored as metadata, by POST /uploads\'s rules',
      },
    },
    success: { 200: { description: 'A presigned PUT of the whole file; processing follows once it is in S3', body: companionUploadParametersSchema } },
    errors: {
      400: ['INVALID_REQUEST', 'INVALID_FILENAME', 'INVALID_SIZE', 'INVALID_METADATA', 'SIZE_REQUIRED'],
      403: ['QUOTA_EXCEEDED'],
      413: ['TOO_LARGE', 'METADATA_TOO_LARGE'],
      415: ['UNSUPPORTED_TYPE'],
      429: ['RATE_LIMITED'],
    },
  },
  GetOpenApi: {
    success: { 200: { description: 'This document', isDocument: true } },
    errors: {},
  },
};
