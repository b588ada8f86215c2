import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { checkOptIn, refusalMessage, resolveTargets } from '../../../../scripts/aws/awsCheckTargets.js';

const QUEUE_ARN = 'arn:aws:mediaconvert:eu-west-1:123456789012:queues/media-pipeline';
const ROLE_ARN = 'arn:aws:iam::123456789012:role/media-pipeline-job';
const ALL = {
  MEDIA_PIPELINE_AWS_TEST: '1',
  AWS_REGION: 'eu-west-1',
  MEDIA_PIPELINE_QUEUE_ARN: QUEUE_ARN,
  MEDIA_PIPELINE_JOB_ROLE_ARN: ROLE_ARN,
  MEDIA_PIPELINE_UPLOADS_BUCKET: 'stack-uploads',
  MEDIA_PIPELINE_MEDIA_BUCKET: 'stack-media',
};
const OPTED_IN = { region: 'eu-west-1', stackName: undefined };

describe('checkOptIn', () => {
  it('refuses without MEDIA_PIPELINE_AWS_TEST=1, naming the variable', () => {
    const result = checkOptIn({ ...ALL, MEDIA_PIPELINE_AWS_TEST: undefined });
    expect(result.ok).toBe(false);
    expect(!result.ok && result.problems.join('\n')).toContain('MEDIA_PIPELINE_AWS_TEST=1 is not set');
  });

  it('takes only 1 as the opt-in', () => {
    expect(checkOptIn({ ...ALL, MEDIA_PIPELINE_AWS_TEST: 'true' }).ok).toBe(false);
  });

  it('refuses without a region, and names every problem at once', () => {
    const result = checkOptIn({});
    expect(!result.ok && result.problems).toEqual([
      expect.stringContaining('MEDIA_PIPELINE_AWS_TEST=1'),
      expect.stringContaining('AWS_REGION is not set'),
    ]);
  });

  it('passes with the opt-in and a region (AWS_DEFAULT_REGION counts), with the stack to read if named', () => {
    expect(checkOptIn({ MEDIA_PIPELINE_AWS_TEST: '1', AWS_DEFAULT_REGION: 'us-east-1', MEDIA_PIPELINE_STACK_NAME: 'MediaPipeline' })).toEqual({
      ok: true,
      region: 'us-east-1',
      stackName: 'MediaPipeline',
    });
  });
});

describe('resolveTargets', () => {
  it('takes every resource from its variable', () => {
    expect(resolveTargets(ALL, OPTED_IN)).toEqual({
      ok: true,
      targets: { region: 'eu-west-1', stackName: undefined, queueArn: QUEUE_ARN, roleArn: ROLE_ARN, uploadsBucket: 'stack-uploads', mediaBucket: 'stack-media' },
    });
  });

  it("fills what the variables leave out from the stack's outputs; a variable wins over an output", () => {
    const env = { MEDIA_PIPELINE_QUEUE_ARN: QUEUE_ARN, MEDIA_PIPELINE_JOB_ROLE_ARN: ROLE_ARN, MEDIA_PIPELINE_MEDIA_BUCKET: 'chosen-media' };
    const outputs = { UploadsBucketName: 'out-uploads', MediaBucketName: 'out-media', ApiUrl: 'https://x' };
    const result = resolveTargets(env, { region: 'eu-west-1', stackName: 'MediaPipeline' }, outputs);
    expect(result.ok && result.targets).toMatchObject({ uploadsBucket: 'out-uploads', mediaBucket: 'chosen-media', stackName: 'MediaPipeline' });
  });

  it('names each missing resource with its variable, and the stack output it could come from', () => {
    const result = resolveTargets({ MEDIA_PIPELINE_UPLOADS_BUCKET: 'b-up', MEDIA_PIPELINE_MEDIA_BUCKET: 'b-media' }, { region: 'eu-west-1', stackName: 'MediaPipeline' }, {});
    expect(!result.ok && result.problems).toEqual([
      'MEDIA_PIPELINE_QUEUE_ARN is not set: the stack\'s MediaConvert queue ARN (stack MediaPipeline has no output MediaConvertQueueArn)',
      'MEDIA_PIPELINE_JOB_ROLE_ARN is not set: the MediaConvert job role ARN (stack MediaPipeline has no output MediaConvertJobRoleArn)',
    ]);
  });

  it('refuses malformed values, naming the variable and the value', () => {
    const result = resolveTargets({ ...ALL, MEDIA_PIPELINE_JOB_ROLE_ARN: 'media-pipeline-job', MEDIA_PIPELINE_MEDIA_BUCKET: 'Media_Bucket' }, OPTED_IN);
    expect(!result.ok && result.problems).toEqual([
      'MEDIA_PIPELINE_JOB_ROLE_ARN is "media-pipeline-job", not an IAM role ARN',
      'MEDIA_PIPELINE_MEDIA_BUCKET is "Media_Bucket", not a bucket name',
    ]);
  });

  it('refuses a queue in another region than AWS_REGION (queues are regional)', () => {
    const result = resolveTargets({ ...ALL, MEDIA_PIPELINE_QUEUE_ARN: QUEUE_ARN.replace('eu-west-1', 'us-east-1') }, OPTED_IN);
    expect(!result.ok && result.problems).toEqual([`The queue ${QUEUE_ARN.replace('eu-west-1', 'us-east-1')} is in us-east-1, but AWS_REGION is eu-west-1`]);
  });
});

describe('refusalMessage', () => {
  it('says the check did not run, lists the problems and points at the docs', () => {
    expect(refusalMessage(['A is not set', 'B is not set'])).toBe(
      [
        'npm run test:aws did not run: it submits real MediaConvert jobs and needs a deployed stack.',
        '  - A is not set',
        '  - B is not set',
        'See docs/local-mode.md, "npm run test:aws".',
      ].join('\n'),
    );
  });
});

describe('npm run test:aws without the opt-in', () => {
  it('exits 2 with the refusal before creating any client', () => {
    const env = { ...process.env };
    delete env.MEDIA_PIPELINE_AWS_TEST;
    const result = spawnSync(process.execPath, ['--import', 'tsx', 'scripts/aws/mediaConvertCheck.ts'], { env, encoding: 'utf8', timeout: 60_000 });
    expect(result.status).toBe(2);
    expect(result.stderr).toContain('npm run test:aws did not run');
    expect(result.stderr).toContain('MEDIA_PIPELINE_AWS_TEST=1 is not set');
    expect(result.stdout).toBe('');
  });
});
