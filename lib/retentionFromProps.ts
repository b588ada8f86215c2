import { Duration } from 'aws-cdk-lib';
import { StorageClass } from 'aws-cdk-lib/aws-s3';
import { READY_ORIGINAL_ACTIONS, type ReadyOriginalAction, type RetentionSettings } from '../lambdas/shared/retentionSettings.js';

/** How long a pipeline keeps what its uploads leave behind (`MediaPipelineProps.retention`). */
export interface RetentionProps {
  /**
   * What happens to the original of a `ready` upload: `keep` it, `archive` it (an S3 lifecycle
   * rule moves every original still there after `archiveAfter` to `archiveStorageClass`), or
   * `delete` it once processing is done (the retention job, within one `interval`). Outputs and
   * the record of a ready upload are always kept.
   * @default 'keep'
   */
  readonly readyOriginals?: ReadyOriginalAction;
  /**
   * With `archive`: how long after its upload an original moves to the cheaper class. Whole
   * days, 1 to 3650 (at least 30 for `INFREQUENT_ACCESS`, S3's minimum).
   * @default Duration.days(30)
   */
  readonly archiveAfter?: Duration;
  /**
   * With `archive`: the class originals move to. Only classes that serve a GET at once
   * (`INFREQUENT_ACCESS`, `INTELLIGENT_TIERING`, `GLACIER_INSTANT_RETRIEVAL`): downloads of the
   * original and MediaConvert read it directly. One-zone and restore-first classes are refused.
   * @default StorageClass.GLACIER_INSTANT_RETRIEVAL
   */
  readonly archiveStorageClass?: StorageClass;
  /**
   * How long after an upload failed its original and any outputs are deleted (and the bytes
   * it held in its owner's usage released). Whole days, 1 to 365.
   * @default Duration.days(7)
   */
  readonly deleteFailedAfter?: Duration;
  /**
   * How long after an upload was cancelled, expired or failed its record is removed (DynamoDB
   * TTL on `removeAt`). Records of `ready` uploads are kept. Whole days, more than
   * `deleteFailedAfter` (a failed record must outlive its bytes, or nothing would find them), up to 3650.
   * @default Duration.days(30)
   */
  readonly removeRecordsAfter?: Duration;
  /**
   * How often the retention job runs (1 minute to 6 hours).
   * @default Duration.hours(1)
   */
  readonly interval?: Duration;
}

/** The retention a pipeline deploys: what the functions are told, the lifecycle rule of originals and the job's interval. */
export interface Retention {
  readonly settings: RetentionSettings;
  /** With `archive`: when originals move, and where to. */
  readonly archive?: { readonly after: Duration; readonly storageClass: StorageClass };
  readonly interval: Duration;
}

/** Classes whose objects S3 serves at once, without a restore. */
const INSTANT_CLASSES: ReadonlyMap<string, number> = new Map([
  // The minimum age S3 accepts for a transition into each, in days.
  [StorageClass.INFREQUENT_ACCESS.value, 30],
  [StorageClass.INTELLIGENT_TIERING.value, 1],
  [StorageClass.GLACIER_INSTANT_RETRIEVAL.value, 1],
]);

/**
 * The retention `props` ask for, with the defaults filled in. Throws at synth, naming the prop
 * and its value, on anything out of range or contradictory: a deploy would otherwise fail
 * (a transition S3 refuses) or quietly keep or lose data the deployer did not mean it to.
 */
export function retentionFromProps(props: RetentionProps = {}): Retention {
  const readyOriginals = props.readyOriginals ?? 'keep';
  if (!(READY_ORIGINAL_ACTIONS as readonly string[]).includes(readyOriginals)) {
    throw new Error(`retention.readyOriginals must be one of ${READY_ORIGINAL_ACTIONS.join(', ')}, got ${JSON.stringify(readyOriginals)}`);
  }
  if (readyOriginals !== 'archive') {
    for (const name of ['archiveAfter', 'archiveStorageClass'] as const) {
      if (props[name] !== undefined) throw new Error(`retention.${name} needs retention.readyOriginals: 'archive', got readyOriginals: '${readyOriginals}'`);
    }
  }
  const deleteFailedAfter = wholeDays('retention.deleteFailedAfter', props.deleteFailedAfter ?? Duration.days(7), 1, 365);
  const removeRecordsAfter = wholeDays('retention.removeRecordsAfter', props.removeRecordsAfter ?? Duration.days(30), deleteFailedAfter + 1, 3650);
  const interval = props.interval ?? Duration.hours(1);
  const intervalSeconds = interval.toSeconds({ integral: false });
  if (!Number.isInteger(intervalSeconds) || intervalSeconds < 60 || intervalSeconds > 6 * 3600) {
    throw new Error(`retention.interval must be whole seconds from 1 minute to 6 hours, got ${interval.toHumanString()}`);
  }
  const settings: RetentionSettings = {
    readyOriginals,
    failedUploadsSeconds: deleteFailedAfter * 86_400,
    recordsSeconds: removeRecordsAfter * 86_400,
  };
  if (readyOriginals !== 'archive') return { settings, interval };

  const storageClass = props.archiveStorageClass ?? StorageClass.GLACIER_INSTANT_RETRIEVAL;
  const minimumDays = INSTANT_CLASSES.get(storageClass.value);
  if (minimumDays === undefined) {
    throw new Error(
      `retention.archiveStorageClass must be one S3 serves at once (${[...INSTANT_CLASSES.keys()].join(', ')}): downloads and MediaConvert read originals directly, got ${storageClass.value}`,
    );
  }
  const after = wholeDays('retention.archiveAfter', props.archiveAfter ?? Duration.days(30), minimumDays, 3650);
  return { settings, archive: { after: Duration.days(after), storageClass }, interval };
}

function wholeDays(name: string, duration: Duration, min: number, max: number): number {
  const days = duration.toDays({ integral: false });
  if (!Number.isInteger(days) || days < min || days > max) {
    throw new Error(`${name} must be whole days from ${min} to ${max}, got ${duration.toHumanString()}`);
  }
  return days;
}
