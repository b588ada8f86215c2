import { describe, expect, it } from 'vitest';
import { objectCreatedEvent, REQUEUE_CONFIGURATION_ID } from '../../../../lambdas/sweep-uploads/objectCreatedEvent.js';
import { uploadIdsFromMessage } from '../../../../lambdas/shared/uploadIdsFromMessage.js';
import { FIXTURE_UPLOAD_ID, uploadRecord } from '../../support/uploadRecord.js';

const NOW = new Date('2025-03-01T12:00:00.000Z');

describe('objectCreatedEvent', () => {
  it("lays the original's completion out as S3 does, marked as the sweep's", () => {
    const record = uploadRecord({ status: 'uploaded', size: 1234 });

    const message = objectCreatedEvent(record, 'uploads-bucket', 'eu-west-1', NOW);

    expect(message).toEqual({
      Records: [
        {
          eventVersion: '2.1',
          eventSource: 'aws:s3',
          awsRegion: 'eu-west-1',
          eventTime: '2025-03-01T12:00:00.000Z',
          eventName: 'ObjectCreated:CompleteMultipartUpload',
          s3: {
            s3SchemaVersion: '1.0',
            configurationId: REQUEUE_CONFIGURATION_ID,
            bucket: { name: 'uploads-bucket' },
            object: { key: `uploads/${FIXTURE_UPLOAD_ID}/source`, size: 1234 },
          },
        },
      ],
    });
  });

  it('is read back by the process function as the event of that upload', () => {
    const body = JSON.stringify(objectCreatedEvent(uploadRecord({ status: 'uploaded' }), 'uploads-bucket', 'eu-west-1', NOW));

    expect(uploadIdsFromMessage(body)).toEqual([FIXTURE_UPLOAD_ID]);
  });
});
