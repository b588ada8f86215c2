import { Duration, Size } from 'aws-cdk-lib';
import { describe, expect, it } from 'vitest';
import { DEFAULT_UPLOAD_POLICY } from '../../lambdas/shared/mediaPolicy.js';
import { uploadPolicyFromProps } from '../../lib/uploadPolicyFromProps.js';

describe('uploadPolicyFromProps', () => {
  it('is the shared default policy when no prop is given', () => {
    expect(uploadPolicyFromProps()).toEqual(DEFAULT_UPLOAD_POLICY);
  });

  it('converts sizes to bytes and durations to seconds', () => {
    const policy = uploadPolicyFromProps({
      maxFileSize: Size.gibibytes(2),
      defaultPartSize: Size.mebibytes(16),
      minPartSize: Size.mebibytes(8),
      maxPartSize: Size.mebibytes(64),
      maxPartUrlsPerResponse: 200,
      partUrlExpiry: Duration.minutes(30),
      uploadExpiry: Duration.hours(6),
      maxMetadataBytes: 512,
      maxActiveUploadsPerUser: 3,
      maxStoredBytesPerUser: Size.gibibytes(10),
      maxUploadsPerHourPerUser: 30,
    });
    expect(policy).toEqual({
      ...DEFAULT_UPLOAD_POLICY,
      maxFileSize: 2 * 1024 ** 3,
      defaultPartSize: 16 * 1024 ** 2,
      minPartSize: 8 * 1024 ** 2,
      maxPartSize: 64 * 1024 ** 2,
      maxPartUrlsPerResponse: 200,
      partUrlExpirySeconds: 1800,
      uploadExpirySeconds: 21_600,
      maxMetadataBytes: 512,
      maxActiveUploadsPerUser: 3,
      // Not given: twice maxFileSize, so two of the largest files can be sent at once.
      maxBytesInFlightPerUser: 4 * 1024 ** 3,
      maxStoredBytesPerUser: 10 * 1024 ** 3,
      maxUploadsPerHourPerUser: 30,
    });
  });

  it('takes the bytes in flight per user as given', () => {
    expect(uploadPolicyFromProps({ maxBytesInFlightPerUser: Size.gibibytes(25) }).maxBytesInFlightPerUser).toBe(25 * 1024 ** 3);
  });

  it('replaces only the kinds given in acceptedTypes; an empty list turns a kind off', () => {
    const policy = uploadPolicyFromProps({ acceptedTypes: { video: ['video/mp4'], image: [] } });
    expect(policy.acceptedTypes).toEqual({ audio: DEFAULT_UPLOAD_POLICY.acceptedTypes.audio, video: ['video/mp4'], image: [] });
  });

  const invalid = [
    [{ minPartSize: Size.mebibytes(4) }, `minPartSize must be at least S3's 5 MiB (5242880 bytes), got 4194304 bytes`],
    [{ maxPartSize: Size.gibibytes(6) }, `maxPartSize must be at most S3's 5 GiB (5368709120 bytes), got 6442450944 bytes`],
    [
      { defaultPartSize: Size.mebibytes(100), maxPartSize: Size.mebibytes(64) },
      'part sizes must satisfy minPartSize <= defaultPartSize <= maxPartSize, got 5242880 <= 104857600 <= 67108864 bytes',
    ],
    [
      { maxFileSize: Size.gibibytes(100), maxPartSize: Size.mebibytes(8) },
      'maxFileSize of 107374182400 bytes cannot be uploaded in 10000 parts of at most maxPartSize (8388608 bytes)',
    ],
    [{ maxFileSize: Size.bytes(0) }, 'maxFileSize must be a positive whole number of bytes, got 0 bytes'],
    [{ maxPartUrlsPerResponse: 0 }, 'maxPartUrlsPerResponse must be a whole number from 1 to 10000, got 0'],
    [{ maxPartUrlsPerResponse: 2.5 }, 'maxPartUrlsPerResponse must be a whole number from 1 to 10000, got 2.5'],
    [{ partUrlExpiry: Duration.seconds(30) }, 'partUrlExpiry must be from 1 minute to 7 days (SigV4\'s limit), got 30 seconds'],
    [{ partUrlExpiry: Duration.days(8) }, 'partUrlExpiry must be from 1 minute to 7 days (SigV4\'s limit), got 691200 seconds'],
    [{ partUrlExpiry: Duration.millis(90_500) }, 'partUrlExpiry must be a positive whole number of seconds, got 90.5 seconds'],
    [{ uploadExpiry: Duration.seconds(59) }, 'uploadExpiry must be at least 1 minute, got 59 seconds'],
    [{ maxMetadataBytes: -1 }, 'maxMetadataBytes must be a whole number from 0 to 65536, got -1'],
    [{ maxMetadataBytes: 70_000 }, 'maxMetadataBytes must be a whole number from 0 to 65536, got 70000'],
    [
      { acceptedTypes: { video: ['Video/MP4'] } },
      "acceptedTypes.video holds 'Video/MP4', which is not a lower-case type/subtype content type",
    ],
    [
      { acceptedTypes: { audio: ['video/mp4'] } },
      "acceptedTypes lists 'video/mp4' under both audio and video; a type must name one kind",
    ],
    [{ acceptedTypes: { audio: [], video: [], image: [] } }, 'acceptedTypes accepts no content type at all; give at least one'],
    [{ maxActiveUploadsPerUser: 0 }, 'maxActiveUploadsPerUser must be a whole number from 1 to 1000, got 0'],
    [{ maxActiveUploadsPerUser: 1001 }, 'maxActiveUploadsPerUser must be a whole number from 1 to 1000, got 1001'],
    [{ maxUploadsPerHourPerUser: 0.5 }, 'maxUploadsPerHourPerUser must be a whole number of at least 1, got 0.5'],
    [
      { maxBytesInFlightPerUser: Size.gibibytes(10) },
      'maxBytesInFlightPerUser must be at least maxFileSize (21474836480 bytes), got 10737418240 bytes',
    ],
    [
      { maxFileSize: Size.gibibytes(200), maxPartSize: Size.gibibytes(1) },
      'maxStoredBytesPerUser must be at least maxFileSize (214748364800 bytes), got 107374182400 bytes',
    ],
    [{ maxStoredBytesPerUser: Size.bytes(0) }, 'maxStoredBytesPerUser must be a positive whole number of bytes, got 0 bytes'],
  ] as const;
  it.each(invalid.map(([props, message]) => [message, props] as const))('rejects bad props with "%s"', (message, props) => {
    expect(() => uploadPolicyFromProps(props)).toThrow(message);
  });
});
