import { ENV, EVENTS_ENV, MEDIA_ACCESS_ENV, PROCESSING_ENV, PROGRESS_ENV, RETENTION_ENV, SWEEP_ENV, TRANSCODER_ENV } from '../lambdas/shared/config.js';
import type { RetentionSettings } from '../lambdas/shared/retentionSettings.js';
import type { MediaConvertSettings } from '../lambdas/process-upload/mediaconvert/mediaConvertSettings.js';
import type { TranscoderSetting } from '../lambdas/process-upload/plan/transcoderRouting.js';
import type { UploadPolicy } from '../lambdas/shared/mediaPolicy.js';
import type { SweepSettings } from '../lambdas/shared/sweepSettings.js';
import type { LocalCredentials } from './localDefaults.js';

export interface HandlerEnvironmentInput {
  /** The S3 endpoint as clients reach it: part URLs are signed for this host. */
  readonly s3Endpoint: string;
  readonly dynamoDbEndpoint: string;
  readonly sqsEndpoint: string;
  /** The local process queue's URL at the SQS endpoint. */
  readonly processQueueUrl: string;
  /** The local queue of CDN invalidation requests (a delete sends to it; nothing invalidates, as there is no CDN). */
  readonly invalidationQueueUrl: string;
  readonly uploadsBucket: string;
  readonly mediaBucket: string;
  readonly uploadsTable: string;
  readonly usageTable: string;
  readonly region: string;
  readonly credentials: LocalCredentials;
  /** Passed as `UPLOAD_POLICY`; absent leaves the variable as the shell set it. */
  readonly uploadPolicy?: Partial<UploadPolicy>;
  /** The local queue's receives before dead-lettering, which the process function must know. */
  readonly maxReceiveCount: number;
  /** The binaries processing runs (`FFMPEG_PATH`/`FFPROBE_PATH`); absent leaves the variables as the shell set them. */
  readonly ffmpeg?: { readonly ffmpeg: string; readonly ffprobe: string };
  /** What the sweep function is told. */
  readonly sweepSettings: SweepSettings;
  /** The retention rules (`RETENTION_SETTINGS`): every function that writes records, and the retention job. */
  readonly retentionSettings: RetentionSettings;
  /** What the live-progress functions are told, and `GET /config`'s `webSocketUrl`. */
  readonly progress: {
    readonly connectionsTable: string;
    /** The management API (`/@connections/{id}`) as the functions reach it: on loopback. */
    readonly callbackUrl: string;
    readonly jwtIssuer: string;
    readonly jwtAudience: string;
    readonly jwksUrl: string;
    /** The WebSocket URL as clients reach it. */
    readonly webSocketUrl: string;
    /** Absent leaves the functions' default (20). */
    readonly maxConnectionsPerUser?: number;
  };
  /**
   * Signed media access: the local media server is the base of media URLs, and the functions
   * sign with the local key, read from the local Secrets Manager endpoint. Absent: public access,
   * media URLs point at the emulator's public media bucket.
   */
  readonly signedMedia?: {
    readonly mediaBaseUrl: string;
    readonly keyPairId: string;
    readonly secretArn: string;
    readonly publicKeysJson: string;
    readonly urlLifetimeSeconds: number;
    readonly secretsManagerEndpoint: string;
  };
  /** The event publisher's bus (local mode's stand-in, behind a PutEvents endpoint) and, with webhooks, what the deliverer is told. */
  readonly events: {
    readonly eventBridgeEndpoint: string;
    readonly eventBusName: string;
    readonly webhooks?: {
      readonly queueUrl: string;
      readonly targets: Readonly<Record<string, { readonly url: string; readonly secretArn: string }>>;
      readonly retryDelaysSeconds: readonly number[];
      readonly secretsManagerEndpoint: string;
    };
  };
  /** The transcoder setting and MediaConvert (the emulator's) settings; absent: ffmpeg only. */
  readonly transcoder?: { readonly setting: TranscoderSetting; readonly mediaConvert: MediaConvertSettings };
  /** Originals wait for the (local double's) malware scan verdict: `MALWARE_SCAN=on`. */
  readonly malwareScan?: boolean;
}

/**
 * The variables the stack sets on the functions, plus the emulator endpoints and fake
 * credentials, and the ffmpeg local mode chose (resolveLocalFfmpeg).
 */
