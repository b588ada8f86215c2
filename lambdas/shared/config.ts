import { ConfigError } from './errors.js';
import { DEFAULT_UPLOAD_POLICY, type UploadPolicy } from './mediaPolicy.js';

/**
 * The one place a function reads its environment. The CDK sets these variables; local mode
 * sets the same ones. Each getter throws a ConfigError naming the missing variable, and a
 * handler calls the getters it needs at module init, so a misdeployed function fails at
 * cold start instead of on some request.
 */
export const ENV = {
  uploadsTable: 'UPLOADS_TABLE',
  uploadsBucket: 'UPLOADS_BUCKET',
  mediaBucket: 'MEDIA_BUCKET',
  mediaBaseUrl: 'MEDIA_BASE_URL',
  uploadPolicy: 'UPLOAD_POLICY',
  s3Endpoint: 'S3_ENDPOINT',
  dynamoDbEndpoint: 'DYNAMODB_ENDPOINT',
} as const;

function required(name: string): string {
  const value = process.env[name];
  if (value === undefined || value.trim() === '') {
    throw new ConfigError(`Environment variable ${name} is not set`);
  }
  return value;
}

function optional(name: string): string | undefined {
  const value = process.env[name];
  return value === undefined || value.trim() === '' ? undefined : value;
}

export function uploadsTableName(): string {
  return required(ENV.uploadsTable);
}

export function uploadsBucketName(): string {
  return required(ENV.uploadsBucket);
}

export function mediaBucketName(): string {
  return required(ENV.mediaBucket);
}

/** Base URL that output keys are appended to (the CDN domain, or the emulator's bucket URL). */
export function mediaBaseUrl(): string {
  return required(ENV.mediaBaseUrl).replace(/\/+$/, '');
}

/** Set only in local mode: the S3 emulator's URL. */
export function s3Endpoint(): string | undefined {
  return optional(ENV.s3Endpoint);
}

/** Set only in local mode: the DynamoDB emulator's URL. */
export function dynamoDbEndpoint(): string | undefined {
  return optional(ENV.dynamoDbEndpoint);
}

let cachedPolicy: UploadPolicy | undefined;

/** The upload policy from `UPLOAD_POLICY` (JSON, merged over the defaults). */
export function uploadPolicy(): UploadPolicy {
  if (cachedPolicy) return cachedPolicy;
  const raw = optional(ENV.uploadPolicy);
  if (raw === undefined) {
    cachedPolicy = DEFAULT_UPLOAD_POLICY;
    return cachedPolicy;
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch (cause) {
    throw new ConfigError(`${ENV.uploadPolicy} is not valid JSON: ${raw.slice(0, 80)}`, { cause });
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new ConfigError(`${ENV.uploadPolicy} must be a JSON object, got ${raw.slice(0, 80)}`);
  }
  cachedPolicy = { ...DEFAULT_UPLOAD_POLICY, ...(parsed as Partial<UploadPolicy>) };
  return cachedPolicy;
}

/** Tests change the environment between cases; this forgets what was read. */
export function resetConfigCache(): void {
  cachedPolicy = undefined;
}
