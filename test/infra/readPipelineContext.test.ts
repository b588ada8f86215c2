import { RemovalPolicy } from 'aws-cdk-lib';
import { describe, expect, it } from 'vitest';
import { readPipelineContext } from '../../lib/readPipelineContext.js';
import { testApp } from './testApp.js';

const read = (context: Record<string, unknown>) => readPipelineContext(testApp({ context }).node);

describe('readPipelineContext', () => {
  it('leaves every prop to the construct defaults when no key is set, with a created user pool', () => {
    const props = read({});
    expect(Object.entries(props).filter(([, value]) => value !== undefined)).toEqual([
      ['auth', { userPool: { threatProtection: undefined, selfSignUp: undefined } }],
    ]);
  });

  it('reads sizes as bytes or with a binary unit', () => {
    const props = read({ maxFileSize: '500MiB', defaultPartSize: '16 mib', minPartSize: 5242880, maxPartSize: '1GiB' });
    expect(props.maxFileSize?.toBytes()).toBe(500 * 1024 ** 2);
    expect(props.defaultPartSize?.toBytes()).toBe(16 * 1024 ** 2);
    expect(props.minPartSize?.toBytes()).toBe(5 * 1024 ** 2);
    expect(props.maxPartSize?.toBytes()).toBe(1024 ** 3);
  });

  it('reads durations as seconds or with s, m, h or d', () => {
    expect(read({ partUrlExpiry: '900' }).partUrlExpiry?.toSeconds()).toBe(900);
    expect(read({ partUrlExpiry: '15m' }).partUrlExpiry?.toSeconds()).toBe(900);
    expect(read({ uploadExpiry: '24h' }).uploadExpiry?.toSeconds()).toBe(86_400);
    expect(read({ uploadExpiry: '2d' }).uploadExpiry?.toSeconds()).toBe(172_800);
  });

  it('reads accepted types per kind and origins as comma-separated lists (or cdk.json arrays)', () => {
    const props = read({
      acceptedVideoTypes: 'video/mp4, video/webm',
      acceptedImageTypes: '',
      corsOrigins: ['https://app.example.com', 'https://admin.example.com'],
    });
    expect(props.acceptedTypes).toEqual({ video: ['video/mp4', 'video/webm'] });
    expect(props.corsOrigins).toEqual(['https://app.example.com', 'https://admin.example.com']);
  });

  it('reads numbers, the removal policy, throttling and user pool switches', () => {
    const props = read({
      maxPartUrlsPerResponse: '250',
      maxMetadataBytes: '4096',
      removalPolicy: 'destroy',
      apiRateLimit: '20',
      apiBurstLimit: '40',
      threatProtection: 'true',
      selfSignUp: 'false',
    });
    expect(props).toMatchObject({
      maxPartUrlsPerResponse: 250,
      maxMetadataBytes: 4096,
      removalPolicy: RemovalPolicy.DESTROY,
      throttle: { rateLimit: 20, burstLimit: 40 },
      auth: { userPool: { threatProtection: true, selfSignUp: false } },
    });
  });

  it('reads the per-user limits: counts as whole numbers, bytes as sizes', () => {
    const props = read({
      maxActiveUploadsPerUser: '3',
      maxBytesInFlightPerUser: '30GiB',
      maxStoredBytesPerUser: '1TiB',
      maxUploadsPerHourPerUser: 20,
    });
    expect(props.maxActiveUploadsPerUser).toBe(3);
    expect(props.maxBytesInFlightPerUser?.toBytes()).toBe(30 * 1024 ** 3);
    expect(props.maxStoredBytesPerUser?.toBytes()).toBe(1024 ** 4);
    expect(props.maxUploadsPerHourPerUser).toBe(20);
  });

  it('reads the sweep interval and stall margin into the sweep props', () => {
    const props = read({ sweepInterval: '30m', stallMargin: '20m' });
    expect(props.sweep?.interval?.toSeconds()).toBe(1800);
    expect(props.sweep?.stallMargin?.toSeconds()).toBe(1200);
    expect(read({ stallMargin: '600' }).sweep).toEqual({ interval: undefined, stallMargin: expect.anything() });
  });

  it('reads the retention keys into the retention props', () => {
    const props = read({ readyOriginals: 'archive', archiveAfter: '60d', archiveStorageClass: 'INTELLIGENT_TIERING', deleteFailedAfter: '3d', removeRecordsAfter: '90d', retentionInterval: '30m' });
    expect(props.retention?.readyOriginals).toBe('archive');
    expect(props.retention?.archiveAfter?.toDays()).toBe(60);
    expect(props.retention?.archiveStorageClass?.value).toBe('INTELLIGENT_TIERING');
    expect([props.retention?.deleteFailedAfter?.toDays(), props.retention?.removeRecordsAfter?.toDays(), props.retention?.interval?.toMinutes()]).toEqual([3, 90, 30]);
    expect(read({ deleteFailedAfter: '2d' }).retention).toMatchObject({ readyOriginals: undefined, removeRecordsAfter: undefined });
    expect(() => read({ removeRecordsAfter: 'a month' })).toThrow("context removeRecordsAfter must be seconds or a duration like 15m, 24h or 2d, got 'a month'");
  });

  it('turns live progress off with progress=false, and leaves it to the default otherwise', () => {
    expect(read({ progress: 'false' }).progress).toEqual({ enabled: false });
    expect(read({ progress: true }).progress).toEqual({ enabled: true });
    expect(read({}).progress).toBeUndefined();
  });

  it('requires checksums with requireChecksums=true, and leaves it to the default otherwise', () => {
    expect(read({ requireChecksums: 'true' }).requireChecksums).toBe(true);
    expect(read({ requireChecksums: false }).requireChecksums).toBe(false);
    expect(read({}).requireChecksums).toBeUndefined();
    expect(() => read({ requireChecksums: 'on' })).toThrow("context requireChecksums must be true or false, got 'on'");
  });

  it('deploys the demo page with demoPage=true only', () => {
    expect(read({ demoPage: 'true' }).demoPage).toBe(true);
    expect(read({ demoPage: false }).demoPage).toBe(false);
    expect(read({}).demoPage).toBeUndefined();
    expect(() => read({ demoPage: 'yes' })).toThrow("context demoPage must be true or false, got 'yes'");
  });

  it('switches to an external issuer when jwtIssuer and jwtAudience are set', () => {
    expect(read({ jwtIssuer: 'https://issuer.example.com', jwtAudience: 'web,ios' }).auth).toEqual({
      jwtIssuer: 'https://issuer.example.com',
      jwtAudience: ['web', 'ios'],
    });
  });

  it.each([
    [{ jwtIssuer: 'https://issuer.example.com' }, 'context jwtIssuer and jwtAudience go together'],
    [{ jwtIssuer: 'https://i.example.com', jwtAudience: 'web', threatProtection: 'true' }, 'with jwtIssuer none is created'],
    [{ maxFileSize: '20GB' }, "context maxFileSize must be bytes or a size like 500MiB or 20GiB, got '20GB'"],
    [{ uploadExpiry: '1w' }, "context uploadExpiry must be seconds or a duration like 15m, 24h or 2d, got '1w'"],
    [{ maxMetadataBytes: '2k' }, "context maxMetadataBytes must be a non-negative number, got '2k'"],
    [{ maxPartUrlsPerResponse: '10.5' }, "context maxPartUrlsPerResponse must be a whole number, got '10.5'"],
    [{ removalPolicy: 'snapshot' }, "context removalPolicy must be retain or destroy, got 'snapshot'"],
    [{ selfSignUp: 'yes' }, "context selfSignUp must be true or false, got 'yes'"],
    [{ maxActiveUploadsPerUser: '2.5' }, "context maxActiveUploadsPerUser must be a whole number, got '2.5'"],
    [{ maxStoredBytesPerUser: '1TB' }, "context maxStoredBytesPerUser must be bytes or a size like 500MiB or 20GiB, got '1TB'"],
    [{ stallMargin: 'soon' }, "context stallMargin must be seconds or a duration like 15m, 24h or 2d, got 'soon'"],
    [{ progress: 'off' }, "context progress must be true or false, got 'off'"],
  ])('rejects %j, naming the key and value', (context, message) => {
    expect(() => read(context)).toThrow(message);
  });
});