export function handlerEnvironment(input: HandlerEnvironmentInput): Record<string, string> {
  return {
    [ENV.uploadsTable]: input.uploadsTable,
    [ENV.usageTable]: input.usageTable,
    [ENV.uploadsBucket]: input.uploadsBucket,
    [ENV.mediaBucket]: input.mediaBucket,
    [ENV.mediaBaseUrl]: input.signedMedia?.mediaBaseUrl ?? `${input.s3Endpoint}/${input.mediaBucket}`,
    ...(input.signedMedia
      ? {
          [MEDIA_ACCESS_ENV.access]: 'signed',
          [MEDIA_ACCESS_ENV.urlLifetimeSeconds]: String(input.signedMedia.urlLifetimeSeconds),
          [MEDIA_ACCESS_ENV.signingKeyPairId]: input.signedMedia.keyPairId,
          [MEDIA_ACCESS_ENV.signingKeySecret]: input.signedMedia.secretArn,
          [MEDIA_ACCESS_ENV.publicKeys]: input.signedMedia.publicKeysJson,
          [MEDIA_ACCESS_ENV.secretsManagerEndpoint]: input.signedMedia.secretsManagerEndpoint,
        }
      : {}),
    [ENV.s3Endpoint]: input.s3Endpoint,
    [ENV.dynamoDbEndpoint]: input.dynamoDbEndpoint,
    [ENV.sqsEndpoint]: input.sqsEndpoint,
    [ENV.processQueueUrl]: input.processQueueUrl,
    [ENV.invalidationQueueUrl]: input.invalidationQueueUrl,
    ...(input.uploadPolicy ? { [ENV.uploadPolicy]: JSON.stringify(input.uploadPolicy) } : {}),
    [PROCESSING_ENV.maxReceiveCount]: String(input.maxReceiveCount),
    [PROCESSING_ENV.malwareScan]: input.malwareScan ? 'on' : 'off',
    ...(input.ffmpeg ? { [PROCESSING_ENV.ffmpegPath]: input.ffmpeg.ffmpeg, [PROCESSING_ENV.ffprobePath]: input.ffmpeg.ffprobe } : {}),
    [SWEEP_ENV.sweepSettings]: JSON.stringify(input.sweepSettings),
    [RETENTION_ENV.retentionSettings]: JSON.stringify(input.retentionSettings),
    [PROGRESS_ENV.connectionsTable]: input.progress.connectionsTable,
    [PROGRESS_ENV.callbackUrl]: input.progress.callbackUrl,
    [PROGRESS_ENV.jwtIssuer]: input.progress.jwtIssuer,
    [PROGRESS_ENV.jwtAudience]: input.progress.jwtAudience,
    [PROGRESS_ENV.jwksUrl]: input.progress.jwksUrl,
    [PROGRESS_ENV.webSocketUrl]: input.progress.webSocketUrl,
    ...(input.progress.maxConnectionsPerUser === undefined ? {} : { [PROGRESS_ENV.maxConnectionsPerUser]: String(input.progress.maxConnectionsPerUser) }),
    [EVENTS_ENV.eventBridgeEndpoint]: input.events.eventBridgeEndpoint,
    [EVENTS_ENV.eventBusName]: input.events.eventBusName,
    ...(input.events.webhooks
      ? {
          [EVENTS_ENV.webhookQueueUrl]: input.events.webhooks.queueUrl,
          [EVENTS_ENV.webhooks]: JSON.stringify(input.events.webhooks.targets),
          [EVENTS_ENV.webhookRetryDelays]: JSON.stringify(input.events.webhooks.retryDelaysSeconds),
          [MEDIA_ACCESS_ENV.secretsManagerEndpoint]: input.events.webhooks.secretsManagerEndpoint,
          // Local mode's receivers are on this machine; the stack never sets this.
          [EVENTS_ENV.webhookLoopback]: 'allow',
        }
      : {}),
    [TRANSCODER_ENV.transcoder]: input.transcoder?.setting ?? 'ffmpeg',
    ...(input.transcoder ? { [TRANSCODER_ENV.mediaConvertSettings]: JSON.stringify(input.transcoder.mediaConvert) } : {}),
    AWS_REGION: input.region,
    AWS_ACCESS_KEY_ID: input.credentials.accessKeyId,
    AWS_SECRET_ACCESS_KEY: input.credentials.secretAccessKey,
  };
}

let applied: Readonly<Record<string, string>> | undefined;

/**
 * Sets the handlers' environment on this process. Handlers read it once, when they are first
 * imported (their S3 and DynamoDB clients keep the endpoints they were created with), so a
 * second start in the same process must use the same environment: same ports, same policy.
 */
export function applyHandlerEnvironment(env: Readonly<Record<string, string>>): void {
  if (applied) {
    const changed = Object.keys({ ...applied, ...env }).filter((name) => applied?.[name] !== env[name]);
    if (changed.length > 0) {
      throw new Error(
        `Local mode already ran in this process with other settings (${changed.join(', ')}); handlers keep the ` +
          'configuration they were imported with, so restart in the same process with the same ports and policy, or in a new process',
      );
    }
  }
  Object.assign(process.env, env);
  applied = { ...env };
}
