import { describe, expect, it } from 'vitest';
import { applyHandlerEnvironment, handlerEnvironment } from '../../../local/handlerEnvironment.js';
import {
  mediaBaseUrl,
  uploadPolicy,
  uploadsBucketName,
  uploadsTableName,
  usageTableName,
  mediaBucketName,
  s3Endpoint,
  dynamoDbEndpoint,
  sqsEndpoint,
  processQueueUrl,
  invalidationQueueUrl,
  sweepSettings,
  retentionSettings,
  resetConfigCache,
} from '../../../lambdas/shared/config.js';

const SWEEP = {
  intervalSeconds: 60,
  uploadedStallSeconds: 60,
  processingStallSeconds: 960,
  queueRetentionSeconds: 345_600,
  maxRequeues: 3,
  outputScanCycleSeconds: 60,
};

const RETENTION = { readyOriginals: 'delete', failedUploadsSeconds: 86_400, recordsSeconds: 172_800 } as const;

const input = {
  s3Endpoint: 'http://192.168.1.20:4568',
  dynamoDbEndpoint: 'http://127.0.0.1:4569',
  sqsEndpoint: 'http://127.0.0.1:4570',
  processQueueUrl: 'http://127.0.0.1:4570/000000000000/events',
  invalidationQueueUrl: 'http://127.0.0.1:4570/000000000000/invalidations',
  uploadsBucket: 'up',
  mediaBucket: 'media',
  uploadsTable: 'table',
  usageTable: 'usage',
  region: 'us-east-1',
  credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' },
  maxReceiveCount: 3,
  sweepSettings: SWEEP,
  retentionSettings: RETENTION,
  progress: {
    connectionsTable: 'media-pipeline-connections',
    callbackUrl: 'http://127.0.0.1:4000',
    jwtIssuer: 'https://media-pipeline.local/issuer',
    jwtAudience: 'media-pipeline-local',
    jwksUrl: 'http://127.0.0.1:4000/.well-known/jwks.json',
    webSocketUrl: 'ws://127.0.0.1:4000/ws',
  },
  events: { eventBridgeEndpoint: 'http://127.0.0.1:4572', eventBusName: 'media-pipeline-local-events' },
};

