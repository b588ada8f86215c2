import { Duration, RemovalPolicy, Size } from 'aws-cdk-lib';
import { Architecture } from 'aws-cdk-lib/aws-lambda';
import { StorageClass } from 'aws-cdk-lib/aws-s3';
import type { Node } from 'constructs';
import type { MediaKind } from '../lambdas/shared/mediaPolicy.js';
import { TRANSCODER_SETTINGS, type TranscoderSetting } from '../lambdas/process-upload/plan/transcoderRouting.js';
import type { MediaAccess } from '../lambdas/shared/config.js';
import type { ReadyOriginalAction } from '../lambdas/shared/retentionSettings.js';
import type { MediaPipelineProps } from './MediaPipeline.js';

/**
 * The context keys `bin/app.ts` reads (`cdk synth -c key=value`, or `context` in cdk.json).
 * Sizes take bytes or a unit (`500MiB`, `20GiB`); durations take seconds or a unit (`15m`,
 * `24h`, `2d`); lists are comma-separated.
 */
export const CONTEXT_KEYS = {
  maxFileSize: 'size',
  acceptedAudioTypes: 'list',
  acceptedVideoTypes: 'list',
  acceptedImageTypes: 'list',
  defaultPartSize: 'size',
  minPartSize: 'size',
  maxPartSize: 'size',
  maxPartUrlsPerResponse: 'integer',
  partUrlExpiry: 'duration',
  uploadExpiry: 'duration',
  maxMetadataBytes: 'integer',
  maxActiveUploadsPerUser: 'integer',
  maxBytesInFlightPerUser: 'size',
  maxStoredBytesPerUser: 'size',
  maxUploadsPerHourPerUser: 'integer',
  requireChecksums: 'boolean',
  corsOrigins: 'list',
  demoPage: 'boolean',
  removalPolicy: 'retain | destroy',
  jwtIssuer: 'https URL',
  jwtAudience: 'list',
  threatProtection: 'boolean',
  selfSignUp: 'boolean',
  apiRateLimit: 'number',
  apiBurstLimit: 'integer',
  processingArchitecture: 'arm64 | x86_64',
  transcoder: 'auto | ffmpeg | mediaconvert',
  malwareScan: 'boolean',
  sweepInterval: 'duration',
  stallMargin: 'duration',
  progress: 'boolean',
  access: 'public | signed',
  signedUrlLifetime: 'duration',
  signingKeys: 'list',
  // Read by readWebhookContext.ts: the secrets are imported into the stack.
  webhooks: 'JSON list of { id, url, secretArn, events? }',
  readyOriginals: 'keep | archive | delete',
  archiveAfter: 'duration',
  archiveStorageClass: 'GLACIER_IR | STANDARD_IA | INTELLIGENT_TIERING',
  deleteFailedAfter: 'duration',
  removeRecordsAfter: 'duration',
  retentionInterval: 'duration',
} as const;

const SIZE_UNITS: Record<string, (amount: number) => Size> = {
  '': Size.bytes,
  b: Size.bytes,
  kib: Size.kibibytes,
  mib: Size.mebibytes,
  gib: Size.gibibytes,
  tib: Size.tebibytes,
};

const DURATION_UNITS: Record<string, (amount: number) => Duration> = {
  '': Duration.seconds,
  s: Duration.seconds,
  m: Duration.minutes,
  h: Duration.hours,
  d: Duration.days,
};

