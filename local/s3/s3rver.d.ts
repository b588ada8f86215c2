/** The parts of s3rver@3.7.1 (untyped CommonJS) that local mode uses. */
declare module 's3rver' {
  import type { EventEmitter } from 'node:events';
  import type { AddressInfo } from 'node:net';

  export interface S3rverBucketConfig {
    readonly name: string;
    /** Bucket configuration documents (CORSConfiguration, WebsiteConfiguration XML). */
    readonly configs?: readonly (string | Buffer)[];
  }

  export interface S3rverOptions {
    readonly address?: string;
    readonly port?: number;
    readonly silent?: boolean;
    readonly directory?: string;
    readonly vhostBuckets?: boolean;
    readonly configureBuckets?: readonly S3rverBucketConfig[];
  }

  /** A Koa middleware; local mode types its context itself. */
  export type KoaMiddleware = (ctx: never, next: () => Promise<void>) => Promise<void>;

  export default class S3rver extends EventEmitter {
    constructor(options: S3rverOptions);
    /** Koa's middleware stack, composed when the server starts listening. */
    readonly middleware: KoaMiddleware[];
    run(): Promise<AddressInfo>;
    close(): Promise<void>;
  }
}
