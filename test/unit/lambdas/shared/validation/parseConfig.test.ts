import * as z from 'zod/mini';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../../../../lambdas/shared/errors.js';
import { parseConfig } from '../../../../../lambdas/shared/validation/parseConfig.js';

const Schema = z.strictObject({ limits: z.strictObject({ seconds: z.number().check(z.positive()) }) });

describe('parseConfig', () => {
  it('returns the parsed value', () => {
    expect(parseConfig(Schema, { limits: { seconds: 3 } }, 'TEST_SETTINGS')).toEqual({ limits: { seconds: 3 } });
  });

  it('names the source, the path and the problem', () => {
    expect(() => parseConfig(Schema, { limits: { seconds: -1 } }, 'TEST_SETTINGS')).toThrow(ConfigError);
    expect(() => parseConfig(Schema, { limits: { seconds: -1 } }, 'TEST_SETTINGS')).toThrow(/^TEST_SETTINGS: limits\.seconds is invalid \(.+\)$/);
  });

  it('names an unknown field', () => {
    expect(() => parseConfig(Schema, { limits: { seconds: 1, minutes: 2 } }, 'TEST_SETTINGS')).toThrow(
      'TEST_SETTINGS: limits has an unknown field (minutes)',
    );
  });
});
