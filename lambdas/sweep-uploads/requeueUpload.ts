import { SendMessageCommand } from '@aws-sdk/client-sqs';
import { processQueueUrl, uploadsBucketName } from '../shared/config.js';
import { sqs } from '../shared/sqs.js';
import type { UploadRecord } from '../shared/uploadRecord.js';
import { objectCreatedEvent } from './objectCreatedEvent.js';

const queueUrl = processQueueUrl();
const bucket = uploadsBucketName();

/** Sends the process queue the object event of an upload's original again; returns the message id. */
export async function requeueUpload(record: UploadRecord, now: Date): Promise<string | undefined> {
  const region = await sqs.config.region();
  const { MessageId } = await sqs.send(
    new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: JSON.stringify(objectCreatedEvent(record, bucket, region, now)) }),
  );
  return MessageId;
}