describe('handlerEnvironment', () => {
  it('sets what the stack sets, the emulator endpoints and the local credentials', () => {
    expect(handlerEnvironment({ ...input, uploadPolicy: { partUrlExpirySeconds: 3 } })).toEqual({
      UPLOADS_TABLE: 'table',
      USAGE_TABLE: 'usage',
      UPLOADS_BUCKET: 'up',
      MEDIA_BUCKET: 'media',
      MEDIA_BASE_URL: 'http://192.168.1.20:4568/media',
      S3_ENDPOINT: 'http://192.168.1.20:4568',
      DYNAMODB_ENDPOINT: 'http://127.0.0.1:4569',
      SQS_ENDPOINT: 'http://127.0.0.1:4570',
      PROCESS_QUEUE_URL: 'http://127.0.0.1:4570/000000000000/events',
      INVALIDATION_QUEUE_URL: 'http://127.0.0.1:4570/000000000000/invalidations',
      UPLOAD_POLICY: '{"partUrlExpirySeconds":3}',
      PROCESS_MAX_RECEIVE_COUNT: '3',
      MALWARE_SCAN: 'off',
      SWEEP_SETTINGS: JSON.stringify(SWEEP),
      RETENTION_SETTINGS: JSON.stringify(RETENTION),
      CONNECTIONS_TABLE: 'media-pipeline-connections',
      WEBSOCKET_CALLBACK_URL: 'http://127.0.0.1:4000',
      JWT_ISSUER: 'https://media-pipeline.local/issuer',
      JWT_AUDIENCE: 'media-pipeline-local',
      JWKS_URL: 'http://127.0.0.1:4000/.well-known/jwks.json',
      WEBSOCKET_URL: 'ws://127.0.0.1:4000/ws',
      EVENTBRIDGE_ENDPOINT: 'http://127.0.0.1:4572',
      EVENT_BUS_NAME: 'media-pipeline-local-events',
      TRANSCODER: 'ffmpeg',
      AWS_REGION: 'us-east-1',
      AWS_ACCESS_KEY_ID: 'S3RVER',
      AWS_SECRET_ACCESS_KEY: 'S3RVER',
    });
  });

  it('tells the webhook deliverer its queue, webhooks, retry delays, the local Secrets Manager and that its receivers may be on loopback when there are webhooks', () => {
    const webhooks = {
      queueUrl: 'http://127.0.0.1:4570/000000000000/webhooks',
      targets: { backend: { url: 'http://127.0.0.1:9000/hook', secretArn: 'arn:aws:secretsmanager:us-east-1:000000000000:secret:hook' } },
      retryDelaysSeconds: [0, 1],
      secretsManagerEndpoint: 'http://127.0.0.1:4573',
    };
    expect(handlerEnvironment({ ...input, events: { ...input.events, webhooks } })).toMatchObject({
      WEBHOOK_QUEUE_URL: webhooks.queueUrl,
      WEBHOOKS: JSON.stringify(webhooks.targets),
      WEBHOOK_RETRY_DELAYS: '[0,1]',
      SECRETS_MANAGER_ENDPOINT: 'http://127.0.0.1:4573',
      WEBHOOK_LOOPBACK: 'allow',
    });
    expect(handlerEnvironment(input)).not.toHaveProperty('WEBHOOK_LOOPBACK');
  });

  it('passes the transcoder and the MediaConvert emulator settings when MediaConvert is on', () => {
    const mediaConvert = {
      queueArn: 'arn:aws:mediaconvert:us-east-1:000000000000:queues/media-pipeline',
      roleArn: 'arn:aws:iam::000000000000:role/media-pipeline-local-mediaconvert',
      stackName: 'media-pipeline-local',
      accelerated: false,
      routing: { routeLongerThanSeconds: 600, routeShortSideOver: 1080, maxDurationSeconds: 14_400 },
      endpoint: 'http://127.0.0.1:4571',
    };
    expect(handlerEnvironment({ ...input, transcoder: { setting: 'auto', mediaConvert } })).toMatchObject({
      TRANSCODER: 'auto',
      MEDIACONVERT_SETTINGS: JSON.stringify(mediaConvert),
    });
  });

  it('turns the malware gate on for the functions when the scanner double is on', () => {
    expect(handlerEnvironment({ ...input, malwareScan: true })).toMatchObject({ MALWARE_SCAN: 'on' });
  });

  it('leaves UPLOAD_POLICY alone when no policy is given', () => {
    expect(handlerEnvironment(input)).not.toHaveProperty('UPLOAD_POLICY');
  });
});

describe('applyHandlerEnvironment', () => {
  it('makes the config getters read the local settings, and refuses other settings in the same process', () => {
    const env = handlerEnvironment({ ...input, uploadPolicy: { partUrlExpirySeconds: 3 } });
    applyHandlerEnvironment(env);
    resetConfigCache();

    expect([uploadsTableName(), usageTableName(), uploadsBucketName(), mediaBucketName(), mediaBaseUrl(), s3Endpoint(), dynamoDbEndpoint()]).toEqual([
      'table', 'usage', 'up', 'media', 'http://192.168.1.20:4568/media', 'http://192.168.1.20:4568', 'http://127.0.0.1:4569',
    ]);
    expect(uploadPolicy().partUrlExpirySeconds).toBe(3);
    expect([sqsEndpoint(), processQueueUrl(), invalidationQueueUrl(), sweepSettings()]).toEqual([
      'http://127.0.0.1:4570',
      'http://127.0.0.1:4570/000000000000/events',
      'http://127.0.0.1:4570/000000000000/invalidations',
      SWEEP,
    ]);
    expect(retentionSettings()).toEqual(RETENTION);

    expect(() => applyHandlerEnvironment(env)).not.toThrow();
    expect(() => applyHandlerEnvironment({ ...env, S3_ENDPOINT: 'http://127.0.0.1:9999' })).toThrow(/other settings \(S3_ENDPOINT\)/);
  });
});
