import * as z from 'zod/mini';
import { parseConfig } from '../../shared/validation/parseConfig.js';
import { ConfigError } from '../../shared/errors.js';
import { type MediaConvertRouting, resolveMediaConvertRouting } from '../plan/transcoderRouting.js';

/**
 * What the functions that talk to MediaConvert need: the construct's queue and the role jobs
 * run as, the stack name jobs carry (so another stack's jobs on a shared account are told
 * apart), acceleration, the routing line, and (local mode only) the emulator's endpoint.
 */
export interface MediaConvertSettings {
  readonly queueArn: string;
  readonly roleArn: string;
  readonly stackName: string;
  /** Accelerated transcoding (pro-tier pricing) where MediaConvert finds it worthwhile. */
  readonly accelerated: boolean;
  readonly routing: MediaConvertRouting;
  /** Unset on AWS: the SDK's regional endpoint (DescribeEndpoints is deprecated). */
  readonly endpoint?: string;
}

const QUEUE_ARN = /^arn:aws[a-z-]*:mediaconvert:[a-z0-9-]+:\d{12}:queues\/[A-Za-z0-9_-]+$/;
const ROLE_ARN = /^arn:aws[a-z-]*:iam::\d{12}:role\/[\w+=,.@/-]+$/;

const Settings = z.strictObject({
  queueArn: z.string().check(z.regex(QUEUE_ARN, 'must be a MediaConvert queue ARN')),
  roleArn: z.string().check(z.regex(ROLE_ARN, 'must be an IAM role ARN')),
  stackName: z.string().check(z.minLength(1)),
  accelerated: z.boolean(),
  routing: z.optional(z.unknown()),
  endpoint: z.optional(z.url({ protocol: /^https?$/ })),
});

/** Parses MEDIACONVERT_SETTINGS (already JSON-decoded); throws a ConfigError naming the field. */
export function parseMediaConvertSettings(value: unknown, source: string): MediaConvertSettings {
  const parsed = parseConfig(Settings, value, source);
  const { routing, endpoint, ...rest } = parsed;
  return {
    ...rest,
    routing: resolveMediaConvertRouting(routing, `${source}: routing`),
    ...(endpoint === undefined ? {} : { endpoint }),
  };
}
