import { createPublicKey, type KeyObject } from 'node:crypto';
import { ConfigError } from './errors.js';
import { MAX_CONNECTIONS_PER_OWNER as DEFAULT_MAX_CONNECTIONS_PER_USER } from '../../client/protocol.js';
import { DEFAULT_UPLOAD_POLICY, type UploadPolicy } from './mediaPolicy.js';
import { type ProcessingLimits, resolveProcessingLimits } from '../process-upload/plan/processingLimits.js';
import { parseSweepSettings, type SweepSettings } from './sweepSettings.js';
import { DEFAULT_RETENTION_SETTINGS, parseRetentionSettings, type RetentionSettings } from './retentionSettings.js';
import { type MediaConvertSettings, parseMediaConvertSettings } from '../process-upload/mediaconvert/mediaConvertSettings.js';
import { TRANSCODER_SETTINGS, type TranscoderSetting } from '../process-upload/plan/transcoderRouting.js';

/**
 * The one place a function reads its environment. The CDK sets these variables; local mode
 * sets the same ones. Each getter throws a ConfigError naming the missing variable, and a
 * handler calls the getters it needs at module init, so a misdeployed function fails at
 * cold start instead of on some request.
 */
export const ENV = {
  uploadsTable: 'UPLOADS_TABLE',
  usageTable: 'USAGE_TABLE',
  uploadsBucket: 'UPLOADS_BUCKET',
  mediaBucket: 'MEDIA_BUCKET',
  mediaBaseUrl: 'MEDIA_BASE_URL',
  uploadPolicy: 'UPLOAD_POLICY',
  processQueueUrl: 'PROCESS_QUEUE_URL',
  invalidationQueueUrl: 'INVALIDATION_QUEUE_URL',
  s3Endpoint: 'S3_ENDPOINT',
  dynamoDbEndpoint: 'DYNAMODB_ENDPOINT',
  sqsEndpoint: 'SQS_ENDPOINT',
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

/** The per-user usage counters (`lambdas/shared/usage/`); every function that moves records needs it. */
export function usageTableName(): string {
  return required(ENV.usageTable);
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

/** URL of the queue that feeds the process function (S3's object events, and the sweep's re-sends). */
export function processQueueUrl(): string {
  return required(ENV.processQueueUrl);
}

/**
 * URL of the queue of CDN invalidation requests: a delete sends an upload's id there, and the
 * invalidate-media function reads it back (and delays a message it retries).
 */
export function invalidationQueueUrl(): string {
  return required(ENV.invalidationQueueUrl);
}

/** Set only in local mode: the URL of local mode's SQS endpoint. */
export function sqsEndpoint(): string | undefined {
  return optional(ENV.sqsEndpoint);
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
  cachedRetention = undefined;
}

/** Settings only the process function reads. */
export const PROCESSING_ENV = {
  ffmpegPath: 'FFMPEG_PATH',
  ffprobePath: 'FFPROBE_PATH',
  processingLimits: 'PROCESSING_LIMITS',
  maxReceiveCount: 'PROCESS_MAX_RECEIVE_COUNT',
  malwareScan: 'MALWARE_SCAN',
} as const;

/**
 * Whether originals wait for a malware scan verdict before processing (`MALWARE_SCAN=on`: the
 * stack with `malwareScan.enabled`, local mode with its scanner double); unset or `off`, not.
 */
export function malwareScanEnabled(): boolean {
  const raw = optional(PROCESSING_ENV.malwareScan) ?? 'off';
  if (raw !== 'on' && raw !== 'off') throw new ConfigError(`${PROCESSING_ENV.malwareScan} must be on or off, got ${raw}`);
  return raw === 'on';
}

/** The ffmpeg binary: `/opt/bin/ffmpeg` from the layer as the stack sets it; unset, `ffmpeg` on PATH (local mode). */
export function ffmpegPath(): string {
  return optional(PROCESSING_ENV.ffmpegPath) ?? 'ffmpeg';
}

/** The ffprobe binary: `/opt/bin/ffprobe` from the layer as the stack sets it; unset, `ffprobe` on PATH (local mode). */
export function ffprobePath(): string {
  return optional(PROCESSING_ENV.ffprobePath) ?? 'ffprobe';
}

/** Duration and resolution limits from `PROCESSING_LIMITS` (JSON, merged over the defaults). */
export function processingLimits(): ProcessingLimits {
  const raw = optional(PROCESSING_ENV.processingLimits);
  if (raw === undefined) return resolveProcessingLimits({});
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch (cause) {
    throw new ConfigError(`${PROCESSING_ENV.processingLimits} is not valid JSON: ${raw.slice(0, 80)}`, { cause });
  }
  return resolveProcessingLimits(parsed, PROCESSING_ENV.processingLimits);
}

/**
 * How many times the queue hands out one event before dead-lettering it (the queue's
 * maxReceiveCount, 3 unless set): the attempt that reaches it fails the upload instead of
 * leaving it in `processing`.
 */
export function processMaxReceiveCount(): number {
  const raw = optional(PROCESSING_ENV.maxReceiveCount);
  if (raw === undefined) return 3;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 1) {
    throw new ConfigError(`${PROCESSING_ENV.maxReceiveCount} must be a whole number of at least 1, got ${raw}`);
  }
  return value;
}

/** Which transcoder processing uses for video, and MediaConvert's settings when it may use it. */
export const TRANSCODER_ENV = {
  transcoder: 'TRANSCODER',
  mediaConvertSettings: 'MEDIACONVERT_SETTINGS',
} as const;

/** `TRANSCODER`: `auto`, `ffmpeg` or `mediaconvert`; unset means `ffmpeg` (a stack without MediaConvert). */
export function transcoderSetting(): TranscoderSetting {
  const raw = optional(TRANSCODER_ENV.transcoder) ?? 'ffmpeg';
  if (!(TRANSCODER_SETTINGS as readonly string[]).includes(raw)) {
    throw new ConfigError(`${TRANSCODER_ENV.transcoder} must be one of ${TRANSCODER_SETTINGS.join(', ')}, got ${raw}`);
  }
  return raw as TranscoderSetting;
}

/** MediaConvert's queue, role, routing and endpoint from `MEDIACONVERT_SETTINGS` (JSON). */
export function mediaConvertSettings(): MediaConvertSettings {
  const raw = required(TRANSCODER_ENV.mediaConvertSettings);
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch (cause) {
    throw new ConfigError(`${TRANSCODER_ENV.mediaConvertSettings} is not valid JSON: ${raw.slice(0, 80)}`, { cause });
  }
  return parseMediaConvertSettings(parsed, TRANSCODER_ENV.mediaConvertSettings);
}

/** Settings only the invalidate-media function reads. */
export const CDN_ENV = {
  distributionId: 'DISTRIBUTION_ID',
} as const;

/** The CloudFront distribution that serves the media bucket, whose cached outputs a delete invalidates. */
export function distributionId(): string {
  return required(CDN_ENV.distributionId);
}

/** Settings only the sweep function reads. */
export const SWEEP_ENV = {
  sweepSettings: 'SWEEP_SETTINGS',
} as const;

/** The sweep's timings and limits from `SWEEP_SETTINGS` (JSON, every field required). */
export function sweepSettings(): SweepSettings {
  const raw = required(SWEEP_ENV.sweepSettings);
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch (cause) {
    throw new ConfigError(`${SWEEP_ENV.sweepSettings} is not valid JSON: ${raw.slice(0, 80)}`, { cause });
  }
  return parseSweepSettings(parsed, SWEEP_ENV.sweepSettings);
}

/** The retention rules: read by the retention job and by `transition` (which stamps a record's TTL). */
export const RETENTION_ENV = {
  retentionSettings: 'RETENTION_SETTINGS',
} as const;

let cachedRetention: RetentionSettings | undefined;

/**
 * The retention rules from `RETENTION_SETTINGS` (JSON, every field required). Unset, the
 * construct's defaults: a function outside a `MediaPipeline` (a test harness, a bench) writes
 * records as a default pipeline would; the stack sets it on every function that writes records.
 */
export function retentionSettings(): RetentionSettings {
  if (cachedRetention) return cachedRetention;
  const raw = optional(RETENTION_ENV.retentionSettings);
  if (raw === undefined) return (cachedRetention = DEFAULT_RETENTION_SETTINGS);
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch (cause) {
    throw new ConfigError(`${RETENTION_ENV.retentionSettings} is not valid JSON: ${raw.slice(0, 80)}`, { cause });
  }
  cachedRetention = parseRetentionSettings(parsed, RETENTION_ENV.retentionSettings);
  return cachedRetention;
}

/** Settings only the live-progress functions read (lib/ProgressApi.ts sets them; local mode too). */
export const PROGRESS_ENV = {
  connectionsTable: 'CONNECTIONS_TABLE',
  callbackUrl: 'WEBSOCKET_CALLBACK_URL',
  jwtIssuer: 'JWT_ISSUER',
  jwtAudience: 'JWT_AUDIENCE',
  jwksUrl: 'JWKS_URL',
  webSocketUrl: 'WEBSOCKET_URL',
  maxConnectionsPerUser: 'MAX_CONNECTIONS_PER_USER',
} as const;

/** Live connections one user may hold at once (`$connect` answers 429 past it). */
export function maxConnectionsPerUser(): number {
  const raw = optional(PROGRESS_ENV.maxConnectionsPerUser);
  if (raw === undefined) return DEFAULT_MAX_CONNECTIONS_PER_USER;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 1) {
    throw new ConfigError(`${PROGRESS_ENV.maxConnectionsPerUser} must be a whole number of at least 1, got ${raw}`);
  }
  return value;
}

