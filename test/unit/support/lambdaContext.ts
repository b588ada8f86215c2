import type { Context } from 'aws-lambda';

/** A Lambda context with a generous remaining time, enough for middy's timeout bookkeeping. */
export function lambdaContext(functionName = 'unit-test'): Context {
  return {
    callbackWaitsForEmptyEventLoop: false,
    functionName,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:eu-west-1:123456789012:function:${functionName}`,
    memoryLimitInMB: '1024',
    awsRequestId: 'unit-test-request',
    logGroupName: `/aws/lambda/${functionName}`,
    logStreamName: 'unit-test',
    getRemainingTimeInMillis: () => 30_000,
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}
