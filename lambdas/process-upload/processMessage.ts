import type { SQSRecord } from 'aws-lambda';
import { uploadEventsFromMessage } from '../shared/uploadIdsFromMessage.js';
import { type Attempt, processUpload } from './processUpload.js';

/**
 * One SQS message: the S3 event (or, with the malware scan on, GuardDuty's scan result) it
 * carries names one original (S3 sends one record per event), and each is processed in turn,
 * with the scan status the message reported. A rejection makes this message a batch item failure.
 */
export async function processMessage(message: SQSRecord, deadline: number): Promise<void> {
  const receiveCount = Number.parseInt(message.attributes.ApproximateReceiveCount, 10);
  const attempt: Attempt = { receiveCount: Number.isFinite(receiveCount) && receiveCount > 0 ? receiveCount : 1, deadline };
  for (const { uploadId, scanStatus } of uploadEventsFromMessage(message.body)) {
    await processUpload(uploadId, { ...attempt, scanStatus });
  }
}
