import type { S3Event } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { encodeS3EventKey, normalizeS3Event } from '../../../../local/events/normalizeS3Event.js';

/** A notification as s3rver 3.7.1 emits it for a multipart completion. */
function s3rverEvent(key: string, eventName = 'ObjectCreated:Post'): S3Event {
  return {
    Records: [
      {
        eventVersion: '2.0',
        eventSource: 'aws:s3',
        awsRegion: 'us-east-1',
        eventTime: '2026-03-05T09:04:07.123Z',
        eventName,
        userIdentity: { principalId: 'AWS:ABC' },
        requestParameters: { sourceIPAddress: '127.0.0.1' },
        responseElements: { 'x-amz-request-id': 'REQ', 'x-amz-id-2': 'ID2' },
        s3: {
          s3SchemaVersion: '1.0',
          configurationId: 'testConfigId',
          bucket: { name: 'media-pipeline-uploads', ownerIdentity: { principalId: 'OWNER' }, arn: 'arn:aws:s3: : :media-pipeline-uploads' },
          object: { key, size: 12_582_912, eTag: '0123abcd', sequencer: '18E0F' },
        },
      },
    ],
  };
}

describe('normalizeS3Event', () => {
  it('names a multipart completion ObjectCreated:CompleteMultipartUpload, fixes the ARN and sets the region', () => {
    const [record] = normalizeS3Event(s3rverEvent('uploads/u-1/source'), { region: 'eu-west-1', operation: 'CompleteMultipartUpload' }).Records;
    expect(record).toMatchObject({
      eventVersion: '2.1',
      eventName: 'ObjectCreated:CompleteMultipartUpload',
      awsRegion: 'eu-west-1',
      s3: {
        bucket: { name: 'media-pipeline-uploads', arn: 'arn:aws:s3:::media-pipeline-uploads' },
        object: { key: 'uploads/u-1/source', size: 12_582_912, eTag: '0123abcd', sequencer: '18E0F' },
      },
    });
  });

  it('keeps ObjectCreated:Post for a POST that was not a multipart completion (a browser form upload)', () => {
    const [record] = normalizeS3Event(s3rverEvent('uploads/u-1/source'), { region: 'us-east-1', operation: undefined }).Records;
    expect(record?.eventName).toBe('ObjectCreated:Post');
  });

  it('keeps the other event names as they are', () => {
    const [record] = normalizeS3Event(s3rverEvent('k', 'ObjectCreated:Put'), { region: 'us-east-1', operation: undefined }).Records;
    expect(record?.eventName).toBe('ObjectCreated:Put');
  });

  it('URL-encodes the raw key the way S3 does', () => {
    const [record] = normalizeS3Event(s3rverEvent('uploads/red flower (1).jpg'), { region: 'us-east-1', operation: 'CompleteMultipartUpload' }).Records;
    expect(record?.s3.object.key).toBe('uploads/red+flower+%281%29.jpg');
  });
});

describe('encodeS3EventKey', () => {
  it.each([
    ['uploads/u-1/source', 'uploads/u-1/source'],
    ['red flower.jpg', 'red+flower.jpg'],
    ['this im + age.txt', 'this+im+%2B+age.txt'],
    ['test/10:47:07;x=y.log', 'test/10%3A47%3A07%3Bx%3Dy.log'],
    ["it's (1)!~*.mp4", 'it%27s+%281%29%21%7E*.mp4'],
    ['ü.mp3', '%C3%BC.mp3'],
  ])('encodes %j as %j', (key, encoded) => {
    expect(encodeS3EventKey(key)).toBe(encoded);
  });

  it('round-trips through the decoding consumers use', () => {
    for (const key of ['a b+c/d (e)', "x'y~z", 'uploads/ü ö/source']) {
      expect(decodeURIComponent(encodeS3EventKey(key).replace(/\+/g, ' '))).toBe(key);
    }
  });
});
