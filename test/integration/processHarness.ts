import { randomUUID } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { HeadObjectCommand, ListObjectsV2Command, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { DeleteCommand, DynamoDBDocumentClient, GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { S3Event, SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { createLambdaContext } from '../../local/createLambdaContext.js';
import { encodeS3EventKey } from '../../local/events/normalizeS3Event.js';
import { toSqsEvent } from '../../local/events/toSqsEvent.js';
import { silentLog } from '../../local/localLog.js';
import { type LocalMode, type LocalOptions, startLocal } from '../../local/startLocal.js';
import type { MediaKind } from '../../lambdas/shared/mediaPolicy.js';
import type { UploadRecord, UploadStatus } from '../../lambdas/shared/uploadRecord.js';
import { emulatorS3 } from './support/localHttp.js';

type Handler = (event: SQSEvent, context: ReturnType<typeof createLambdaContext>) => Promise<SQSBatchResponse>;

export interface Declared {
  readonly contentType: string;
  readonly kind: MediaKind;
}

/**
 * Drives the process function directly against local mode's emulators: an original is put in
 * the uploads bucket, its record written in the state under test, and the handler invoked
 * with the SQS-wrapped S3 event local mode (and AWS) delivers. Local mode's own delivery of
 * the same object event finds the record `processing` (another run's, as far as it can tell) and
 * leaves it alone, so every run here is explicit: with no record at all it would delete the
 * original as one that outlived its upload.
 */
export class ProcessHarness {
  private constructor(
    readonly local: LocalMode,
    readonly s3: S3Client,
    private readonly dynamo: DynamoDBDocumentClient,
    private readonly handler: Handler,
    private readonly dataDir: string,
  ) {}

  /**
   * Starts local mode with `env` added to the handlers' environment (set before the handler is
   * imported). S3 is named `localhost`, not 127.0.0.1, as on AWS every S3 endpoint is a host
   * name: the function's S3 client resolves it, as it resolves S3's on Lambda.
   */
  static async start(env: Record<string, string> = {}, options: Partial<LocalOptions> = {}): Promise<ProcessHarness> {
    process.env.POWERTOOLS_LOG_LEVEL ??= 'ERROR';
    Object.assign(process.env, env);
    const dataDir = await mkdtemp(join(tmpdir(), 'process-media-'));
    const local = await startLocal({
      port: 0,
      s3Port: 0,
      dynamoDbPort: 0,
      sqsPort: 0,
      dataDir,
      expireIntervalSeconds: 0,
      publicHost: 'localhost',
      log: silentLog,
      ...options,
    });
    const s3 = emulatorS3(local);
    const dynamo = DynamoDBDocumentClient.from(
      new DynamoDBClient({ endpoint: local.dynamoDbEndpoint, region: local.region, credentials: local.credentials }),
      { marshallOptions: { removeUndefinedValues: true } },
    );
    const { handler } = (await import('../../lambdas/process-upload/handler.js')) as unknown as { handler: Handler };
    return new ProcessHarness(local, s3, dynamo, handler, dataDir);
  }

  async stop(): Promise<void> {
    this.s3.destroy();
    this.dynamo.destroy();
    await this.local.stop();
    await rm(this.dataDir, { recursive: true, force: true });
  }

  /** Stores `file` as a new upload's original with a record in `status`; returns the upload id. */
  async upload(file: string, declared: Declared, status: UploadStatus = 'uploaded'): Promise<string> {
    const uploadId = randomUUID().replace(/-/g, '');
    const body = await readFile(file);
    const now = new Date().toISOString();
    const record: UploadRecord = {
      uploadId,
      ownerId: 'owner-1',
      status,
      filename: file.slice(file.lastIndexOf('/') + 1),
      contentType: declared.contentType,
      kind: declared.kind,
      size: body.length,
      partSize: 8 * 1024 * 1024,
      partCount: 1,
      sourceKey: sourceKey(uploadId),
      createdAt: now,
      updatedAt: now,
      expiresAt: new Date(Date.now() + 86_400_000).toISOString(),
      ...(status === 'initiated' ? { pendingExpiry: 'initiated' as const } : {}),
    };
    await this.dynamo.send(new PutCommand({ TableName: this.local.uploadsTable, Item: { ...record, status: 'processing' } }));
    await this.s3.send(new PutObjectCommand({ Bucket: this.local.uploadsBucket, Key: sourceKey(uploadId), Body: body }));
    await this.local.eventsIdle();
    await this.dynamo.send(new PutCommand({ TableName: this.local.uploadsTable, Item: record }));
    return uploadId;
  }

  /**
   * Invokes the process handler with the object event of `uploadId`'s original, as the queue
   * delivers it, with `timeoutMs` as the function's time limit.
   */
  async deliver(uploadId: string, receiveCount = 1, timeoutMs = 10 * 60_000): Promise<SQSBatchResponse> {
    const s3Event: S3Event = {
      Records: [
        {
          eventVersion: '2.1',
          eventSource: 'aws:s3',
          awsRegion: this.local.region,
          eventTime: new Date().toISOString(),
          eventName: 'ObjectCreated:CompleteMultipartUpload',
          userIdentity: { principalId: 'local' },
          requestParameters: { sourceIPAddress: '127.0.0.1' },
          responseElements: { 'x-amz-request-id': 'local', 'x-amz-id-2': 'local' },
          s3: {
            s3SchemaVersion: '1.0',
            configurationId: 'process-uploads',
            bucket: { name: this.local.uploadsBucket, ownerIdentity: { principalId: 'local' }, arn: `arn:aws:s3:::${this.local.uploadsBucket}` },
            object: { key: encodeS3EventKey(sourceKey(uploadId)), size: 0, eTag: 'etag', sequencer: '0' },
          },
        },
      ],
    };
    const now = Date.now();
    const event = toSqsEvent(
      [{ messageId: randomUUID(), body: JSON.stringify(s3Event), sentTimestamp: now, receiveCount, firstReceiveTimestamp: now }],
      { arn: `arn:aws:sqs:${this.local.region}:000000000000:process-test`, region: this.local.region },
    );
    return this.handler(event, createLambdaContext('process-upload', timeoutMs));
  }

  async record(uploadId: string): Promise<UploadRecord> {
    const { Item } = await this.dynamo.send(new GetCommand({ TableName: this.local.uploadsTable, Key: { uploadId }, ConsistentRead: true }));
    return Item as UploadRecord;
  }

  /** Moves the record to `cancelled` as DELETE /uploads/{id} does, or removes it as deleting a finished upload does. */
  async cancel(uploadId: string, how: 'cancel' | 'delete' = 'cancel'): Promise<void> {
    if (how === 'delete') {
      await this.dynamo.send(new DeleteCommand({ TableName: this.local.uploadsTable, Key: { uploadId } }));
      return;
    }
    await this.dynamo.send(
      new UpdateCommand({
        TableName: this.local.uploadsTable,
        Key: { uploadId },
        UpdateExpression: 'SET #status = :cancelled',
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: { ':cancelled': 'cancelled' },
      }),
    );
  }

  /** Keys under the upload's media prefix, sorted. */
  async outputKeys(uploadId: string): Promise<string[]> {
    const { Contents } = await this.s3.send(new ListObjectsV2Command({ Bucket: this.local.mediaBucket, Prefix: `media/${uploadId}/` }));
    return (Contents ?? []).map((object) => object.Key as string).sort();
  }

  async outputHeaders(key: string): Promise<{ contentType?: string; cacheControl?: string; lastModified?: Date }> {
    const head = await this.s3.send(new HeadObjectCommand({ Bucket: this.local.mediaBucket, Key: key }));
    return { contentType: head.ContentType, cacheControl: head.CacheControl, lastModified: head.LastModified };
  }
}

function sourceKey(uploadId: string): string {
  return `uploads/${uploadId}/source`;
}
