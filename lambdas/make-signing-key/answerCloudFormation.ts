import type { CloudFormationCustomResourceEvent } from 'aws-lambda';

export type CustomResourceOutcome =
  | { readonly status: 'SUCCESS'; readonly physicalResourceId: string; readonly data?: Readonly<Record<string, string>> }
  | { readonly status: 'FAILED'; readonly physicalResourceId: string; readonly reason: string };

/**
 * Puts a custom resource's outcome to the presigned `ResponseURL` CloudFormation waits on (the
 * protocol `cfn-response` implements). A function that is its resource's service token answers
 * itself, so no provider framework (and its extra functions and roles) is needed.
 */
export async function answerCloudFormation(event: CloudFormationCustomResourceEvent, outcome: CustomResourceOutcome): Promise<void> {
  const body = JSON.stringify({
    Status: outcome.status,
    Reason: outcome.status === 'FAILED' ? outcome.reason.slice(0, 1_000) : 'OK',
    PhysicalResourceId: outcome.physicalResourceId,
    StackId: event.StackId,
    RequestId: event.RequestId,
    LogicalResourceId: event.LogicalResourceId,
    ...(outcome.status === 'SUCCESS' && outcome.data ? { Data: outcome.data } : {}),
  });
  // The presigned URL signs no Content-Type: S3 refuses the PUT when one is sent that was not signed.
  const response = await fetch(event.ResponseURL, { method: 'PUT', body, headers: { 'content-type': '' } });
  if (!response.ok) throw new Error(`CloudFormation's response URL answered ${response.status}`);
}
