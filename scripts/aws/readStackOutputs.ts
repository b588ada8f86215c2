import { type CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';

/** A deployed stack's outputs by key (`UploadsBucketName` → the bucket's name). */
export async function readStackOutputs(cloudFormation: CloudFormationClient, stackName: string): Promise<Record<string, string>> {
  const { Stacks } = await cloudFormation.send(new DescribeStacksCommand({ StackName: stackName }));
  const stack = Stacks?.[0];
  if (stack === undefined) throw new Error(`CloudFormation describes no stack named ${stackName}`);
  const outputs: Record<string, string> = {};
  for (const output of stack.Outputs ?? []) {
    if (output.OutputKey !== undefined && output.OutputValue !== undefined) outputs[output.OutputKey] = output.OutputValue;
  }
  return outputs;
}
