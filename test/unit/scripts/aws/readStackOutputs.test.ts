import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { readStackOutputs } from '../../../../scripts/aws/readStackOutputs.js';

const cloudFormation = mockClient(CloudFormationClient);

describe('readStackOutputs', () => {
  beforeEach(() => cloudFormation.reset());

  it("returns the named stack's outputs by key", async () => {
    cloudFormation.on(DescribeStacksCommand).resolves({
      Stacks: [
        {
          StackName: 'MediaPipeline',
          StackStatus: 'UPDATE_COMPLETE',
          CreationTime: new Date(0),
          Outputs: [
            { OutputKey: 'UploadsBucketName', OutputValue: 'mp-uploads' },
            { OutputKey: 'MediaBucketName', OutputValue: 'mp-media' },
            { OutputKey: 'Dangling' },
          ],
        },
      ],
    });

    await expect(readStackOutputs(new CloudFormationClient({}), 'MediaPipeline')).resolves.toEqual({ UploadsBucketName: 'mp-uploads', MediaBucketName: 'mp-media' });
    expect(cloudFormation).toHaveReceivedCommandWith(DescribeStacksCommand, { StackName: 'MediaPipeline' });
  });

  it('fails naming the stack when CloudFormation describes none', async () => {
    cloudFormation.on(DescribeStacksCommand).resolves({ Stacks: [] });
    await expect(readStackOutputs(new CloudFormationClient({}), 'Gone')).rejects.toThrow('CloudFormation describes no stack named Gone');
  });
});
