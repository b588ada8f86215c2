import { afterEach, describe, expect, it } from 'vitest';
import { handler } from '../../../../lambdas/get-config/handler.js';
import { ENV, resetConfigCache } from '../../../../lambdas/shared/config.js';
import { DEFAULT_ACCEPTED_TYPES, GiB, MiB } from '../../../../lambdas/shared/mediaPolicy.js';
import { apiEvent } from '../../support/apiEvent.js';
import { lambdaContext } from '../../support/lambdaContext.js';

async function getConfig(sub: string | null = 'owner-1') {
  const response = (await handler(apiEvent({ method: 'GET', route: '/config', sub }), lambdaContext())) as {
    statusCode: number;
    body: string;
  };
  return { statusCode: response.statusCode, body: JSON.parse(response.body) as Record<string, unknown> };
}

describe('getConfig', () => {
  afterEach(() => {
    delete process.env[ENV.uploadPolicy];
    resetConfigCache();
  });

  it('answers the default policy: limits, accepted types, part-size rules and expiries', async () => {
    const response = await getConfig();

    expect(response).toEqual({
      statusCode: 200,
      body: {
        maxFileSize: 20 * GiB,
        acceptedTypes: DEFAULT_ACCEPTED_TYPES,
        parts: {
          defaultSize: 8 * MiB,
          minSize: 5 * MiB,
          maxSize: 5 * GiB,
          maxCount: 10_000,
          maxUrlsPerResponse: 1_000,
          urlExpirySeconds: 900,
        },
        uploadExpirySeconds: 86_400,
        filename: { maxLength: 255 },
        metadata: { maxBytes: 2_048, keyPattern: '^[A-Za-z0-9_.-]{1,64}$' },
        perUser: { maxActiveUploads: 5, maxBytesInFlight: 40 * GiB, maxStoredBytes: 100 * GiB, maxUploadsPerHour: 100 },
        checksums: { algorithms: ['CRC32C'], required: false },
      },
    });
  });

  it('answers the policy the functions were deployed with, S3 limits applied to the part-size range', async () => {
    process.env[ENV.uploadPolicy] = JSON.stringify({
      maxFileSize: GiB,
      acceptedTypes: { audio: ['audio/mpeg'], video: [], image: ['image/png'] },
      minPartSize: MiB,
      maxPartSize: 100 * MiB,
      partUrlExpirySeconds: 300,
      maxActiveUploadsPerUser: 2,
      maxUploadsPerHourPerUser: 12,
    });
    resetConfigCache();

    const response = await getConfig();

    expect(response.statusCode).toBe(200);
    expect(response.body).toMatchObject({
      maxFileSize: GiB,
      acceptedTypes: { audio: ['audio/mpeg'], video: [], image: ['image/png'] },
      parts: { minSize: 5 * MiB, maxSize: 100 * MiB, urlExpirySeconds: 300 },
      perUser: { maxActiveUploads: 2, maxBytesInFlight: 40 * GiB, maxStoredBytes: 100 * GiB, maxUploadsPerHour: 12 },
    });
  });

  it('answers 401 without a caller identity', async () => {
    const response = await getConfig(null);

    expect(response).toMatchObject({ statusCode: 401, body: { error: { code: 'UNAUTHORIZED' } } });
  });
});
