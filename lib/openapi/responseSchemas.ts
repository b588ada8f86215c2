/**
 * The HTTP API's answers as zod schemas: the one runtime description of what the handlers send,
 * from which lib/openapi/openApiDocument.ts writes the OpenAPI components. The handlers declare
 * their answers as TypeScript types; test/unit/lib/openapi/responseSchemas.test.ts fails to
 * compile when a schema here and the type it describes drift apart.
 */
import { z } from 'zod';
import { MEDIA_KINDS, type MediaKind } from '../../lambdas/shared/mediaPolicy.js';
import { type ProcessingStage, UPLOAD_STATUSES, type UploadStatus } from '../../lambdas/shared/uploadRecord.js';
import { UPLOAD_ID_PATTERN } from '../../lambdas/shared/validation/uploadId.js';

/** Components of the document, by the name the document gives them. */
export const responseComponents = z.registry<{ id: string; description?: string }>();

const PROCESSING_STAGES = ['probe', 'transcode', 'thumbnails', 'publish'] as const satisfies readonly ProcessingStage[];

export const uploadStatusSchema = z.enum(UPLOAD_STATUSES as readonly [UploadStatus, ...UploadStatus[]]).register(responseComponents, {
  id: 'UploadStatus',
  description:
    'initiated → uploaded → processing → ready; or failed (with error), cancelled (DELETE, or processing stopped) or expired (no complete before expiresAt). ready, failed, cancelled and expired are final: states never go backwards.',
});

export const mediaKindSchema = z.enum(MEDIA_KINDS as readonly [MediaKind, ...MediaKind[]]).register(responseComponents, { id: 'MediaKind' });

const uploadId = z.string().regex(UPLOAD_ID_PATTERN).describe('Made by POST /uploads (a lower-case UUID)');
const timestamp = z.iso.datetime();
const bytes = z.int().nonnegative();
const checksumAlgorithmSchema = z.literal('CRC32C');

export const uploadErrorInfoSchema = z
  .object({ code: z.string(), message: z.string() })
  .register(responseComponents, {
    id: 'UploadError',
    description: 'Why a failed upload failed: a stable code (UNSUPPORTED_MEDIA, TOO_LONG, SIZE_MISMATCH, TRANSCODE_FAILED, PROCESSING_STALLED, …) and a message',
  });

const renditionSchema = z.object({ width: z.int(), height: z.int(), bandwidth: z.number(), codecs: z.string(), url: z.url() });

export const mediaInfoSchema = z
  .object({
    kind: mediaKindSchema,
    durationSeconds: z.number().optional(),
    width: z.int().optional(),
    height: z.int().optional(),
    fps: z.number().optional(),
    videoCodec: z.string().optional(),
    audioCodec: z.string().optional(),
    bitrate: z.number().optional(),
    hasAudio: z.boolean().optional(),
    hlsUrl: z.url().optional(),
    playable: z.boolean().optional().describe('True once hlsUrl plays: while processing, as soon as every rendition has its first segments out; always when ready'),
    renditions: z.array(renditionSchema).optional(),
    posterUrl: z.url().optional(),
    thumbnails: z.object({ spriteUrl: z.url(), vttUrl: z.url() }).optional(),
    waveformUrl: z.url().optional(),
    images: z.array(z.object({ width: z.int(), height: z.int(), url: z.url() })).optional(),
    urlsExpireAt: timestamp
      .optional()
      .describe('With signed media access (the stack\'s access: signed), when the signed URLs above stop working; absent with public access, whose URLs do not expire. Ask again for fresh ones.'),
  })
  .register(responseComponents, { id: 'Media', description: 'What processing learned and produced: whole once ready; while processing, what is already published (poster, then a stream that grows)' });

export const publicUploadSchema = z
  .object({
    uploadId,
    status: uploadStatusSchema,
    filename: z.string(),
    contentType: z.string(),
    kind: mediaKindSchema,
    size: bytes.describe('Declared size in bytes; with sizeMode open, the size limit until complete measures the parts'),
    sizeMode: z
      .literal('open')
      .optional()
      .describe('The client declared no size (a Companion client without size in its metadata): part URLs leave the length unsigned and complete sets size, partSize and partCount from the parts S3 holds'),
    partSize: bytes,
    partCount: z.int().positive(),
    metadata: z.record(z.string(), z.string()).optional(),
    createdAt: timestamp,
    updatedAt: timestamp,
    expiresAt: timestamp.describe('The deadline for complete while initiated'),
    seq: z.int().positive().optional().describe('Grows with every write of the record; live progress orders by it'),
    bytesSent: bytes.optional().describe("The uploader's last reported byte count, while initiated"),
    progress: z.number().min(0).max(100).optional(),
    stage: z.enum(PROCESSING_STAGES).optional(),
    media: mediaInfoSchema.optional(),
    error: uploadErrorInfoSchema.optional(),
    transcoder: z
      .enum(['ffmpeg', 'mediaconvert'])
      .optional()
      .describe('Which transcoder makes (or made) the outputs, from when processing chose it: long or large video goes to MediaConvert'),
    checksumAlgorithm: checksumAlgorithmSchema.optional().describe('CRC32C when the client asked for end-to-end checksums at create'),
    checksum: z
      .object({ algorithm: checksumAlgorithmSchema, type: z.literal('FULL_OBJECT'), value: z.string() })
      .optional()
      .describe("The whole file's CRC-32C (base64) as S3 verified it at complete; from uploaded on"),
  })
  .register(responseComponents, { id: 'Upload' });

const partUrlSchema = z.object({ partNumber: z.int().min(1), url: z.url() });

