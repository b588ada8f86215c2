import { describe, expect, it } from 'vitest';
import { EVENT_DETAIL_TYPES, uploadStateEvent } from '../../../../../lambdas/shared/events/uploadStateEvent.js';
import { UPLOAD_STATUSES } from '../../../../../lambdas/shared/uploadRecord.js';
import { FIXTURE_OWNER, FIXTURE_UPLOAD_ID, uploadRecord } from '../../../support/uploadRecord.js';

describe('uploadStateEvent', () => {
  it('makes a new record (no previous status) an `Upload Created` event from media-pipeline, at the time of the write', () => {
    const event = uploadStateEvent(uploadRecord({ seq: 1, updatedAt: '2025-03-01T12:00:01.000Z' }));

    expect(event).toMatchObject({ source: 'media-pipeline', detailType: 'Upload Created', time: '2025-03-01T12:00:01.000Z' });
    expect(event?.detail.previousStatus).toBeUndefined();
    expect(event?.detail.eventId).toBe(`${FIXTURE_UPLOAD_ID}.initiated`);
  });

  it.each(UPLOAD_STATUSES.filter((status) => status !== 'initiated'))('names a change into %s after its state, with the state it left', (status) => {
    const event = uploadStateEvent(uploadRecord({ status, previousStatus: 'initiated' }));

    expect(event?.detailType).toBe(EVENT_DETAIL_TYPES[status]);
    expect(event?.detail).toMatchObject({ eventId: `${FIXTURE_UPLOAD_ID}.${status}`, previousStatus: 'initiated', ownerId: FIXTURE_OWNER });
  });

  it('publishes nothing for a write within a state (progress, byte counts, a job id)', () => {
    expect(uploadStateEvent(uploadRecord({ status: 'processing', previousStatus: 'processing', progress: 40, stage: 'transcode' }))).toBeUndefined();
    expect(uploadStateEvent(uploadRecord({ status: 'initiated', previousStatus: 'initiated', bytesSent: 1024 }))).toBeUndefined();
  });

  it('carries the public record and the owner, none of the internal fields', () => {
    const record = uploadRecord({
      status: 'ready',
      previousStatus: 'processing',
      metadata: { title: 'Talk' },
      writeId: 'w-1',
      usageTracked: true,
      pendingProcessing: undefined,
      media: { kind: 'video', durationSeconds: 12, hls: 'https://cdn.example.com/media/x/master.m3u8' } as never,
    });

    const detail = uploadStateEvent(record)?.detail;

    expect(detail?.ownerId).toBe(FIXTURE_OWNER);
    expect(detail?.upload).toMatchObject({ uploadId: FIXTURE_UPLOAD_ID, status: 'ready', metadata: { title: 'Talk' }, filename: 'talk.mp4' });
    for (const internal of ['ownerId', 'sourceKey', 'multipartUploadId', 'writeId', 'usageTracked', 'previousStatus', 'pendingExpiry']) {
      expect(detail?.upload, internal).not.toHaveProperty(internal);
    }
  });
});
