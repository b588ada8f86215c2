import { describe, expect, it } from 'vitest';
import { parseMediaConvertSettings } from '../../../../../lambdas/process-upload/mediaconvert/mediaConvertSettings.js';
import { DEFAULT_MEDIACONVERT_ROUTING } from '../../../../../lambdas/process-upload/plan/transcoderRouting.js';
import { ConfigError } from '../../../../../lambdas/shared/errors.js';

const SOURCE = 'MEDIACONVERT_SETTINGS';
const VALID = {
  queueArn: 'arn:aws:mediaconvert:us-east-1:123456789012:queues/media-pipeline',
  roleArn: 'arn:aws:iam::123456789012:role/mc',
  stackName: 'media-pipeline-test',
  accelerated: false,
};

describe('parseMediaConvertSettings', () => {
  it('reads the queue, role, stack and acceleration, with the default routing and no endpoint (the SDK\'s regional one)', () => {
    const settings = parseMediaConvertSettings(VALID, SOURCE);
    expect(settings).toEqual({ ...VALID, routing: DEFAULT_MEDIACONVERT_ROUTING });
    expect('endpoint' in settings).toBe(false);
  });

  it("merges routing overrides over the defaults and keeps local mode's emulator endpoint", () => {
    const settings = parseMediaConvertSettings({ ...VALID, accelerated: true, routing: { routeLongerThanSeconds: 300 }, endpoint: 'http://127.0.0.1:4599' }, SOURCE);
    expect(settings).toMatchObject({
      accelerated: true,
      routing: { ...DEFAULT_MEDIACONVERT_ROUTING, routeLongerThanSeconds: 300 },
      endpoint: 'http://127.0.0.1:4599',
    });
  });

  it('accepts the ARNs of other partitions and role paths', () => {
    expect(() =>
      parseMediaConvertSettings(
        { ...VALID, queueArn: 'arn:aws-us-gov:mediaconvert:us-gov-west-1:123456789012:queues/q_1', roleArn: 'arn:aws-cn:iam::123456789012:role/service/mc-role' },
        SOURCE,
      ),
    ).not.toThrow();
  });

  it.each([
    ['queueArn', { queueArn: 'arn:aws:mediaconvert:us-east-1:123456789012:jobs/1515368087458-qnoxtd' }, 'must be a MediaConvert queue ARN'],
    ['queueArn', { queueArn: 'media-pipeline' }, 'must be a MediaConvert queue ARN'],
    ['roleArn', { roleArn: 'arn:aws:iam::123456789012:user/mc' }, 'must be an IAM role ARN'],
    ['roleArn', { roleArn: 'arn:aws:iam::12345:role/mc' }, 'must be an IAM role ARN'],
    ['stackName', { stackName: '' }, ''],
    ['accelerated', { accelerated: 'false' }, ''],
    ['endpoint', { endpoint: 'ftp://127.0.0.1:4599' }, ''],
    ['endpoint', { endpoint: 'not a url' }, ''],
  ])('refuses a bad %s with a ConfigError naming the field', (field, change, reason) => {
    const error = (() => {
      try {
        parseMediaConvertSettings({ ...VALID, ...change }, SOURCE);
      } catch (caught) {
        return caught;
      }
      return undefined;
    })();
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as Error).message).toMatch(new RegExp(`^${SOURCE}: ${field} is invalid \\(.*${reason}.*\\)$`));
  });

  it.each(['queueArn', 'roleArn', 'stackName', 'accelerated'])('refuses settings without %s, naming it', (field) => {
    const { [field as keyof typeof VALID]: _missing, ...rest } = VALID;
    expect(() => parseMediaConvertSettings(rest, SOURCE)).toThrow(new RegExp(`^${SOURCE}: ${field} is invalid`));
  });

  it('refuses a field it does not know (a typo would otherwise be ignored), and a value that is not an object', () => {
    expect(() => parseMediaConvertSettings({ ...VALID, acclerated: true }, SOURCE)).toThrow(ConfigError);
    expect(() => parseMediaConvertSettings({ ...VALID, acclerated: true }, SOURCE)).toThrow(`${SOURCE}: the top level has an unknown field (acclerated)`);
    expect(() => parseMediaConvertSettings('queue', SOURCE)).toThrow(`${SOURCE}: the top level is invalid`);
  });

  it('refuses bad routing with the routing field named', () => {
    expect(() => parseMediaConvertSettings({ ...VALID, routing: { routeShortSideOver: 1080.5 } }, SOURCE)).toThrow(
      /^MEDIACONVERT_SETTINGS: routing: routeShortSideOver is invalid/,
    );
  });
});
