import { sweepSettings } from '../shared/config.js';
import { logger } from '../shared/logger.js';
import { type OutputCounts, sweepOrphanedOutputs } from './sweepOrphanedOutputs.js';
import { type StalledCounts, sweepStalledUploads } from './sweepStalledUploads.js';

const settings = sweepSettings();

/** What one run did. */
export interface SweepCounts {
  readonly stalled: StalledCounts;
  readonly outputs: OutputCounts;
}

/**
 * One sweep: settles uploads whose processing stalled, then removes outputs left behind by
 * runs that died. Both passes are bounded and idempotent. A pass that cannot run (its queue,
 * table or bucket answered with an error) does not keep the other from running; the run then
 * fails, so the schedule retries it and, after the retries, its dead-letter queue shows it.
 */
export async function sweepUploads(now: Date): Promise<SweepCounts> {
  const stalled = await attempt('stalled', () => sweepStalledUploads(now, settings));
  const outputs = await attempt('outputs', () => sweepOrphanedOutputs(now, settings));
  if (!stalled.ok || !outputs.ok) {
    throw new Error('A sweep pass failed (logged above)', { cause: stalled.ok ? (outputs.ok ? undefined : outputs.error) : stalled.error });
  }
  return { stalled: stalled.value, outputs: outputs.value };
}

type Attempt<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: unknown };

async function attempt<T>(pass: string, run: () => Promise<T>): Promise<Attempt<T>> {
  try {
    return { ok: true, value: await run() };
  } catch (error) {
    logger.error('A sweep pass failed', { pass, error: error as Error });
    return { ok: false, error };
  }
}
