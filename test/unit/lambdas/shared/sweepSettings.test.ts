import { afterEach, describe, expect, it } from 'vitest';
import { sweepSettings } from '../../../../lambdas/shared/config.js';
import { ConfigError } from '../../../../lambdas/shared/errors.js';
import { parseSweepSettings } from '../../../../lambdas/shared/sweepSettings.js';

const VALID = {
  intervalSeconds: 900,
  uploadedStallSeconds: 900,
  processingStallSeconds: 6300,
  queueRetentionSeconds: 345_600,
  maxRequeues: 3,
  outputScanCycleSeconds: 86_400,
};

describe('sweep settings', () => {
  afterEach(() => {
    delete process.env.SWEEP_SETTINGS;
  });

  it('reads SWEEP_SETTINGS as the CDK writes it', () => {
    process.env.SWEEP_SETTINGS = JSON.stringify(VALID);
    expect(sweepSettings()).toEqual(VALID);
  });

  it('fails fast, naming the variable, when it is missing or not JSON', () => {
    expect(() => sweepSettings()).toThrow(new ConfigError('Environment variable SWEEP_SETTINGS is not set'));
    process.env.SWEEP_SETTINGS = '{intervalSeconds: 900';
    expect(() => sweepSettings()).toThrow('SWEEP_SETTINGS is not valid JSON: {intervalSeconds: 900');
  });

  it.each([
    [{ ...VALID, maxRequeues: 1.5 }, 'maxRequeues'],
    [{ ...VALID, processingStallSeconds: 0 }, 'processingStallSeconds'],
    [{ ...VALID, queueRetentionSeconds: undefined }, 'queueRetentionSeconds'],
  ])('refuses %j, naming %s', (value, field) => {
    expect(() => parseSweepSettings(value, 'SWEEP_SETTINGS')).toThrow(new RegExp(`^SWEEP_SETTINGS: ${field} is invalid`));
  });

  it('names a field it does not know', () => {
    expect(() => parseSweepSettings({ ...VALID, extra: 1 }, 'SWEEP_SETTINGS')).toThrow('SWEEP_SETTINGS: the top level has an unknown field (extra)');
  });
});