/** The pipeline props that the app's context sets; keys not given keep the construct's defaults. */
export function readPipelineContext(node: Node): MediaPipelineProps {
  const read = (key: keyof typeof CONTEXT_KEYS): string | undefined => {
    const value: unknown = node.tryGetContext(key);
    if (value === undefined || value === null || value === '') return undefined;
    return Array.isArray(value) ? value.join(',') : String(value);
  };

  const accepted: Partial<Record<MediaKind, readonly string[]>> = {};
  const audio = read('acceptedAudioTypes');
  const video = read('acceptedVideoTypes');
  const image = read('acceptedImageTypes');
  if (audio !== undefined) accepted.audio = list(audio);
  if (video !== undefined) accepted.video = list(video);
  if (image !== undefined) accepted.image = list(image);

  const jwtIssuer = read('jwtIssuer');
  const jwtAudience = read('jwtAudience');
  if ((jwtIssuer === undefined) !== (jwtAudience === undefined)) {
    throw new Error(`context jwtIssuer and jwtAudience go together, got jwtIssuer=${jwtIssuer} and jwtAudience=${jwtAudience}`);
  }
  const threatProtection = optional(read('threatProtection'), (v) => boolean('threatProtection', v));
  const selfSignUp = optional(read('selfSignUp'), (v) => boolean('selfSignUp', v));
  const demoPage = optional(read('demoPage'), (v) => boolean('demoPage', v));
  if (jwtIssuer !== undefined && (threatProtection !== undefined || selfSignUp !== undefined)) {
    throw new Error('context threatProtection and selfSignUp configure the created user pool; with jwtIssuer none is created');
  }

  const rateLimit = optional(read('apiRateLimit'), (v) => number('apiRateLimit', v));
  const burstLimit = optional(read('apiBurstLimit'), (v) => integer('apiBurstLimit', v));
  const architecture = optional(read('processingArchitecture'), processingArchitecture);
  const transcoder = optional(read('transcoder'), transcoderSetting);

  const sweepInterval = optional(read('sweepInterval'), (v) => duration('sweepInterval', v));
  const stallMargin = optional(read('stallMargin'), (v) => duration('stallMargin', v));
  const progress = optional(read('progress'), (v) => boolean('progress', v));
  const retention = {
    // The construct checks the choice and the class, naming the value it refuses.
    readyOriginals: read('readyOriginals') as ReadyOriginalAction | undefined,
    archiveAfter: optional(read('archiveAfter'), (v) => duration('archiveAfter', v)),
    archiveStorageClass: optional(read('archiveStorageClass'), (v) => new StorageClass(v)),
    deleteFailedAfter: optional(read('deleteFailedAfter'), (v) => duration('deleteFailedAfter', v)),
    removeRecordsAfter: optional(read('removeRecordsAfter'), (v) => duration('removeRecordsAfter', v)),
    interval: optional(read('retentionInterval'), (v) => duration('retentionInterval', v)),
  };

  return {
    maxFileSize: optional(read('maxFileSize'), (v) => size('maxFileSize', v)),
    acceptedTypes: Object.keys(accepted).length > 0 ? accepted : undefined,
    defaultPartSize: optional(read('defaultPartSize'), (v) => size('defaultPartSize', v)),
    minPartSize: optional(read('minPartSize'), (v) => size('minPartSize', v)),
    maxPartSize: optional(read('maxPartSize'), (v) => size('maxPartSize', v)),
    maxPartUrlsPerResponse: optional(read('maxPartUrlsPerResponse'), (v) => integer('maxPartUrlsPerResponse', v)),
    partUrlExpiry: optional(read('partUrlExpiry'), (v) => duration('partUrlExpiry', v)),
    uploadExpiry: optional(read('uploadExpiry'), (v) => duration('uploadExpiry', v)),
    maxMetadataBytes: optional(read('maxMetadataBytes'), (v) => integer('maxMetadataBytes', v)),
    maxActiveUploadsPerUser: optional(read('maxActiveUploadsPerUser'), (v) => integer('maxActiveUploadsPerUser', v)),
    maxBytesInFlightPerUser: optional(read('maxBytesInFlightPerUser'), (v) => size('maxBytesInFlightPerUser', v)),
    maxStoredBytesPerUser: optional(read('maxStoredBytesPerUser'), (v) => size('maxStoredBytesPerUser', v)),
    maxUploadsPerHourPerUser: optional(read('maxUploadsPerHourPerUser'), (v) => integer('maxUploadsPerHourPerUser', v)),
    requireChecksums: optional(read('requireChecksums'), (v) => boolean('requireChecksums', v)),
    corsOrigins: optional(read('corsOrigins'), list),
    demoPage,
    removalPolicy: optional(read('removalPolicy'), removalPolicy),
    auth:
      jwtIssuer !== undefined && jwtAudience !== undefined
        ? { jwtIssuer, jwtAudience: list(jwtAudience) }
        : { userPool: { threatProtection, selfSignUp } },
    throttle: rateLimit !== undefined || burstLimit !== undefined ? { rateLimit, burstLimit } : undefined,
    processing: architecture !== undefined || transcoder !== undefined ? { architecture, transcoder } : undefined,
    sweep: sweepInterval !== undefined || stallMargin !== undefined ? { interval: sweepInterval, stallMargin } : undefined,
    progress: progress !== undefined ? { enabled: progress } : undefined,
    malwareScan: optional(read('malwareScan'), (v) => boolean('malwareScan', v)),
    // The construct checks the value and names it when it is neither public nor signed.
    access: read('access') as MediaAccess | undefined,
    signedUrlLifetime: optional(read('signedUrlLifetime'), (v) => duration('signedUrlLifetime', v)),
    signingKeys: optional(read('signingKeys'), list),
    retention: Object.values(retention).some((value) => value !== undefined) ? retention : undefined,
  };
}