/** The WebSocket URL clients connect to for live progress (`GET /config` reports it); unset when the stack has none. */
export function webSocketUrl(): string | undefined {
  return optional(PROGRESS_ENV.webSocketUrl);
}

/** The Connections table: one item per subscription (lib/connectionsTableSchema.ts). */
export function connectionsTableName(): string {
  return required(PROGRESS_ENV.connectionsTable);
}

/** The management API's URL of the WebSocket stage (`https://{api}.execute-api.{region}.amazonaws.com/{stage}`), which connections are posted through. */
export function webSocketCallbackUrl(): string {
  return required(PROGRESS_ENV.callbackUrl).replace(/\/+$/, '');
}

export interface JwtSettings {
  readonly issuer: string;
  /** Accepted `aud` values (or `client_id`, on Cognito access tokens without `aud`). */
  readonly audience: readonly string[];
  /**
   * Where the issuer's signing keys are: set for a Cognito pool (`{issuer}/.well-known/jwks.json`)
   * and in local mode; unset, the authorizer reads `jwks_uri` from the issuer's OpenID configuration.
   */
  readonly jwksUrl?: string;
}

/** The issuer and audiences the WebSocket authorizer accepts: the same as the HTTP API's JWT authorizer. */
export function jwtSettings(): JwtSettings {
  const audience = required(PROGRESS_ENV.jwtAudience)
    .split(',')
    .map((value) => value.trim())
    .filter(Boolean);
  if (audience.length === 0) throw new ConfigError(`${PROGRESS_ENV.jwtAudience} names no audience`);
  const jwksUrl = optional(PROGRESS_ENV.jwksUrl);
  return { issuer: required(PROGRESS_ENV.jwtIssuer), audience, ...(jwksUrl === undefined ? {} : { jwksUrl }) };
}

