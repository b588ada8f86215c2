import { mkdir } from 'node:fs/promises';
import type { S3Event } from 'aws-lambda';
import S3rver from 's3rver';
import type { LocalCredentials } from '../localDefaults.js';
import { s3OperationContext, type AdaptedS3Operation } from './s3OperationContext.js';
import { s3rverAdapter } from './s3rverAdapter.js';
import { S3rverMultipartStore } from './S3rverMultipartStore.js';
import { S3rverObjectStore } from './S3rverObjectStore.js';

export interface S3EmulatorBucket {
  readonly name: string;
  /** CORSConfiguration XML. */
  readonly cors: string;
  /**
   * Anyone may GET or HEAD its objects without signing, as through a CDN.
   * @default false - every request must be signed, as for a private S3 bucket
   */
  readonly publicRead?: boolean;
}

export interface S3EmulatorOptions {
  readonly host: string;
  readonly port: number;
  /** s3rver's filesystem store: objects and in-progress uploads persist here. */
  readonly directory: string;
  readonly buckets: readonly S3EmulatorBucket[];
  /** The key pair every signed request must be signed with. */
  readonly credentials: LocalCredentials;
  /** Print s3rver's request log. @default false */
  readonly verbose?: boolean;
  /** Every object notification, as s3rver emits it, with the operation the adapter recognised. */
  readonly onEvent: (event: S3Event, operation: AdaptedS3Operation | undefined) => void;
}

export interface S3Emulator {
  readonly port: number;
  stop(): Promise<void>;
}

/**
 * Runs s3rver in this process with its gaps filled by the adapter (placed before s3rver's own
 * middleware, where it also refuses unsigned and wrongly signed requests), and creates the
 * buckets with their CORS rules.
 */
export async function startS3Emulator(options: S3EmulatorOptions): Promise<S3Emulator> {
  await mkdir(options.directory, { recursive: true });
  const server = new S3rver({
    address: options.host,
    port: options.port,
    directory: options.directory,
    silent: !options.verbose,
    // Path-style only: with virtual hosts on, a LAN host name would be read as a bucket name.
    vhostBuckets: false,
    configureBuckets: options.buckets.map((bucket) => ({ name: bucket.name, configs: [bucket.cors] })),
  });
  server.middleware.unshift(
    s3rverAdapter({
      store: new S3rverMultipartStore(options.directory),
      objects: new S3rverObjectStore(options.directory),
      credentials: options.credentials,
      publicReadBuckets: options.buckets.filter((bucket) => bucket.publicRead).map((bucket) => bucket.name),
    }),
  );
  server.on('event', (event: S3Event) => options.onEvent(event, s3OperationContext.getStore()));
  const { port } = await server.run();
  return { port, stop: () => server.close() };
}
