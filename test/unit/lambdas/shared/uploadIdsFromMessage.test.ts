import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { decodeEventKey, uploadEventsFromMessage, uploadIdsFromMessage } from '../../../../lambdas/shared/uploadIdsFromMessage.js';
import { logger } from '../../../../lambdas/shared/logger.js';

const event = (...records: { eventName: string; key: string }[]) =>
  JSON.stringify({ Records: records.map(({ eventName, key }) => ({ eventName, s3: { object: { key } } })) });

describe('uploadIdsFromMessage', () => {
  beforeEach(() => {
    vi.spyOn(logger, 'info').mockImplementation(() => undefined);
    vi.spyOn(logger, 'warn').mockImplementation(() => undefined);
  });
  afterEach(() => vi.restoreAllMocks());

  it('takes the upload id from an original’s ObjectCreated key', () => {
    expect(uploadIdsFromMessage(event({ eventName: 'ObjectCreated:CompleteMultipartUpload', key: 'uploads/abc_DEF-123/source' }))).toEqual(['abc_DEF-123']);
  });

  it('decodes form-encoded keys before matching', () => {
    expect(uploadIdsFromMessage(event({ eventName: 'ObjectCreated:Put', key: 'uploads%2Fu1%2Fsource' }))).toEqual(['u1']);
    expect(decodeEventKey('uploads/red+flower+%281%29.jpg')).toBe('uploads/red flower (1).jpg');
    expect(decodeEventKey('100%+sure')).toBe('100% sure');
  });

  it('ignores other keys, other events, the S3 test event and bodies that are not JSON', () => {
    expect(
      uploadIdsFromMessage(
        event(
          { eventName: 'ObjectCreated:Put', key: 'uploads/u1/source.bak' },
          { eventName: 'ObjectCreated:Put', key: 'media/u1/master.m3u8' },
          { eventName: 'ObjectRemoved:Delete', key: 'uploads/u2/source' },
        ),
      ),
    ).toEqual([]);
    expect(uploadIdsFromMessage(JSON.stringify({ Service: 'Amazon S3', Event: 's3:TestEvent' }))).toEqual([]);
    expect(uploadIdsFromMessage('not json')).toEqual([]);
  });

  it('names an upload once even when the event repeats it', () => {
    const created = { eventName: 'ObjectCreated:Put', key: 'uploads/u1/source' };
    expect(uploadIdsFromMessage(event(created, created))).toEqual(['u1']);
  });
});

describe('uploadEventsFromMessage', () => {
  const scanResult = (detail: unknown) => JSON.stringify({ source: 'aws.guardduty', 'detail-type': 'GuardDuty Malware Protection Object Scan Result', detail });

  beforeEach(() => {
    vi.spyOn(logger, 'info').mockImplementation(() => undefined);
    vi.spyOn(logger, 'warn').mockImplementation(() => undefined);
  });
  afterEach(() => vi.restoreAllMocks());

  it('takes the upload and its scan status from GuardDuty’s scan result for an original', () => {
    const body = scanResult({ s3ObjectDetails: { objectKey: 'uploads/u1/source' }, scanResultDetails: { scanResultStatus: 'THREATS_FOUND' } });
    expect(uploadEventsFromMessage(body)).toEqual([{ uploadId: 'u1', scanStatus: 'THREATS_FOUND' }]);
    expect(uploadIdsFromMessage(body)).toEqual(['u1']);
  });

  it('gives S3 events no scan status', () => {
    expect(uploadEventsFromMessage(event({ eventName: 'ObjectCreated:Put', key: 'uploads/u1/source' }))).toEqual([{ uploadId: 'u1' }]);
  });

  it('ignores scan results for other keys, without a status, and events of other sources or types', () => {
    expect(uploadEventsFromMessage(scanResult({ s3ObjectDetails: { objectKey: 'media/u1/master.m3u8' }, scanResultDetails: { scanResultStatus: 'NO_THREATS_FOUND' } }))).toEqual([]);
    expect(uploadEventsFromMessage(scanResult({ s3ObjectDetails: { objectKey: 'uploads/u1/source' } }))).toEqual([]);
    const otherSource = JSON.stringify({ source: 'my.app', 'detail-type': 'GuardDuty Malware Protection Object Scan Result', detail: {} });
    expect(uploadEventsFromMessage(otherSource)).toEqual([]);
    expect(uploadEventsFromMessage('null')).toEqual([]);
  });
});
