import { describe, expect, it } from 'vitest';
import { UPLOADS_BUCKET_CORS } from '../../../../local/s3/bucketCors.js';

describe("local mode's uploads bucket CORS", () => {
  // Without it a browser cannot read a part's ETag: the SDK's upload cannot complete, and
  // Uppy 5 (@uppy/aws-s3) logs to the console and waits forever instead of failing.
  it('exposes ETag to browsers on every origin, as the stack does (test/infra/Storage.test.ts)', () => {
    expect(UPLOADS_BUCKET_CORS).toContain('<AllowedOrigin>*</AllowedOrigin>');
    expect(UPLOADS_BUCKET_CORS).toContain('<AllowedMethod>PUT</AllowedMethod>');
    expect(UPLOADS_BUCKET_CORS).toContain('<ExposeHeader>ETag</ExposeHeader>');
  });
});