export const createdUploadSchema = z
  .object({
    uploadId,
    status: uploadStatusSchema,
    partSize: bytes,
    partCount: z.int().positive(),
    checksumAlgorithm: checksumAlgorithmSchema.optional(),
    parts: z
      .array(partUrlSchema)
      .describe(
        'URLs of parts 1 to min(partCount, parts.maxUrlsPerResponse of GET /config), none for a checksum upload; the rest from POST /uploads/{id}/parts',
      ),
    expiresAt: timestamp,
    partUrlsExpireAt: timestamp,
  })
  .register(responseComponents, { id: 'CreatedUpload' });

export const signedPartsSchema = z
  .object({ parts: z.array(partUrlSchema), partUrlsExpireAt: timestamp })
  .register(responseComponents, { id: 'SignedParts' });

export const uploadViewSchema = publicUploadSchema
  .extend({
    uploadedParts: z
      .array(z.object({ partNumber: z.int().min(1), size: bytes, etag: z.string(), checksumCRC32C: z.string().optional() }))
      .optional()
      .describe('While initiated: the parts S3 holds (the truth to resume from)'),
  })
  .register(responseComponents, { id: 'UploadView' });

export const downloadLinkSchema = z
  .object({
    url: z.url().describe("A presigned GET of the original, answered with Content-Disposition: attachment; filename*=UTF-8''… (the upload's filename) and its content type; Range requests get 206"),
    expiresAt: timestamp.describe('When the URL stops working; a download already under way goes on'),
  })
  .register(responseComponents, { id: 'DownloadLink' });

export const uploadListSchema = z
  .object({
    items: z.array(publicUploadSchema),
    cursor: z.string().optional().describe('Pass back as ?cursor= for the next page; absent on the last page'),
  })
  .register(responseComponents, { id: 'UploadList' });

export const pipelineConfigSchema = z
  .object({
    maxFileSize: bytes,
    acceptedTypes: z.record(mediaKindSchema, z.array(z.string())),
    parts: z.object({
      defaultSize: bytes,
      minSize: bytes,
      maxSize: bytes,
      maxCount: z.int().positive(),
      maxUrlsPerResponse: z.int().positive(),
      urlExpirySeconds: z.int().positive(),
    }),
    uploadExpirySeconds: z.int().positive(),
    filename: z.object({ maxLength: z.int().positive() }),
    metadata: z.object({ maxBytes: bytes, keyPattern: z.string() }),
    perUser: z.object({
      maxActiveUploads: z.int().nonnegative(),
      maxBytesInFlight: bytes,
      maxStoredBytes: bytes,
      maxUploadsPerHour: z.int().nonnegative(),
    }),
    checksums: z
      .object({ algorithms: z.array(checksumAlgorithmSchema), required: z.boolean() })
      .describe('required: POST /uploads refuses an upload without checksumAlgorithm (400 CHECKSUM_REQUIRED)'),
    webSocketUrl: z.url().optional().describe('Where live progress is served (docs/websocket.md); absent without it'),
  })
  .register(responseComponents, { id: 'PipelineConfig' });

// Companion's S3-multipart answers (docs/uppy.md), in the field names `@uppy/aws-s3` reads.

export const companionCreatedSchema = z
  .object({
    key: uploadId.describe('The upload id again: send it back as ?key= on every other Companion route'),
    uploadId,
  })
  .register(responseComponents, { id: 'CompanionCreated' });

export const companionSignedPartSchema = z
  .object({ url: z.url(), expires: z.int().positive().describe('Seconds the URL is valid for') })
  .register(responseComponents, { id: 'CompanionSignedPart' });

export const companionSignedPartsSchema = z
  .object({ presignedUrls: z.record(z.string().regex(/^[1-9][0-9]*$/), z.url()).describe('Each URL by its part number') })
  .register(responseComponents, { id: 'CompanionSignedParts' });

export const companionPartsSchema = z
  .array(z.object({ PartNumber: z.int().min(1), ETag: z.string(), Size: bytes }))
  .register(responseComponents, { id: 'CompanionParts', description: 'Every part S3 holds, in part-number order' });

export const companionCompletedSchema = z
  .object({ location: z.string().describe("The upload's place in this API, /uploads/{id}") })
  .register(responseComponents, { id: 'CompanionCompleted' });

export const companionUploadParametersSchema = z
  .object({
    method: z.literal('PUT'),
    url: z.url().describe("A presigned PUT of the whole file, signing its declared length and If-None-Match"),
    fields: z.object({ key: uploadId.describe('The upload id') }),
    headers: z
      .object({ 'content-type': z.string(), 'if-none-match': z.literal('*') })
      .describe('Send these with the PUT: the URL signs If-None-Match, so S3 writes the original once and refuses to replace it (412)'),
  })
  .register(responseComponents, { id: 'CompanionUploadParameters' });

export const companionEmptySchema = z.object({}).strict().register(responseComponents, { id: 'CompanionEmpty' });

/**
 * The handlers' error answer: `{ error: { code, message } }`, with the codes one route gives at
 * one status; on Companion routes (`topLevelMessage`) with the message also at the top, as Uppy reads it.
 */
export function errorBodySchema(codes: readonly [string, ...string[]], topLevelMessage = false) {
  const error = z.object({ code: z.enum(codes), message: z.string() });
  return topLevelMessage ? z.object({ message: z.string(), error }) : z.object({ error });
}

/** API Gateway's own answers (authorizer, throttle, payload limit, crashed function): `{ message }`. */
export function gatewayMessageSchema(message: string) {
  return z.object({ message: z.literal(message) });
}
