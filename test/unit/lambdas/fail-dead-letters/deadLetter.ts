import type { SQSRecord } from 'aws-lambda';

/** The S3 notification body S3 sends for an object key. */
export function s3EventBody(key: string, eventName = 'ObjectCreated:CompleteMultipartUpload'): string {
  return JSON.stringify({ Records: [{ eventName, s3: { bucket: { name: 'uploads-bucket' }, object: { key } } }] });
}

/** A message as the dead-letter queue's event source hands it over. */
export function deadLetter(body: string, messageId = 'm1', receiveCount = 1): SQSRecord {
  return {
    messageId,
    receiptHandle: `r-${messageId}`,
    body,
    attributes: {
      ApproximateReceiveCount: String(receiveCount),
      SentTimestamp: '0',
      SenderId: 'AROAEXAMPLE',
      ApproximateFirstReceiveTimestamp: '0',
    },
    messageAttributes: {},
    md5OfBody: '',
    eventSource: 'aws:sqs',
    eventSourceARN: 'arn:aws:sqs:eu-west-1:123456789012:dead-letters',
    awsRegion: 'eu-west-1',
  };
}
