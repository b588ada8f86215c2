import { randomUUID } from 'node:crypto';
import { GetObjectCommand, PutObjectTaggingCommand, type S3Client } from '@aws-sdk/client-s3';
import {
  SCAN_RESULT_DETAIL_TYPE,
  SCAN_RESULT_SOURCE,
  SCAN_STATUS_TAG,
  type ScanResultEvent,
  type ScanResultStatus,
} from '../../lambdas/shared/malwareScanResult.js';
import type { LocalLog } from '../localLog.js';

/**
 * The EICAR anti-virus test file's 68 characters (eicar.org), assembled from two halves so that
 * this source file is not itself flagged by a scanner on the developer's machine.
 */
export const EICAR_TEST_STRING = 'X5O!P%@AP[4\\PZX54(P^)7CC)7}$' + 'EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*';

/** The standard's longest test file: the string, then whitespace only, 128 bytes in all. */
const EICAR_MAX_BYTES = 128;

export interface EicarScannerDoubleOptions {
  /** A client of the S3 emulator, as GuardDuty's role reads and tags objects. */
  readonly s3: S3Client;
  readonly bucket: string;
  readonly region: string;
  readonly account: string;
  /** Sends the scan-result event to the process queue (on AWS: the EventBridge rule's target). */
  readonly send: (body: string) => void;
  readonly log: LocalLog;
}

/**
 * A stand-in for GuardDuty Malware Protection for S3 in local mode. It is NOT a malware
 * scanner: it flags the EICAR test file and nothing else, and passes every other object. What
 * it does after deciding is what GuardDuty does, so the pipeline's own gate decides the same
 * way as on AWS: it tags the object `GuardDutyMalwareScanStatus` (NO_THREATS_FOUND or
 * THREATS_FOUND) and sends a "GuardDuty Malware Protection Object Scan Result" event, shaped as
 * GuardDuty's, to the process queue.
 */
export class EicarScannerDouble {
  private readonly inFlight = new Set<Promise<void>>();

  constructor(private readonly options: EicarScannerDoubleOptions) {}

  /** Scans one new object in the background. */
  scan(key: string): void {
    const run = this.scanNow(key).catch((error: unknown) => this.options.log.error(`the EICAR scanner double could not scan ${key}`, error));
    this.inFlight.add(run);
    void run.finally(() => this.inFlight.delete(run));
  }

  /** Resolves when every scan started so far has sent its result (or failed). */
  async idle(): Promise<void> {
    while (this.inFlight.size > 0) await Promise.all([...this.inFlight]);
  }

  private async scanNow(key: string): Promise<void> {
    const { s3, bucket } = this.options;
    // One byte past the standard's limit tells a longer object apart.
    const start = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key, Range: `bytes=0-${EICAR_MAX_BYTES}` }));
    const bytes = (await start.Body?.transformToByteArray()) ?? new Uint8Array();
    const status: ScanResultStatus = isEicarTestFile(bytes) ? 'THREATS_FOUND' : 'NO_THREATS_FOUND';
    await s3.send(new PutObjectTaggingCommand({ Bucket: bucket, Key: key, Tagging: { TagSet: [{ Key: SCAN_STATUS_TAG, Value: status }] } }));
    this.options.log.info(`EICAR scanner double (not a malware scanner): ${key} ${status}`);
    this.options.send(JSON.stringify(this.resultEvent(key, status, start.ETag)));
  }

  private resultEvent(key: string, status: ScanResultStatus, eTag: string | undefined): ScanResultEvent {
    const { region, account, bucket } = this.options;
    return {
      version: '0',
      id: randomUUID(),
      'detail-type': SCAN_RESULT_DETAIL_TYPE,
      source: SCAN_RESULT_SOURCE,
      account,
      time: new Date().toISOString(),
      region,
      resources: [`arn:aws:guardduty:${region}:${account}:malware-protection-plan/local-eicar-double`],
      detail: {
        schemaVersion: '1.0',
        scanStatus: 'COMPLETED',
        resourceType: 'S3_OBJECT',
        s3ObjectDetails: { bucketName: bucket, objectKey: key, eTag: eTag?.replace(/"/g, ''), versionId: null, s3Throttled: false },
        scanResultDetails: {
          scanResultStatus: status,
          threats: status === 'THREATS_FOUND' ? [{ name: 'EICAR-Test-File (not a virus)' }] : null,
        },
      },
    };
  }
}

/**
 * Whether `start` (the first 129 bytes of an object, so a longer object shows one byte past the
 * limit) is the EICAR test file as its standard defines it: the 68 characters first, then
 * nothing but whitespace, 128 bytes at most.
 */
export function isEicarTestFile(start: Uint8Array): boolean {
  if (start.length > EICAR_MAX_BYTES) return false;
  const text = Buffer.from(start).toString('latin1');
  return text.startsWith(EICAR_TEST_STRING) && /^[\s]*$/.test(text.slice(EICAR_TEST_STRING.length));
}
