import { SQSClient } from '@aws-sdk/client-sqs';
import { sqsEndpoint } from './config.js';

const localEndpoint = sqsEndpoint();

/** The SQS client, created once per container (local mode's SQS endpoint in local mode). */
export const sqs = new SQSClient(localEndpoint ? { endpoint: localEndpoint } : {});
