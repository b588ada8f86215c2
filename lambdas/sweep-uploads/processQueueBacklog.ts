import { GetQueueAttributesCommand } from '@aws-sdk/client-sqs';
import { processQueueUrl } from '../shared/config.js';
import { sqs } from '../shared/sqs.js';

const queueUrl = processQueueUrl();

/** How many events wait in the process queue for a run to take them (SQS's approximate count). */
export async function processQueueBacklog(): Promise<number> {
  const { Attributes } = await sqs.send(
    new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ['ApproximateNumberOfMessages'] }),
  );
  const waiting = Number(Attributes?.ApproximateNumberOfMessages);
  if (!Number.isFinite(waiting) || waiting < 0) {
    throw new Error(`The process queue reported ${String(Attributes?.ApproximateNumberOfMessages)} waiting messages`);
  }
  return waiting;
}
