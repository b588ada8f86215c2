import { S3Client } from '@aws-sdk/client-s3';
import { s3Endpoint } from './config.js';

const localEndpoint = s3Endpoint();

/**
 * The S3 client, created once per container. In local mode it points at the emulator with
 * path-style addressing, and computes checksums only when an operation requires them (the
 * emulator mishandles the SDK's default flexible checksums).
 */
export const s3 = new S3Client(
  localEndpoint
    ? {
        endpoint: localEndpoint,
        forcePathStyle: true,
        requestChecksumCalculation: 'WHEN_REQUIRED',
        responseChecksumValidation: 'WHEN_REQUIRED',
      }
    : {},
);
