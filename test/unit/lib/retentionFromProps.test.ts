import { Duration } from 'aws-cdk-lib';
import { StorageClass } from 'aws-cdk-lib/aws-s3';
import { describe, expect, it } from 'vitest';
import { retentionFromProps } from '../../../lib/retentionFromProps.js';

describe('retentionFromProps', () => {
  it('keeps ready originals, deletes failed uploads after 7 days and removes records after 30, hourly, by default', () => {
    const retention = retentionFromProps();
    expect(retention.settings).toEqual({ readyOriginals: 'keep', failedUploadsSeconds: 7 * 86_400, recordsSeconds: 30 * 86_400 });
    expect(retention.archive).toBeUndefined();
    expect(retention.interval.toSeconds()).toBe(3600);
  });

  it('archives to Glacier Instant Retrieval after 30 days unless told otherwise', () => {
    const archive = retentionFromProps({ readyOriginals: 'archive' }).archive;
    expect([archive?.after.toDays(), archive?.storageClass.value]).toEqual([30, 'GLACIER_IR']);
    const tiered = retentionFromProps({ readyOriginals: 'archive', archiveAfter: Duration.days(1), archiveStorageClass: StorageClass.INTELLIGENT_TIERING }).archive;
    expect([tiered?.after.toDays(), tiered?.storageClass.value]).toEqual([1, 'INTELLIGENT_TIERING']);
  });

  it('accepts the edges of every range', () => {
    expect(() => retentionFromProps({ deleteFailedAfter: Duration.days(1), removeRecordsAfter: Duration.days(2), interval: Duration.minutes(1) })).not.toThrow();
    expect(() => retentionFromProps({ deleteFailedAfter: Duration.days(365), removeRecordsAfter: Duration.days(3650), interval: Duration.hours(6) })).not.toThrow();
    expect(() => retentionFromProps({ readyOriginals: 'archive', archiveAfter: Duration.days(30), archiveStorageClass: StorageClass.INFREQUENT_ACCESS })).not.toThrow();
  });

  it('refuses a record removal no later than the failed uploads’ deletion: the record must outlive its bytes', () => {
    expect(() => retentionFromProps({ deleteFailedAfter: Duration.days(30) })).toThrow('retention.removeRecordsAfter must be whole days from 31 to 3650, got 30 days');
  });

  it('refuses classes that need a restore or keep one zone, naming the class', () => {
    for (const storageClass of [StorageClass.GLACIER, StorageClass.DEEP_ARCHIVE, StorageClass.ONE_ZONE_INFREQUENT_ACCESS]) {
      expect(() => retentionFromProps({ readyOriginals: 'archive', archiveStorageClass: storageClass })).toThrow(`got ${storageClass.value}`);
    }
  });
});
