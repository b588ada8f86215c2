import { AsyncLocalStorage } from 'node:async_hooks';

/** S3 operations the adapter names for the code that runs while s3rver serves them. */
export type AdaptedS3Operation = 'CompleteMultipartUpload';

/**
 * The operation of the request s3rver is serving. s3rver emits its object events synchronously
 * inside the request, so an event listener can read here which operation created the object
 * (s3rver names a multipart completion `ObjectCreated:Post`, like a browser form upload).
 */
export const s3OperationContext = new AsyncLocalStorage<AdaptedS3Operation>();