/** Media access (lib/Cdn.ts `access`): set on the functions that hand out or serve media URLs. */
export const MEDIA_ACCESS_ENV = {
  access: 'MEDIA_ACCESS',
  urlLifetimeSeconds: 'MEDIA_URL_LIFETIME_SECONDS',
  signingKeyPairId: 'MEDIA_SIGNING_KEY_PAIR_ID',
  signingKeySecret: 'MEDIA_SIGNING_KEY_SECRET',
  publicKeys: 'MEDIA_PUBLIC_KEYS',
  secretsManagerEndpoint: 'SECRETS_MANAGER_ENDPOINT',
} as const;

export const MEDIA_ACCESS_MODES = ['public', 'signed'] as const;
export type MediaAccess = (typeof MEDIA_ACCESS_MODES)[number];

/** `MEDIA_ACCESS`: `signed` when CloudFront serves media only on a valid signature; unset means `public`. */
export function mediaAccess(): MediaAccess {
  const raw = optional(MEDIA_ACCESS_ENV.access) ?? 'public';
  if (!(MEDIA_ACCESS_MODES as readonly string[]).includes(raw)) {
    throw new ConfigError(`${MEDIA_ACCESS_ENV.access} must be one of ${MEDIA_ACCESS_MODES.join(', ')}, got ${raw}`);
  }
  return raw as MediaAccess;
}