function optional<T>(value: string | undefined, parse: (value: string) => T): T | undefined {
  return value === undefined ? undefined : parse(value);
}

function list(value: string): string[] {
  return value
    .split(',')
    .map((item) => item.trim())
    .filter((item) => item !== '');
}

function number(key: string, value: string): number {
  const parsed = Number(value);
  if (value.trim() === '' || !Number.isFinite(parsed) || parsed < 0) {
    throw new Error(`context ${key} must be a non-negative number, got '${value}'`);
  }
  return parsed;
}

function integer(key: string, value: string): number {
  const parsed = number(key, value);
  if (!Number.isInteger(parsed)) throw new Error(`context ${key} must be a whole number, got '${value}'`);
  return parsed;
}

function boolean(key: string, value: string): boolean {
  if (value === 'true') return true;
  if (value === 'false') return false;
  throw new Error(`context ${key} must be true or false, got '${value}'`);
}

function size(key: string, value: string): Size {
  const match = /^\s*(\d+(?:\.\d+)?)\s*([a-z]*)\s*$/i.exec(value);
  const unit = SIZE_UNITS[match?.[2]?.toLowerCase() ?? 'none'];
  if (!match || !unit) throw new Error(`context ${key} must be bytes or a size like 500MiB or 20GiB, got '${value}'`);
  return unit(Number(match[1]));
}

function duration(key: string, value: string): Duration {
  const match = /^\s*(\d+)\s*([a-z]*)\s*$/i.exec(value);
  const unit = DURATION_UNITS[match?.[2]?.toLowerCase() ?? 'none'];
  if (!match || !unit) throw new Error(`context ${key} must be seconds or a duration like 15m, 24h or 2d, got '${value}'`);
  return unit(Number(match[1]));
}

function transcoderSetting(value: string): TranscoderSetting {
  if ((TRANSCODER_SETTINGS as readonly string[]).includes(value)) return value as TranscoderSetting;
  throw new Error(`context transcoder must be ${TRANSCODER_SETTINGS.join(', ')}, got '${value}'`);
}

function processingArchitecture(value: string): Architecture {
  if (value === 'arm64') return Architecture.ARM_64;
  if (value === 'x86_64') return Architecture.X86_64;
  throw new Error(`context processingArchitecture must be arm64 or x86_64, got '${value}'`);
}

function removalPolicy(value: string): RemovalPolicy {
  if (value === 'retain') return RemovalPolicy.RETAIN;
  if (value === 'destroy') return RemovalPolicy.DESTROY;
  throw new Error(`context removalPolicy must be retain or destroy, got '${value}'`);
}
