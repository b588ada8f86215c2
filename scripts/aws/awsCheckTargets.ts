/**
 * What `npm run test:aws` needs before it may spend anything: the operator's explicit opt-in,
 * a region, and the resources of a deployed stack. Nothing here talks to AWS; the stack's
 * outputs, when a stack is named, are read by the caller and passed in.
 */

/** The variable that must be `1`: nothing calls AWS without it (so never in CI or `npm test`). */
export const OPT_IN = 'MEDIA_PIPELINE_AWS_TEST';
/** A deployed stack whose CloudFormation outputs name the buckets (and, if it outputs them, the queue and role). */
export const STACK_NAME = 'MEDIA_PIPELINE_STACK_NAME';

/** Each resource: the variable that names it, and the stack output it may come from instead. */
export const TARGET_SOURCES = {
  queueArn: { variable: 'MEDIA_PIPELINE_QUEUE_ARN', output: 'MediaConvertQueueArn', what: "the stack's MediaConvert queue ARN" },
  roleArn: { variable: 'MEDIA_PIPELINE_JOB_ROLE_ARN', output: 'MediaConvertJobRoleArn', what: 'the MediaConvert job role ARN' },
  uploadsBucket: { variable: 'MEDIA_PIPELINE_UPLOADS_BUCKET', output: 'UploadsBucketName', what: 'the uploads bucket' },
  mediaBucket: { variable: 'MEDIA_PIPELINE_MEDIA_BUCKET', output: 'MediaBucketName', what: 'the media bucket' },
} as const;

export type TargetName = keyof typeof TARGET_SOURCES;

export interface AwsCheckTargets {
  readonly region: string;
  readonly queueArn: string;
  readonly roleArn: string;
  readonly uploadsBucket: string;
  readonly mediaBucket: string;
  readonly stackName: string | undefined;
}

/** The first gate: opted in, a region, and maybe a stack to read. */
export type OptInResult =
  | { readonly ok: true; readonly region: string; readonly stackName: string | undefined }
  | { readonly ok: false; readonly problems: readonly string[] };

export type TargetsResult = { readonly ok: true; readonly targets: AwsCheckTargets } | { readonly ok: false; readonly problems: readonly string[] };

type Env = Readonly<Record<string, string | undefined>>;

const QUEUE_ARN = /^arn:aws[a-z-]*:mediaconvert:([a-z0-9-]+):\d{12}:queues\/[A-Za-z0-9_-]+$/;
const ROLE_ARN = /^arn:aws[a-z-]*:iam::\d{12}:role\/[\w+=,.@/-]+$/;
const BUCKET = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;

/** Checks the opt-in and the region; says everything that is missing at once. */
export function checkOptIn(env: Env): OptInResult {
  const problems: string[] = [];
  if (env[OPT_IN] !== '1') {
    problems.push(`${OPT_IN}=1 is not set: this check runs real MediaConvert jobs in an AWS account (it costs money) and runs only when asked`);
  }
  const region = present(env.AWS_REGION) ?? present(env.AWS_DEFAULT_REGION);
  if (region === undefined) problems.push('AWS_REGION is not set: the region of the deployed stack');
  if (problems.length > 0) return { ok: false, problems };
  return { ok: true, region: region as string, stackName: present(env[STACK_NAME]) };
}

/**
 * The stack's resources, each from its variable or else from the stack's outputs; every one
 * missing or malformed is named with the variable (and output) that would supply it. The queue
 * must be in the chosen region: MediaConvert queues are regional.
 */
export function resolveTargets(env: Env, optIn: { readonly region: string; readonly stackName: string | undefined }, outputs: Readonly<Record<string, string>> = {}): TargetsResult {
  const problems: string[] = [];
  const values = {} as Record<TargetName, string>;
  for (const [name, source] of Object.entries(TARGET_SOURCES) as [TargetName, (typeof TARGET_SOURCES)[TargetName]][]) {
    const value = present(env[source.variable]) ?? present(outputs[source.output]);
    if (value === undefined) {
      const fromStack = optIn.stackName === undefined ? `, or ${STACK_NAME} naming a stack with the output ${source.output}` : ` (stack ${optIn.stackName} has no output ${source.output})`;
      problems.push(`${source.variable} is not set: ${source.what}${fromStack}`);
      continue;
    }
    values[name] = value;
  }
  checkForm(values.queueArn, QUEUE_ARN, TARGET_SOURCES.queueArn.variable, 'a MediaConvert queue ARN', problems);
  checkForm(values.roleArn, ROLE_ARN, TARGET_SOURCES.roleArn.variable, 'an IAM role ARN', problems);
  checkForm(values.uploadsBucket, BUCKET, TARGET_SOURCES.uploadsBucket.variable, 'a bucket name', problems);
  checkForm(values.mediaBucket, BUCKET, TARGET_SOURCES.mediaBucket.variable, 'a bucket name', problems);
  const queueRegion = values.queueArn === undefined ? undefined : QUEUE_ARN.exec(values.queueArn)?.[1];
  if (queueRegion !== undefined && queueRegion !== optIn.region) {
    problems.push(`The queue ${values.queueArn} is in ${queueRegion}, but AWS_REGION is ${optIn.region}`);
  }
  if (problems.length > 0) return { ok: false, problems };
  return { ok: true, targets: { region: optIn.region, stackName: optIn.stackName, ...values } };
}

/** The refusal printed before exiting 2. */
export function refusalMessage(problems: readonly string[]): string {
  return [
    'npm run test:aws did not run: it submits real MediaConvert jobs and needs a deployed stack.',
    ...problems.map((problem) => `  - ${problem}`),
    'See docs/local-mode.md, "npm run test:aws".',
  ].join('\n');
}

function checkForm(value: string | undefined, form: RegExp, variable: string, what: string, problems: string[]): void {
  if (value !== undefined && !form.test(value)) problems.push(`${variable} is ${JSON.stringify(value)}, not ${what}`);
}

function present(value: string | undefined): string | undefined {
  const trimmed = value?.trim();
  return trimmed === undefined || trimmed === '' ? undefined : trimmed;
}