export interface MediaSigningSettings {
  /** The CloudFront public key id URLs are signed for (`Key-Pair-Id`). */
  readonly keyPairId: string;
  /** The Secrets Manager secret (ARN) that holds its private key, PEM. */
  readonly secretId: string;
  /** How long a signed URL works. */
  readonly urlLifetimeSeconds: number;
}

/** What a function that signs media URLs needs (only under `signed` access). */
export function mediaSigningSettings(): MediaSigningSettings {
  const rawLifetime = required(MEDIA_ACCESS_ENV.urlLifetimeSeconds);
  const urlLifetimeSeconds = Number(rawLifetime);
  if (!Number.isInteger(urlLifetimeSeconds) || urlLifetimeSeconds < 60) {
    throw new ConfigError(`${MEDIA_ACCESS_ENV.urlLifetimeSeconds} must be a whole number of seconds, at least 60, got ${rawLifetime}`);
  }
  return { keyPairId: required(MEDIA_ACCESS_ENV.signingKeyPairId), secretId: required(MEDIA_ACCESS_ENV.signingKeySecret), urlLifetimeSeconds };
}

/** The key group's public keys by id (`MEDIA_PUBLIC_KEYS`, JSON `{ id: PEM }`), for the playlist origin's own check. */
export function mediaPublicKeys(): ReadonlyMap<string, KeyObject> {
  const raw = required(MEDIA_ACCESS_ENV.publicKeys);
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch (cause) {
    throw new ConfigError(`${MEDIA_ACCESS_ENV.publicKeys} is not valid JSON: ${raw.slice(0, 80)}`, { cause });
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed) || Object.keys(parsed).length === 0) {
    throw new ConfigError(`${MEDIA_ACCESS_ENV.publicKeys} must be a JSON object of at least one key id and PEM, got ${raw.slice(0, 80)}`);
  }
  const keys = new Map<string, KeyObject>();
  for (const [id, pem] of Object.entries(parsed)) {
    try {
      keys.set(id, createPublicKey(String(pem)));
    } catch (cause) {
      throw new ConfigError(`${MEDIA_ACCESS_ENV.publicKeys}: the key of ${id} is not a PEM public key`, { cause });
    }
  }
  return keys;
}

/** Set only in local mode: the URL of local mode's Secrets Manager endpoint. */
export function secretsManagerEndpoint(): string | undefined {
  return optional(MEDIA_ACCESS_ENV.secretsManagerEndpoint);
}

/** Settings of the event publisher and the webhook deliverer (lib/UploadEvents.ts sets them; local mode too). */
export const EVENTS_ENV = {
  eventBusName: 'EVENT_BUS_NAME',
  eventBridgeEndpoint: 'EVENTBRIDGE_ENDPOINT',
  webhooks: 'WEBHOOKS',
  webhookQueueUrl: 'WEBHOOK_QUEUE_URL',
  webhookRetryDelays: 'WEBHOOK_RETRY_DELAYS',
  webhookLoopback: 'WEBHOOK_LOOPBACK',
} as const;

