import * as z from 'zod/mini';
import { parseConfig } from './validation/parseConfig.js';
import { ConfigError } from './errors.js';

/**
 * What the sweep needs to know about the pipeline it sweeps, in seconds. The CDK construct
 * (lib/UploadSweep.ts) derives them from its props and the processing queue and passes them as
 * `SWEEP_SETTINGS` (JSON); local mode sets its own.
 */
export interface SweepSettings {
  /** How often the sweep runs: each run checks the outputs the clock hand passed since the last. */
  readonly intervalSeconds: number;
  /** An `uploaded` upload with no write for this long lost its event (a live one is claimed within seconds). */
  readonly uploadedStallSeconds: number;
  /**
   * A `processing` upload with no write for this long has no run left on it: the queue's
   * visibility timeout (a crashed run's event has come back by then, and its reclaim writes)
   * plus the stall margin.
   */
  readonly processingStallSeconds: number;
  /** How long the process queue keeps an event: an older one is gone even from a backlog. */
  readonly queueRetentionSeconds: number;
  /** Times an upload's event is sent again before the upload is failed as never started. */
  readonly maxRequeues: number;
  /** How long the sweep takes to check every upload's outputs once; at most the interval checks all in each run. */
  readonly outputScanCycleSeconds: number;
}

const seconds = () => z.number().check(z.positive());

const SweepSettingsSchema = z.strictObject({
  intervalSeconds: seconds(),
  uploadedStallSeconds: seconds(),
  processingStallSeconds: seconds(),
  queueRetentionSeconds: seconds(),
  maxRequeues: z.int().check(z.nonnegative()),
  outputScanCycleSeconds: seconds(),
});

/** The settings in `value`; throws a ConfigError naming the bad field. */
export function parseSweepSettings(value: unknown, source = 'sweep settings'): SweepSettings {
  return parseConfig(SweepSettingsSchema, value, source);
}
