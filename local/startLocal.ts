import { randomUUID } from 'node:crypto';
import { mkdir, rm } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { DynamoDBBatchResponse, S3Event, SQSBatchResponse } from 'aws-lambda';
import {
  DELIVER_WEBHOOKS_FUNCTION,
  APPLY_RETENTION_FUNCTION,
  EXPIRE_UPLOADS_FUNCTION,
  FAIL_DEAD_LETTERS_FUNCTION,
  MEDIACONVERT_STATUS_FUNCTION,
  PROCESS_UPLOAD_FUNCTION,
  PUBLISH_EVENTS_FUNCTION,
  SWEEP_UPLOADS_FUNCTION,
  UPLOADS_PREFIX,
} from '../lib/eventFunctions.js';
import { CONNECTIONS_TABLE_SCHEMA } from '../lib/connectionsTableSchema.js';
import { ROUTES } from '../lib/routes.js';
import { PUBLISH_PROGRESS_FUNCTION, WEBSOCKET_AUTHORIZER_FUNCTION, WEBSOCKET_ROUTES } from '../lib/webSocketRoutes.js';
import { USAGE_TABLE_SCHEMA } from '../lib/usageTableSchema.js';
import { UPLOADS_TABLE_SCHEMA } from '../lib/uploadsTableSchema.js';
import { invalidationRequestSchema } from '../lambdas/shared/invalidationRequest.js';
import type { UploadPolicy } from '../lambdas/shared/mediaPolicy.js';
import { onStateChange } from '../lambdas/shared/stateChanges.js';
import { WEBHOOK_RETRY_DELAYS_SECONDS, webhookMaxReceiveCount } from '../lambdas/shared/events/webhookRetrySchedule.js';
import { checkLocalWebhooks, type LocalWebhook } from './events/checkLocalWebhooks.js';
import { type BusEvent, LocalEventBus } from './events/LocalEventBus.js';
import { startEventBridgeEndpoint } from './events/startEventBridgeEndpoint.js';
import type { SweepSettings } from '../lambdas/shared/sweepSettings.js';
import { DEFAULT_RETENTION_SETTINGS, type RetentionSettings } from '../lambdas/shared/retentionSettings.js';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { removeExpiredItems } from './dynamodb/removeExpiredItems.js';
import { LOCAL_AUDIENCE, LOCAL_ISSUER, LocalJwtIssuer, type MintOptions } from './auth/LocalJwtIssuer.js';
import { startDynamoEmulator } from './dynamodb/startDynamoEmulator.js';
import { normalizeS3Event } from './events/normalizeS3Event.js';
import { savePendingEvents, takePendingEvents } from './events/pendingEventsFile.js';
import { scheduleJob } from './events/scheduleJob.js';
import { type DeliveryReport, SqsEventDelivery } from './events/SqsEventDelivery.js';
import { JWKS_ROUTE, startGateway } from './gateway/startGateway.js';
import { WEBSOCKET_PATH, WebSocketGateway } from './gateway/WebSocketGateway.js';
import { applyHandlerEnvironment, handlerEnvironment } from './handlerEnvironment.js';
import { invokeFunction, NO_HANDLER } from './invokeFunction.js';
import { TOKEN_ROUTE } from './gateway/answerTokenRequest.js';
import { isLoopbackAddress } from './isLoopbackAddress.js';
import { isWildcardHost, lanAddress } from './lanAddress.js';
import { loadHandler } from './loadHandler.js';
import { loadLocalCredentials } from './loadLocalCredentials.js';
import { FFMPEG_FIX, type LocalFfmpeg, resolveLocalFfmpeg } from './resolveLocalFfmpeg.js';
import {
  DEFAULT_API_PORT,
  DEFAULT_DATA_DIR,
  DEFAULT_DYNAMODB_PORT,
  DEFAULT_EXPIRE_INTERVAL_SECONDS,
  DEFAULT_HOST,
  DEFAULT_S3_PORT,
  DEFAULT_SQS_PORT,
  DEFAULT_STALL_MARGIN_SECONDS,
  DEFAULT_SWEEP_INTERVAL_SECONDS,
  LOCAL_ACCOUNT_ID,
  LOCAL_REGION,
  LOCAL_RESOURCES,
  type LocalCredentials,
} from './localDefaults.js';
import { consoleLog, type LocalLog } from './localLog.js';
import { LocalStreamPublisher } from './progress/LocalStreamPublisher.js';
// The demo page is served by the gateway (web/demo/, docs/uppy.md).
import { demoPageFiles } from './web/demoPageFiles.js';
import { MEDIA_BUCKET_CORS, UPLOADS_BUCKET_CORS } from './s3/bucketCors.js';
import type { AdaptedS3Operation } from './s3/s3OperationContext.js';
import { startS3Emulator } from './s3/startS3Emulator.js';
import { EicarScannerDouble } from './scanner/EicarScannerDouble.js';
import { startSqsEndpoint } from './sqs/startSqsEndpoint.js';
import { S3Client } from '@aws-sdk/client-s3';
import type { APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import type { MediaAccess } from '../lambdas/shared/config.js';
import { openLocalSigningKey } from './media/LocalSigningKey.js';
import { type MediaServer, startMediaServer } from './media/startMediaServer.js';
import { startSecretsEndpoint } from './media/startSecretsEndpoint.js';
import { type MediaConvertEmulator, startMediaConvertEmulator } from './mediaconvert/MediaConvertEmulator.js';
import type { MediaConvertSettings } from '../lambdas/process-upload/mediaconvert/mediaConvertSettings.js';
import { type MediaConvertRouting, resolveMediaConvertRouting, type TranscoderSetting } from '../lambdas/process-upload/plan/transcoderRouting.js';

export interface LocalOptions {
  /** Interface the API and S3 listen on; `0.0.0.0` lets other devices on the network in. @default '127.0.0.1' */
  readonly host?: string;
  /** Host name clients use, in printed URLs and signed part URLs. @default host, or the LAN address when host is 0.0.0.0 */
  readonly publicHost?: string;
  /** API port; 0 picks a free one. @default 4000 */
  readonly port?: number;
  /** S3 emulator port; 0 picks a free one. @default 4568 */
  readonly s3Port?: number;
  /** DynamoDB emulator port (always on 127.0.0.1); 0 picks a free one. @default 4569 */
  readonly dynamoDbPort?: number;
  /** Port of the SQS endpoint the functions send to (always on 127.0.0.1); 0 picks a free one. @default 4570 */
  readonly sqsPort?: number;
  /** Where objects, tables, the token signing key and undelivered events persist. @default '.local-data' */
  readonly dataDir?: string;
  /** Wipe the data folder first. @default false */
  readonly reset?: boolean;
  /** How often the expiry job runs; 0 runs it only through `runExpiry()`. @default 60 */
  readonly expireIntervalSeconds?: number;
  /**
   * How often the sweep runs; 0 runs it only through `runSweep()`.
   * @default 60, or 0 when `processUploads` is false (nothing is processed, so nothing stalls)
   */
  readonly sweepIntervalSeconds?: number;
  /**
   * The sweep's stall margin: an `uploaded` upload quiet this long is sent to processing again;
   * a `processing` one is failed once quiet for the process function's timeout plus this.
   * @default 60
   */
  readonly stallMarginSeconds?: number;
  /**
   * How often the retention job runs (and, with it, the Uploads table's TTL, which the emulator
   * lacks); 0 runs it only through `runRetention()`.
   * @default 60
   */
  readonly retentionIntervalSeconds?: number;
  /** The stack's retention rules, in seconds (`RETENTION_SETTINGS`). @default - the stack's defaults */
  readonly retention?: Partial<RetentionSettings>;
  /** Passed to the functions as `UPLOAD_POLICY`. @default - the variable as set in the environment */
  readonly uploadPolicy?: Partial<UploadPolicy>;
  /** Receives of an S3 event before it is dead-lettered. @default 3 */
  readonly maxReceiveCount?: number;
  /** Wait before the next receive of a failed event. @default 1 s, doubling */
  readonly retryDelayMs?: (receiveCount: number) => number;
  /** @default consoleLog */
  readonly log?: LocalLog;
  /** Print s3rver's request log. @default false */
  readonly verbose?: boolean;
  /**
   * Deliver S3 events to the process function. Benchmarks of the upload path turn it off, so
   * that transcoding what they upload does not compete for the CPU they measure. Events the
   * sweep sends to the process queue are still delivered.
   * @default true - when an ffmpeg is found (resolveLocalFfmpeg): otherwise off, with a warning at start
   */
  readonly processUploads?: boolean;
  /** A WebSocket connection with no message from its client for this long is closed. @default 600000 (API Gateway's 10 minutes) */
  readonly webSocketIdleTimeoutMs?: number;
  /** No WebSocket connection lives longer. @default 7200000 (API Gateway's 2 hours) */
  readonly webSocketMaxConnectionMs?: number;
  /** Live WebSocket connections one user may hold (the stack's `progress.maxConnectionsPerUser`). @default 20 */
  readonly maxConnectionsPerUser?: number;
  /**
   * The stack's `processing.transcoder`. Unless `ffmpeg`, a MediaConvert emulator (ffmpeg
   * behind MediaConvert's API, docs/local-mode.md) takes the video that would go to MediaConvert.
   * @default 'auto'
   */
  readonly transcoder?: TranscoderSetting;
  /** Overrides of the MediaConvert routing (`routeLongerThanSeconds`, `routeShortSideOver`, `maxDurationSeconds`). @default - the stack's defaults */
  readonly mediaConvertRouting?: Partial<MediaConvertRouting>;
  /** The MediaConvert emulator's port (always on 127.0.0.1; only the functions call it); 0 picks a free one. @default 0, or the port of an earlier start in this process */
  readonly mediaConvertPort?: number;
  /** How often the status function asks about silent jobs; 0 only through `runSilentJobCheck()`. @default 60 */
  readonly silentJobCheckIntervalSeconds?: number;
  /**
   * The stack's `access`. With `signed`, media is served by a local media server that refuses
   * unsigned, tampered and expired URLs (403) as CloudFront does, and playlists come from the
   * playlist function; the media bucket is no longer public.
   * @default 'public'
   */
  readonly mediaAccess?: MediaAccess;
  /** The media server's port with signed access; 0 picks a free one. @default 4571, or the port of an earlier start in this process */
  readonly mediaPort?: number;
  /** The stack's `signedUrlLifetime`, in seconds. @default 21600 (6 hours) */
  readonly signedUrlLifetimeSeconds?: number;
  /**
   * The stack's `webhooks`, with each signing secret itself: every matching state change is
   * delivered by the same function as on AWS, through local mode's bus and queue (docs/events.md).
   * @default [] - none
   */
  readonly webhooks?: readonly LocalWebhook[];
  /** Waits before each retry of a failed webhook delivery, in whole seconds; tests shorten them. @default the stack's: 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 10 h */
  readonly webhookRetryDelaysSeconds?: readonly number[];
  /**
   * The stack's `malwareScan`, with a double for GuardDuty: it flags the EICAR test file and
   * nothing else, tags the object and sends the scan-result event as GuardDuty does
   * (local/scanner/EicarScannerDouble.ts), so processing waits for its verdict like on AWS.
   * @default false
   */
  readonly malwareScan?: boolean;
}

export interface LocalMode {
  readonly apiUrl: string;
  /** Live progress (docs/websocket.md): `ws://<publicHost>:<port>/ws` on the API's port. */
  readonly webSocketUrl: string;
  /** The subscriptions of live progress (one item per topic and connection). */
  readonly connectionsTable: string;
  /** Resolves when every record write so far was handed to the live-progress publisher. */
  progressIdle(): Promise<void>;
  /**
   * `POST /@local/token` on a loopback address of the API, the only clients it answers; undefined
   * when the API listens on no loopback interface (`--host` names another one).
   */
  readonly tokenUrl: string | undefined;
  readonly s3Endpoint: string;
  readonly dynamoDbEndpoint: string;
  /** The SQS endpoint the functions send to (the process queue, the invalidation queue). */
  readonly sqsEndpoint: string;
  /**
   * The upload ids deletes asked the CDN to invalidate, oldest first (the latest 1,000). Local
   * mode has no CDN: players read outputs from the S3 emulator, uncached, so a deleted output is
   * gone at once and the requests are only recorded (docs/local-mode.md).
   */
  readonly invalidationRequests: readonly string[];
  readonly dataDir: string;
  readonly region: string;
  /** The key pair the S3 emulator accepts signatures from: `S3RVER` and a secret made per data folder. */
  readonly credentials: LocalCredentials;
  readonly uploadsBucket: string;
  readonly mediaBucket: string;
  readonly uploadsTable: string;
  /** The ffmpeg and ffprobe processing runs; undefined when processing is off. */
  readonly ffmpeg: LocalFfmpeg | undefined;
  /** The per-user usage counters (one item per user, keyed by `ownerId`). */
  readonly usageTable: string;
  /** A bearer token for `sub`, as the local issuer signs it. */
  mintToken(sub: string, options?: MintOptions): Promise<string>;
  /**
   * The latest 1,000 S3 event delivery reports, oldest first: to the process function, and
   * of dead letters to the dead-letter function (their records' `eventSourceARN` is the
   * dead-letter queue's).
   */
  readonly deliveries: readonly DeliveryReport[];
  /** Calls `listener` on each delivery report; returns a function that removes it. */
  onDelivery(listener: (report: DeliveryReport) => void): () => void;
  /** Resolves when no S3 event (nor dead letter) is waiting for delivery. */
  eventsIdle(): Promise<void>;
  /** Runs the expiry job now. */
  runExpiry(): Promise<void>;
  /** Runs the sweep now. */
  runSweep(): Promise<void>;
  /**
   * Runs the retention job now, as of `now` (the tick's time, whole seconds), then removes the
   * Uploads table's items whose TTL (`removeAt`) is before it, as DynamoDB's TTL would.
   * @default now - the current time
   */
  runRetention(now?: Date): Promise<void>;
  /** The MediaConvert emulator (its test hooks), or undefined with `transcoder: 'ffmpeg'` or processing off. */
  readonly mediaConvert: MediaConvertEmulator | undefined;
  /** Has the status function ask about silent MediaConvert jobs now. */
  runSilentJobCheck(): Promise<void>;
  /** `public`, or `signed` with the media server below. */
  readonly mediaAccess: MediaAccess;
  /** With signed access: the local media server (the base of media URLs); undefined with public access. */
  readonly mediaServerUrl: string | undefined;
  /** The latest 1,000 events the publisher put on local mode's stand-in for the bus, oldest first, as EventBridge hands them to a rule. */
  readonly busEvents: readonly BusEvent[];
  /** The latest 1,000 webhook delivery reports, oldest first (each receive, its outcome and why it failed). */
  readonly webhookDeliveries: readonly DeliveryReport[];
  /** The bodies of webhook deliveries that failed every try (the stack's dead-letter queue), oldest first. */
  readonly webhookDeadLetters: readonly string[];
  /** Resolves once every write so far was published as an event and every webhook delivery is done or dead-lettered. */
  webhooksIdle(): Promise<void>;
  /** Stops everything; events not yet delivered are kept for the next start. */
  stop(): Promise<void>;
}

/** The stack's queue default: the process function fails an upload on the last receive. */
const DEFAULT_MAX_RECEIVE_COUNT = 3;
const API_FUNCTION_TIMEOUT_MS = 10_000;
const PROCESS_FUNCTION_TIMEOUT_MS = 15 * 60_000;
const DEAD_LETTER_FUNCTION_TIMEOUT_MS = 10_000;
const EXPIRE_FUNCTION_TIMEOUT_MS = 60_000;
const SWEEP_FUNCTION_TIMEOUT_MS = 5 * 60_000;
const RETENTION_FUNCTION_TIMEOUT_MS = 5 * 60_000;
const DEFAULT_RETENTION_INTERVAL_SECONDS = 60;
const PUBLISH_FUNCTION_TIMEOUT_MS = 30_000;
const STATUS_FUNCTION_TIMEOUT_MS = 5 * 60_000;
let lastMediaConvertPort: number | undefined;
let lastMediaPort: number | undefined;
let lastSecretsPort: number | undefined;
let lastEventBridgePort: number | undefined;
const EVENT_BUS_NAME = 'media-pipeline-local-events';
const WEBHOOK_QUEUE_NAME = 'media-pipeline-local-webhooks';
const DELIVER_WEBHOOKS_TIMEOUT_MS = 30_000;
/** Stands in for the ARN of a webhook's secret. */
const localWebhookSecretArn = (id: string) => `arn:aws:secretsmanager:${LOCAL_REGION}:${LOCAL_ACCOUNT_ID}:secret:media-pipeline-local-webhook-${id}`;
const DEFAULT_MEDIA_PORT = 4571;
const DEFAULT_SIGNED_URL_LIFETIME_SECONDS = 6 * 3600;
const PLAYLIST_FUNCTION = 'serve-playlist';
const PLAYLIST_FUNCTION_TIMEOUT_MS = 10_000;
/** Stands in for the ARN of the stack's signing key secret. */
const LOCAL_SIGNING_SECRET_ARN = `arn:aws:secretsmanager:${LOCAL_REGION}:${LOCAL_ACCOUNT_ID}:secret:media-pipeline-local-media-signing-key`;
const DEFAULT_SILENT_JOB_CHECK_SECONDS = 60;
/** Stands in for the stack's job role: the emulator checks no IAM. */
const LOCAL_MEDIACONVERT_ROLE = `arn:aws:iam::${LOCAL_ACCOUNT_ID}:role/media-pipeline-local-mediaconvert`;
/** As long as the stack's process queue keeps an event. */
const QUEUE_RETENTION_SECONDS = 4 * 86_400;
/** The stack's default: re-sends of a lost event before the upload is failed. */
const MAX_REQUEUES = 3;
const PROCESS_QUEUE_NAME = 'media-pipeline-local-upload-events';
const INVALIDATION_QUEUE_NAME = 'media-pipeline-local-invalidations';
/** Reports kept in `deliveries`, so a long session does not grow without bound. */
const MAX_KEPT_REPORTS = 1_000;
/** How long stop() waits for event batches in flight before keeping them for the next start. */
const STOP_GRACE_MS = 5_000;

/**
 * Starts local mode in this process: DynamoDB and S3 emulators with the stack's table and
 * buckets, the HTTP API built from the route table with a local JWT issuer in front, S3 events
 * delivered to the process function like SQS would (and, once every receive failed, to the
 * dead-letter function), an SQS endpoint through which functions send to that queue, and the
 * expiry job, the sweep and the retention job on timers.
 */
export async function startLocal(options: LocalOptions = {}): Promise<LocalMode> {
  const log = options.log ?? consoleLog;
  const host = options.host ?? DEFAULT_HOST;
  const publicHost = options.publicHost ?? (isWildcardHost(host) ? (lanAddress() ?? '127.0.0.1') : host);
  const dataDir = resolve(options.dataDir ?? DEFAULT_DATA_DIR);
  const pendingEventsFile = join(dataDir, 'pending-events.json');
  const pendingDeadLettersFile = join(dataDir, 'pending-dead-letters.json');
  const pendingWebhooksFile = join(dataDir, 'pending-webhooks.json');
  const webhooks = options.webhooks ?? [];
  checkLocalWebhooks(webhooks);
  const webhookRetryDelays = options.webhookRetryDelaysSeconds ?? WEBHOOK_RETRY_DELAYS_SECONDS;
  const maxReceiveCount = options.maxReceiveCount ?? DEFAULT_MAX_RECEIVE_COUNT;
  const sweepIntervalSeconds = options.sweepIntervalSeconds ?? (options.processUploads === false ? 0 : DEFAULT_SWEEP_INTERVAL_SECONDS);

  const ffmpeg = options.processUploads === false ? undefined : resolveLocalFfmpeg();
  if (ffmpeg && 'problem' in ffmpeg) {
    log.warn(`processing is off: ${ffmpeg.problem}; uploads will stay 'uploaded'. To process them: ${FFMPEG_FIX}`);
  }
  const processor = ffmpeg && !('problem' in ffmpeg) ? ffmpeg : undefined;
  const mediaAccess = options.mediaAccess ?? 'public';
  if (mediaAccess !== 'public' && mediaAccess !== 'signed') throw new Error(`mediaAccess must be public or signed, got ${JSON.stringify(mediaAccess)}`);

  if (options.reset) await rm(dataDir, { recursive: true, force: true });
  await mkdir(dataDir, { recursive: true });

  const stops: (() => Promise<void>)[] = [];
  const stopAll = async () => {
    for (const stop of stops.splice(0).reverse()) {
      await stop().catch((error: unknown) => log.error('a local service did not stop cleanly', error));
    }
  };

  // The functions learn the API's port (their management API and the issuer's keys are
  // there), so handlers are imported only once the environment is set: every request waits.
  let environmentSet!: () => void;
  const environmentReady = new Promise<void>((resolve) => (environmentSet = resolve));

  try {
    const issuer = await LocalJwtIssuer.open(join(dataDir, 'jwt-signing-key.json'));
    const credentials = await loadLocalCredentials(join(dataDir, 's3-credentials.json'));

    const dynamo = await startDynamoEmulator({
      host: '127.0.0.1',
      port: options.dynamoDbPort ?? DEFAULT_DYNAMODB_PORT,
      directory: join(dataDir, 'dynamodb'),
      tables: [
        { name: LOCAL_RESOURCES.uploadsTable, schema: UPLOADS_TABLE_SCHEMA },
        { name: LOCAL_RESOURCES.usageTable, schema: USAGE_TABLE_SCHEMA },
        { name: LOCAL_RESOURCES.connectionsTable, schema: CONNECTIONS_TABLE_SCHEMA },
      ],
      region: LOCAL_REGION,
      credentials,
    });
    stops.push(dynamo.stop);

    const deliveries: DeliveryReport[] = [];
    const listeners = new Set<(report: DeliveryReport) => void>();
    const keep = (report: DeliveryReport) => {
      deliveries.push(report);
      if (deliveries.length > MAX_KEPT_REPORTS) deliveries.shift();
      // A listener's bug must not escape into the queue: it would leave the batch half settled,
      // so eventsIdle() would never resolve, and crash the process as an unhandled rejection.
      for (const listener of listeners) {
        try {
          listener(report);
        } catch (error) {
          log.error('an onDelivery listener failed', error);
        }
      }
    };
    // As in the stack: the events queue's dead letters go to a queue of their own, which feeds
    // the dead-letter function. Its failures are retried too; after the last it drops them.
    let warnedNoDeadLetterHandler = false;
    const deadLetters = new SqsEventDelivery({
      queue: { arn: `arn:aws:sqs:${LOCAL_REGION}:000000000000:media-pipeline-local-upload-events-dead-letters`, region: LOCAL_REGION },
      invoke: (event) => invokeFunction<SQSBatchResponse | undefined>(FAIL_DEAD_LETTERS_FUNCTION.handler, event, DEAD_LETTER_FUNCTION_TIMEOUT_MS),
      maxReceiveCount,
      retryDelayMs: options.retryDelayMs,
      onReport: (report) => {
        if (report.outcome === 'no-handler' && !warnedNoDeadLetterHandler) {
          warnedNoDeadLetterHandler = true;
          log.warn(`Dead letters have no handler (lambdas/${FAIL_DEAD_LETTERS_FUNCTION.handler}/handler.ts does not exist); they are dropped`);
        } else if (report.outcome === 'retrying' || report.outcome === 'dead-lettered') {
          log.warn(`Dead letter ${report.messageId} ${report.outcome === 'retrying' ? 'retrying' : 'dropped'} after receive ${report.receiveCount}: ${report.error}`);
        }
        keep(report);
      },
    });
    let warnedNoProcessHandler = false;
    const delivery = new SqsEventDelivery({
      queue: { arn: `arn:aws:sqs:${LOCAL_REGION}:${LOCAL_ACCOUNT_ID}:${PROCESS_QUEUE_NAME}`, region: LOCAL_REGION },
      invoke: (event) => invokeFunction<SQSBatchResponse | undefined>(PROCESS_UPLOAD_FUNCTION.handler, event, PROCESS_FUNCTION_TIMEOUT_MS),
      maxReceiveCount,
      retryDelayMs: options.retryDelayMs,
      deadLetterQueue: deadLetters,
      onReport: (report) => {
        if (report.outcome === 'no-handler' && !warnedNoProcessHandler) {
          warnedNoProcessHandler = true;
          log.warn(`S3 events have no handler yet (lambdas/${PROCESS_UPLOAD_FUNCTION.handler}/handler.ts does not exist); they are dropped`);
        } else if (report.outcome === 'retrying' || report.outcome === 'dead-lettered') {
          log.warn(`S3 event ${report.messageId} ${report.outcome} after receive ${report.receiveCount}: ${report.error}`);
        }
        keep(report);
      },
    });
    // With the malware scan on, as on AWS, an original's event for processing is its verdict.
    let scanner: EicarScannerDouble | undefined;
    const onS3Event = (event: S3Event, operation: AdaptedS3Operation | undefined) => {
      if (!processor) return;
      for (const record of event.Records) {
        const created = record.eventName.startsWith('ObjectCreated:');
        if (!created || record.s3.bucket.name !== LOCAL_RESOURCES.uploadsBucket || !record.s3.object.key.startsWith(UPLOADS_PREFIX)) continue;
        if (scanner) scanner.scan(record.s3.object.key);
        else delivery.send(JSON.stringify(normalizeS3Event({ Records: [record] }, { region: LOCAL_REGION, operation })));
      }
    };
    const s3 = await startS3Emulator({
      host,
      port: options.s3Port ?? DEFAULT_S3_PORT,
      directory: join(dataDir, 's3'),
      buckets: [
        { name: LOCAL_RESOURCES.uploadsBucket, cors: UPLOADS_BUCKET_CORS },
        // With public access, players read outputs from the emulator as from the CDN; with signed
        // access only through the media server, which checks signatures as CloudFront does.
        { name: LOCAL_RESOURCES.mediaBucket, cors: MEDIA_BUCKET_CORS, publicRead: mediaAccess === 'public' },
      ],
      credentials,
      verbose: options.verbose,
      onEvent: onS3Event,
    });
    stops.push(s3.stop);
    // Stopped before the emulators: a batch still in flight may need S3 and DynamoDB to finish.
    // Dead letters stop last (stops run in reverse), so a batch finishing within the events
    // queue's grace can still dead-letter.
    stops.push(async () => savePendingEvents(pendingDeadLettersFile, await deadLetters.stop(STOP_GRACE_MS)));
    stops.push(async () => savePendingEvents(pendingEventsFile, await delivery.stop(STOP_GRACE_MS)));
    const s3Endpoint = `http://${publicHost}:${s3.port}`;
    if (options.malwareScan) {
      const scannerS3 = new S3Client({
        endpoint: `http://127.0.0.1:${s3.port}`,
        region: LOCAL_REGION,
        credentials,
        forcePathStyle: true,
        requestChecksumCalculation: 'WHEN_REQUIRED',
        responseChecksumValidation: 'WHEN_REQUIRED',
      });
      scanner = new EicarScannerDouble({
        s3: scannerS3,
        bucket: LOCAL_RESOURCES.uploadsBucket,
        region: LOCAL_REGION,
        account: LOCAL_ACCOUNT_ID,
        send: (body) => delivery.send(body),
        log,
      });
      // Before the queue stops (stops run in reverse), so a verdict in flight is still queued.
      const idleScanner = scanner;
      stops.push(async () => {
        await idleScanner.idle();
        scannerS3.destroy();
      });
      log.warn('malware scan: a DOUBLE stands in for GuardDuty; it flags only the EICAR test file and passes everything else (docs/local-mode.md)');
    }

    // As in the stack: MediaConvert (here ffmpeg behind its API, on loopback) reads originals
    // and writes outputs in S3 itself, and its job events reach the status function.
    const transcoder = options.transcoder ?? 'auto';
    let mediaConvert: MediaConvertEmulator | undefined;
    let mediaConvertSettings: MediaConvertSettings | undefined;
    if (processor && transcoder !== 'ffmpeg') {
      mediaConvert = await startMediaConvertEmulator({
        s3: {
          endpoint: `http://127.0.0.1:${s3.port}`,
          region: LOCAL_REGION,
          credentials,
          forcePathStyle: true,
          requestChecksumCalculation: 'WHEN_REQUIRED',
          responseChecksumValidation: 'WHEN_REQUIRED',
        },
        ffmpeg: processor.ffmpeg,
        ffprobe: processor.ffprobe,
        // The handlers keep the endpoint they were first imported with: a restart in this process reuses its port.
        port: options.mediaConvertPort ?? lastMediaConvertPort ?? 0,
        log,
        deliver: async (event) => {
          await environmentReady;
          const result = await invokeFunction(MEDIACONVERT_STATUS_FUNCTION.handler, event, STATUS_FUNCTION_TIMEOUT_MS);
          if (result === NO_HANDLER) throw new Error(`lambdas/${MEDIACONVERT_STATUS_FUNCTION.handler}/handler.ts does not exist`);
        },
      });
      stops.push(mediaConvert.close);
      lastMediaConvertPort = Number(new URL(mediaConvert.endpoint).port);
      mediaConvertSettings = {
        queueArn: mediaConvert.queueArn,
        roleArn: LOCAL_MEDIACONVERT_ROLE,
        stackName: 'media-pipeline-local',
        accelerated: false,
        routing: resolveMediaConvertRouting(options.mediaConvertRouting ?? {}, 'mediaConvertRouting'),
        endpoint: mediaConvert.endpoint,
      };
    }

    // Deletes send invalidation requests as on AWS, but with no CDN in front of the emulator
    // there is no cache to invalidate: no invalidator runs, and the requests are only recorded.
    const invalidationRequests: string[] = [];
    const recordInvalidation = (body: string): string => {
      const request = invalidationRequestSchema.safeParse(parseJson(body));
      if (request.success) {
        invalidationRequests.push(request.data.uploadId);
        if (invalidationRequests.length > MAX_KEPT_REPORTS) invalidationRequests.shift();
      } else {
        log.warn(`An invalidation request names no upload: ${body.slice(0, 200)}`);
      }
      return randomUUID();
    };
    // Webhooks as in the stack: the bus's rules queue deliveries, the deliverer signs and POSTs
    // them and backs off failures with ChangeMessageVisibility; the last failure is a dead letter.
    const webhookDeliveries: DeliveryReport[] = [];
    const webhookDeadLetters: string[] = [];
    const webhookQueue = new SqsEventDelivery({
      queue: { arn: `arn:aws:sqs:${LOCAL_REGION}:${LOCAL_ACCOUNT_ID}:${WEBHOOK_QUEUE_NAME}`, region: LOCAL_REGION },
      invoke: (event) => invokeFunction<SQSBatchResponse | undefined>(DELIVER_WEBHOOKS_FUNCTION.handler, event, DELIVER_WEBHOOKS_TIMEOUT_MS),
      maxReceiveCount: webhookMaxReceiveCount(webhookRetryDelays),
      onReport: (report) => {
        webhookDeliveries.push(report);
        if (webhookDeliveries.length > MAX_KEPT_REPORTS) webhookDeliveries.shift();
        if (report.outcome === 'dead-lettered') {
          webhookDeadLetters.push(...report.event.Records.filter((record) => record.messageId === report.messageId).map((record) => record.body));
          if (webhookDeadLetters.length > MAX_KEPT_REPORTS) webhookDeadLetters.shift();
          log.warn(`Webhook delivery ${report.messageId} dead-lettered after ${report.receiveCount} tries: ${report.error}`);
        }
      },
    });
    const bus = new LocalEventBus({
      busName: EVENT_BUS_NAME,
      account: LOCAL_ACCOUNT_ID,
      region: LOCAL_REGION,
      rules: webhooks,
      sendToWebhookQueue: (body) => webhookQueue.send(body),
    });
    // Loopback only, and only requests signed with the local key. The publisher keeps the endpoint it was first imported with: a restart in this process reuses its port.
    const eventBridge = await startEventBridgeEndpoint({ host: '127.0.0.1', port: lastEventBridgePort ?? 0, credentials, put: bus.put });
    stops.push(eventBridge.stop);
    lastEventBridgePort = Number(new URL(eventBridge.endpoint).port);

    // Loopback only, whatever the API's host, and only requests signed with the local key.
    const sqs = await startSqsEndpoint({
      host: '127.0.0.1',
      port: options.sqsPort ?? DEFAULT_SQS_PORT,
      credentials,
      accountId: LOCAL_ACCOUNT_ID,
      queues: [
        { name: PROCESS_QUEUE_NAME, send: (body) => delivery.send(body), visibleCount: () => delivery.visibleCount() },
        { name: INVALIDATION_QUEUE_NAME, send: recordInvalidation, visibleCount: () => 0 },
        {
          name: WEBHOOK_QUEUE_NAME,
          send: (body) => webhookQueue.send(body),
          visibleCount: () => webhookQueue.visibleCount(),
          changeVisibility: (receiptHandle, seconds) => webhookQueue.changeVisibility(receiptHandle, seconds),
        },
      ],
    });
    stops.push(sqs.stop);
    stops.push(async () => savePendingEvents(pendingWebhooksFile, await webhookQueue.stop(STOP_GRACE_MS)));

    // One local Secrets Manager for the media signing key and the webhooks' secrets, on loopback
    // only: it hands out whatever it holds to a request signed with the local key, like the
    // functions' own Secrets Manager would with their role.
    const secretValues = new Map<string, string>(webhooks.map((webhook) => [localWebhookSecretArn(webhook.id), webhook.secret]));
    const secrets =
      mediaAccess === 'signed' || webhooks.length > 0
        ? await startSecretsEndpoint({ host: '127.0.0.1', port: lastSecretsPort ?? 0, credentials, secrets: secretValues })
        : undefined;
    if (secrets) {
      stops.push(secrets.stop);
      lastSecretsPort = Number(new URL(secrets.endpoint).port);
    }

    const resolveHandler = async (handlerDir: string) => {
      await environmentReady;
      return loadHandler(handlerDir);
    };
    const invokeWebSocketFunction = async (handlerDir: string, event: unknown) => {
      await environmentReady;
      const result = await invokeFunction(handlerDir, event, API_FUNCTION_TIMEOUT_MS);
      if (result === NO_HANDLER) throw new Error(`lambdas/${handlerDir}/handler.ts does not exist`);
      return result;
    };
    const webSocket = new WebSocketGateway({
      routes: WEBSOCKET_ROUTES,
      authorizer: WEBSOCKET_AUTHORIZER_FUNCTION,
      invoke: invokeWebSocketFunction,
      log,
      idleTimeoutMs: options.webSocketIdleTimeoutMs,
      maxConnectionMs: options.webSocketMaxConnectionMs,
    });
    const gateway = await startGateway({
      host,
      port: options.port ?? DEFAULT_API_PORT,
      routes: ROUTES,
      issuer,
      resolveHandler,
      log,
      functionTimeoutMs: API_FUNCTION_TIMEOUT_MS,
      webSocket,
      files: demoPageFiles(),
    });
    stops.push(gateway.close);
    // The management API answers loopback only; the functions call it there (or on the one host the API listens on).
    const callbackUrl = (loopbackUrl(host, gateway.port, '') ?? `http://${host}:${gateway.port}`).replace(/\/$/, '');

    let mediaServer: MediaServer | undefined;
    let signedMedia: Parameters<typeof handlerEnvironment>[0]['signedMedia'];
    if (mediaAccess === 'signed') {
      const key = await openLocalSigningKey(join(dataDir, 'media-signing-key.pem'));
      secretValues.set(LOCAL_SIGNING_SECRET_ARN, key.privateKeyPem);
      const mediaS3 = new S3Client({
        endpoint: `http://127.0.0.1:${s3.port}`,
        region: LOCAL_REGION,
        credentials,
        forcePathStyle: true,
        requestChecksumCalculation: 'WHEN_REQUIRED',
        responseChecksumValidation: 'WHEN_REQUIRED',
      });
      mediaServer = await startMediaServer({
        host,
        port: options.mediaPort ?? lastMediaPort ?? DEFAULT_MEDIA_PORT,
        publicHost,
        s3: mediaS3,
        bucket: LOCAL_RESOURCES.mediaBucket,
        publicKeys: new Map([[key.keyPairId, key.publicKey]]),
        invokePlaylistFunction: async (event) => {
          await environmentReady;
          const result = await invokeFunction<APIGatewayProxyStructuredResultV2>(PLAYLIST_FUNCTION, event, PLAYLIST_FUNCTION_TIMEOUT_MS);
          if (result === NO_HANDLER) throw new Error(`lambdas/${PLAYLIST_FUNCTION}/handler.ts does not exist`);
          return result;
        },
        log,
      });
      stops.push(async () => {
        await mediaServer?.stop();
        mediaS3.destroy();
      });
      lastMediaPort = Number(new URL(mediaServer.baseUrl).port);
      signedMedia = {
        mediaBaseUrl: mediaServer.baseUrl,
        keyPairId: key.keyPairId,
        secretArn: LOCAL_SIGNING_SECRET_ARN,
        publicKeysJson: JSON.stringify({ [key.keyPairId]: key.publicKeyPem }),
        urlLifetimeSeconds: options.signedUrlLifetimeSeconds ?? DEFAULT_SIGNED_URL_LIFETIME_SECONDS,
        secretsManagerEndpoint: (secrets as NonNullable<typeof secrets>).endpoint,
      };
    }
    const webSocketUrl = `ws://${publicHost.includes(':') ? `[${publicHost}]` : publicHost}:${gateway.port}${WEBSOCKET_PATH}`;

    applyHandlerEnvironment(
      handlerEnvironment({
        s3Endpoint,
        dynamoDbEndpoint: dynamo.endpoint,
        sqsEndpoint: sqs.endpoint,
        processQueueUrl: sqs.queueUrl(PROCESS_QUEUE_NAME),
        invalidationQueueUrl: sqs.queueUrl(INVALIDATION_QUEUE_NAME),
        uploadsBucket: LOCAL_RESOURCES.uploadsBucket,
        mediaBucket: LOCAL_RESOURCES.mediaBucket,
        uploadsTable: LOCAL_RESOURCES.uploadsTable,
        usageTable: LOCAL_RESOURCES.usageTable,
        region: LOCAL_REGION,
        credentials,
        uploadPolicy: options.uploadPolicy,
        maxReceiveCount,
        ffmpeg: processor,
        sweepSettings: localSweepSettings(sweepIntervalSeconds, options.stallMarginSeconds ?? DEFAULT_STALL_MARGIN_SECONDS),
        retentionSettings: { ...DEFAULT_RETENTION_SETTINGS, ...options.retention },
        progress: {
          connectionsTable: LOCAL_RESOURCES.connectionsTable,
          callbackUrl,
          jwtIssuer: LOCAL_ISSUER,
          jwtAudience: LOCAL_AUDIENCE,
          jwksUrl: `${callbackUrl}${JWKS_ROUTE}`,
          webSocketUrl,
          maxConnectionsPerUser: options.maxConnectionsPerUser,
        },
        transcoder: mediaConvertSettings ? { setting: transcoder, mediaConvert: mediaConvertSettings } : undefined,
        signedMedia,
        events: {
          eventBridgeEndpoint: eventBridge.endpoint,
          eventBusName: EVENT_BUS_NAME,
          webhooks:
            secrets && webhooks.length > 0
              ? {
                  queueUrl: sqs.queueUrl(WEBHOOK_QUEUE_NAME),
                  targets: Object.fromEntries(webhooks.map((webhook) => [webhook.id, { url: webhook.url, secretArn: localWebhookSecretArn(webhook.id) }])),
                  retryDelaysSeconds: webhookRetryDelays,
                  secretsManagerEndpoint: secrets.endpoint,
                }
              : undefined,
        },
        malwareScan: options.malwareScan,
      }),
    );
    environmentSet();

    // The Uploads table's stream, locally: every write the seam reports goes to the publisher.
    const publisher = new LocalStreamPublisher({
      tableName: LOCAL_RESOURCES.uploadsTable,
      log,
      invoke: async (event) => {
        const result = await invokeFunction<DynamoDBBatchResponse>(PUBLISH_PROGRESS_FUNCTION.handler, event, PUBLISH_FUNCTION_TIMEOUT_MS);
        return result === NO_HANDLER ? undefined : result;
      },
    });
    const stopListening = onStateChange(publisher.listener);
    stops.push(async () => {
      stopListening();
      await publisher.stop();
    });
    // The same stream, read a second time as on AWS: the event publisher puts state changes on the bus.
    const eventPublisher = new LocalStreamPublisher({
      tableName: LOCAL_RESOURCES.uploadsTable,
      log,
      invoke: async (event) => {
        const result = await invokeFunction<DynamoDBBatchResponse>(PUBLISH_EVENTS_FUNCTION.handler, event, PUBLISH_FUNCTION_TIMEOUT_MS);
        return result === NO_HANDLER ? undefined : result;
      },
    });
    const stopPublishingEvents = onStateChange(eventPublisher.listener);
    stops.push(async () => {
      stopPublishingEvents();
      await eventPublisher.stop();
    });
    webhookQueue.restore(await takePendingEvents(pendingWebhooksFile));

    delivery.restore(await takePendingEvents(pendingEventsFile));
    deadLetters.restore(await takePendingEvents(pendingDeadLettersFile));

    const expiry = scheduleJob({
      job: { name: 'the expiry job', handler: EXPIRE_UPLOADS_FUNCTION.handler, whenMissing: 'initiated uploads will not expire' },
      intervalMs: (options.expireIntervalSeconds ?? DEFAULT_EXPIRE_INTERVAL_SECONDS) * 1000,
      invoke: (event) => invokeFunction(EXPIRE_UPLOADS_FUNCTION.handler, event, EXPIRE_FUNCTION_TIMEOUT_MS),
      log,
    });
    stops.push(expiry.stop);
    const sweep = scheduleJob({
      job: { name: 'the sweep', handler: SWEEP_UPLOADS_FUNCTION.handler, whenMissing: 'stalled uploads stay stuck' },
      intervalMs: sweepIntervalSeconds * 1000,
      invoke: (event) => invokeFunction(SWEEP_UPLOADS_FUNCTION.handler, event, SWEEP_FUNCTION_TIMEOUT_MS),
      log,
    });
    // Stops before the queue: a run in progress may still send to it.
    stops.push(sweep.stop);
    // The stack's retention job; DynamoDB's TTL, which the emulator lacks, is applied after each
    // run as of the same tick. S3's lifecycle has nothing to do here: the emulator has one
    // storage class, and the expiry job aborts what the abort rule would.
    const ttlClient = new DynamoDBClient({ endpoint: dynamo.endpoint, region: LOCAL_REGION, credentials });
    stops.push(async () => ttlClient.destroy());
    const retention = scheduleJob({
      job: { name: 'the retention job', handler: APPLY_RETENTION_FUNCTION.handler, whenMissing: "failed uploads' bytes are kept" },
      intervalMs: (options.retentionIntervalSeconds ?? DEFAULT_RETENTION_INTERVAL_SECONDS) * 1000,
      invoke: async (event) => {
        const result = await invokeFunction(APPLY_RETENTION_FUNCTION.handler, event, RETENTION_FUNCTION_TIMEOUT_MS);
        await removeExpiredItems(ttlClient, LOCAL_RESOURCES.uploadsTable, UPLOADS_TABLE_SCHEMA, new Date(event.time));
        return result;
      },
      log,
    });
    stops.push(retention.stop);
    const silentJobCheck = scheduleJob({
      job: { name: 'the silent-job check', handler: MEDIACONVERT_STATUS_FUNCTION.handler, whenMissing: 'silent MediaConvert jobs are not asked about' },
      intervalMs: mediaConvert ? (options.silentJobCheckIntervalSeconds ?? DEFAULT_SILENT_JOB_CHECK_SECONDS) * 1000 : 0,
      invoke: (event) => invokeFunction(MEDIACONVERT_STATUS_FUNCTION.handler, event, STATUS_FUNCTION_TIMEOUT_MS),
      log,
    });
    stops.push(silentJobCheck.stop);

    let stopping: Promise<void> | undefined;
    return {
      apiUrl: `http://${publicHost}:${gateway.port}`,
      webSocketUrl,
      connectionsTable: LOCAL_RESOURCES.connectionsTable,
      progressIdle: () => publisher.idle(),
      tokenUrl: loopbackUrl(host, gateway.port, TOKEN_ROUTE),
      s3Endpoint,
      dynamoDbEndpoint: dynamo.endpoint,
      sqsEndpoint: sqs.endpoint,
      invalidationRequests,
      dataDir,
      region: LOCAL_REGION,
      credentials,
      uploadsBucket: LOCAL_RESOURCES.uploadsBucket,
      mediaBucket: LOCAL_RESOURCES.mediaBucket,
      uploadsTable: LOCAL_RESOURCES.uploadsTable,
      ffmpeg: processor,
      usageTable: LOCAL_RESOURCES.usageTable,
      mintToken: async (sub, mintOptions) => (await issuer.mint(sub, mintOptions)).token,
      deliveries,
      onDelivery: (listener) => {
        listeners.add(listener);
        return () => listeners.delete(listener);
      },
      // The events queue first: its last dead letters are queued by the time it is idle.
      eventsIdle: async () => {
        await scanner?.idle();
        await delivery.idle();
        await deadLetters.idle();
      },
      runExpiry: () => expiry.runNow(),
      runSweep: () => sweep.runNow(),
      runRetention: (now) => retention.runNow(now),
      mediaConvert,
      runSilentJobCheck: () => silentJobCheck.runNow(),
      mediaAccess,
      mediaServerUrl: mediaServer?.baseUrl,
      busEvents: bus.events,
      webhookDeliveries,
      webhookDeadLetters,
      webhooksIdle: async () => {
        await eventPublisher.idle();
        await webhookQueue.idle();
      },
      stop: () => (stopping ??= stopAll()),
    };
  } catch (error) {
    await stopAll();
    throw error;
  }
}

function parseJson(body: string): unknown {
  try {
    return JSON.parse(body);
  } catch {
    return undefined;
  }
}

/** `path` on the API through loopback, where the API listens on it: every interface, or a loopback one. */
function loopbackUrl(host: string, port: number, path: string): string | undefined {
  if (isWildcardHost(host)) return `http://127.0.0.1:${port}${path}`;
  if (host !== 'localhost' && !isLoopbackAddress(host)) return undefined;
  return `http://${host.includes(':') ? `[${host}]` : host}:${port}${path}`;
}

/**
 * The stack's sweep timings, with the process function's timeout for the queue's visibility
 * timeout: a local run that fails or times out is received again after a short backoff. Each
 * run checks every upload's outputs (local data is small); a sweep run only on request is
 * given the default interval, which it uses for nothing else.
 */
function localSweepSettings(intervalSeconds: number, stallMarginSeconds: number): SweepSettings {
  const interval = intervalSeconds > 0 ? intervalSeconds : DEFAULT_SWEEP_INTERVAL_SECONDS;
  return {
    intervalSeconds: interval,
    uploadedStallSeconds: stallMarginSeconds,
    processingStallSeconds: PROCESS_FUNCTION_TIMEOUT_MS / 1000 + stallMarginSeconds,
    queueRetentionSeconds: QUEUE_RETENTION_SECONDS,
    maxRequeues: MAX_REQUEUES,
    outputScanCycleSeconds: interval,
  };
}