/** The bus every state change is put on. */
export function eventBusName(): string {
  return required(EVENTS_ENV.eventBusName);
}

/** Set only in local mode: the URL of local mode's stand-in for EventBridge's PutEvents. */
export function eventBridgeEndpoint(): string | undefined {
  return optional(EVENTS_ENV.eventBridgeEndpoint);
}

/** The queue webhook deliveries come from, whose messages a failed delivery hides for its backoff. */
export function webhookQueueUrl(): string {
  return required(EVENTS_ENV.webhookQueueUrl);
}

/**
 * Set only in local mode (`allow`): its receivers run on this machine, so the deliverer sends to
 * loopback hosts. The stack never sets it: there a loopback URL reaches the Lambda runtime.
 */
export function webhookLoopbackAllowed(): boolean {
  return optional(EVENTS_ENV.webhookLoopback) === 'allow';
}

/** Where one webhook delivers, and the Secrets Manager secret (ARN) of its signing secret. */
export interface WebhookTarget {
  readonly url: string;
  readonly secretArn: string;
}

/** The webhooks by id, from `WEBHOOKS` (JSON `{ id: { url, secretArn } }`): a message names its webhook by id only. */
export function webhookTargets(): ReadonlyMap<string, WebhookTarget> {
  const raw = required(EVENTS_ENV.webhooks);
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch (cause) {
    throw new ConfigError(`${EVENTS_ENV.webhooks} is not valid JSON: ${raw.slice(0, 80)}`, { cause });
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new ConfigError(`${EVENTS_ENV.webhooks} must be a JSON object of webhook ids, got ${raw.slice(0, 80)}`);
  }
  const targets = new Map<string, WebhookTarget>();
  for (const [id, value] of Object.entries(parsed)) {
    const { url, secretArn } = (value ?? {}) as Partial<WebhookTarget>;
    if (typeof url !== 'string' || !isDeliverableUrl(url) || typeof secretArn !== 'string' || secretArn === '') {
      throw new ConfigError(
        `${EVENTS_ENV.webhooks}: webhook ${id} needs a url (https, or http to a loopback host as in local mode) and a secretArn, got ${JSON.stringify(value).slice(0, 120)}`,
      );
    }
    targets.set(id, { url, secretArn });
  }
  return targets;
}

const LOOPBACK_HOST = /^(localhost|127(\.\d{1,3}){3}|\[::1\])$/;

/**
 * https anywhere; plain http only to a receiver on this machine (local mode). Synth checks a
 * literal URL, but not one that is a deploy-time token, so the deliverer checks again rather
 * than send upload records in clear text.
 */
function isDeliverableUrl(value: string): boolean {
  try {
    const url = new URL(value);
    return url.protocol === 'https:' || (url.protocol === 'http:' && LOOPBACK_HOST.test(url.hostname));
  } catch {
    return false;
  }
}

/**
 * The wait before each retry of a failed delivery, in seconds (`WEBHOOK_RETRY_DELAYS`, a JSON
 * array; unset, `defaults`): the queue's maxReceiveCount is one more than their number.
 */
export function webhookRetryDelays(defaults: readonly number[]): readonly number[] {
  const raw = optional(EVENTS_ENV.webhookRetryDelays);
  if (raw === undefined) return defaults;
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch (cause) {
    throw new ConfigError(`${EVENTS_ENV.webhookRetryDelays} is not valid JSON: ${raw.slice(0, 80)}`, { cause });
  }
  // SQS hides a message for at most 12 hours at a time.
  if (!Array.isArray(parsed) || parsed.length === 0 || !parsed.every((delay) => Number.isInteger(delay) && delay >= 0 && delay <= 43_200)) {
    throw new ConfigError(`${EVENTS_ENV.webhookRetryDelays} must be a JSON array of whole seconds from 0 to 43200, got ${raw.slice(0, 80)}`);
  }
  return parsed as number[];
}
