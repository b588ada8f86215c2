import { deleteMediaOutputs } from '../../shared/deleteMediaOutputs.js';
import { withdrawMediaOutputs } from '../../shared/withdrawMediaOutputs.js';
import { InvalidStateError, NotFoundError, ProcessingError } from '../../shared/errors.js';
import { FAILURE_CODES } from '../../shared/failureCodes.js';
import { findUploadRecord } from '../../shared/getUploadRecord.js';
import { isFolderSafeUploadId } from '../../shared/keys.js';
import { logger } from '../../shared/logger.js';
import { transition } from '../../shared/transition.js';
import type { TranscodeJob, UploadErrorInfo, UploadRecord } from '../../shared/uploadRecord.js';
import type { FinishedJob } from './finishJob.js';
import { jobFailure } from './jobFailure.js';
import { jobFolder, JOB_TOKEN } from './jobFolder.js';
import { FINAL_JOB_STATUSES, type JobState } from './jobState.js';

/** What applying a job state did, for logs and tests. */
export type JobOutcome = 'foreign' | 'ignored' | 'progress' | 'ready' | 'failed' | 'outputsRemoved';

export interface JobStateContext {
  /** This stack's queue and name: a job of another queue or stack is none of ours. */
  readonly queueArn: string;
  readonly stackName: string;
  /** Makes the upload's outputs from a completed job (finishJob with its S3 client, bucket and ffmpeg). */
  readonly finish: (uploadId: string, job: TranscodeJob) => Promise<FinishedJob>;
  /** Deletes MediaConvert's own files once ours replace them. */
  readonly removeLeftovers: (keys: readonly string[]) => Promise<void>;
  /**
   * Writes the record even when the progress did not rise: the periodic check of a silent job,
   * so the job leaves the front of the silent-jobs index until it is silent again.
   */
  readonly touch?: boolean;
}

/** The highest progress a running job reports: 100 is `ready`'s to show. */
const MAX_RUNNING_PROGRESS = 99;

/**
 * Moves an upload on from what its MediaConvert job reports, whoever heard it (the status
 * function from EventBridge, the periodic check from GetJob, a redelivered process event), so
 * the same report always has the same effect and a repeated or late one changes nothing:
 *
 * - a job of another queue or stack, or whose upload id is not a folder name, is ignored; one the record does not name (a duplicate
 *   submitted by a run that died before recording it) has its own folder removed when it ends;
 * - running (`PROGRESSING`, `STATUS_UPDATE`): the percent becomes the transcode stage's progress,
 *   written only if higher, so events out of order never move it back;
 * - `COMPLETE`: the outputs are finished and the upload becomes `ready`; a file the job could not
 *   fully transcode (truncated, too long) fails with its code instead;
 * - `ERROR`, or `CANCELED` by someone else: `failed` (MediaConvert's message is logged, not shown);
 * - any final report on an upload that is no longer processing (cancelled, deleted, expired,
 *   failed meanwhile) removes whatever the job wrote, since nothing will show it.
 */
export async function applyJobState(state: JobState, context: JobStateContext): Promise<JobOutcome> {
  const uploadId = state.userMetadata.uploadId;
  // The id names the folder a final state empties: one that is not a single folder name (`<id>/720p`) is none of ours.
  if (state.queue !== context.queueArn || state.userMetadata.stack !== context.stackName || uploadId === undefined || !isFolderSafeUploadId(uploadId)) {
    logger.debug('Ignoring a job of another queue or stack', { jobId: state.jobId, queue: state.queue });
    return 'foreign';
  }
  const final = FINAL_JOB_STATUSES.includes(state.status);
  const record = await findUploadRecord(uploadId);
  const job = record?.transcodeJob;
  const recorded = job !== undefined && job.token === state.userMetadata.token;
  if (!record || (record.status !== 'processing' && record.status !== 'ready')) {
    if (!final) return 'ignored';
    logger.info('The job of an upload that stopped processing ended; removing what was written', { uploadId, jobId: state.jobId, status: record?.status });
    await withdrawMediaOutputs(uploadId);
    return 'outputsRemoved';
  }
  if (!recorded || record.status === 'ready') {
    if (!final || recorded) return 'ignored';
    return removeDuplicate(uploadId, state);
  }
  if (!job) return 'ignored';
  switch (state.status) {
    case 'COMPLETE':
      return complete(record, job, context);
    case 'ERROR':
      logger.warn('The transcode job failed', { uploadId, jobId: state.jobId, errorCode: state.errorCode, errorMessage: state.errorMessage });
      return fail(uploadId, jobFailure(state.errorCode));
    case 'CANCELED':
      logger.warn('The transcode job was cancelled outside the pipeline', { uploadId, jobId: state.jobId });
      return fail(uploadId, {
        code: FAILURE_CODES.transcodeFailed,
        message: 'The transcode job was cancelled before it finished; upload the video again',
      });
    default:
      return progress(record, state.percentComplete, context.touch === true);
  }
}

/** A job the record does not name (submitted by a run that died before recording it): its own folder goes. */
async function removeDuplicate(uploadId: string, state: JobState): Promise<JobOutcome> {
  const token = state.userMetadata.token;
  logger.warn('A job the upload does not name ended; removing its outputs', { uploadId, jobId: state.jobId, token });
  if (token === undefined || !JOB_TOKEN.test(token)) return 'ignored';
  await deleteMediaOutputs(uploadId, jobFolder(uploadId, token));
  return 'outputsRemoved';
}

async function progress(record: UploadRecord, percent: number | undefined, touch: boolean): Promise<JobOutcome> {
  const reported = percent === undefined ? 0 : Math.min(MAX_RUNNING_PROGRESS, Math.max(0, Math.floor(percent)));
  const current = record.progress ?? 0;
  if (!touch && reported <= current) return 'ignored';
  try {
    await transition(
      record.uploadId,
      'processing',
      'processing',
      { stage: 'transcode', progress: Math.max(reported, current) },
      touch ? { ifWriteId: record.writeId } : { ifProgressBelow: reported },
    );
    return 'progress';
  } catch (error) {
    if (error instanceof InvalidStateError || error instanceof NotFoundError) return 'ignored';
    throw error;
  }
}

async function complete(record: UploadRecord, job: TranscodeJob, context: JobStateContext): Promise<JobOutcome> {
  const { uploadId } = record;
  let finished: FinishedJob;
  try {
    finished = await context.finish(uploadId, job);
  } catch (error) {
    if (!(error instanceof ProcessingError) || error.retryable) throw error;
    logger.warn('The job completed but its outputs cannot be published', { uploadId, failure: { code: error.code, message: error.message } });
    return fail(uploadId, { code: error.code, message: error.message });
  }
  try {
    await transition(uploadId, 'processing', 'ready', { media: finished.media, progress: null, stage: null });
  } catch (error) {
    if (!(error instanceof InvalidStateError || error instanceof NotFoundError)) throw error;
    if (madeReadyMeanwhile(error)) return 'ignored';
    logger.info('The upload stopped processing while its outputs were finished; removing them', { uploadId });
    await withdrawMediaOutputs(uploadId);
    return 'outputsRemoved';
  }
  logger.info('Upload processed by MediaConvert', { uploadId, token: job.token, durationSeconds: finished.media.durationSeconds });
  try {
    await context.removeLeftovers(finished.leftovers);
  } catch (error) {
    logger.warn("Could not remove MediaConvert's own playlists and frames; they stay beside the outputs", { uploadId, error });
  }
  return 'ready';
}

async function fail(uploadId: string, failure: UploadErrorInfo): Promise<JobOutcome> {
  try {
    await transition(uploadId, 'processing', 'failed', { error: failure, progress: null, stage: null });
  } catch (error) {
    if (!(error instanceof InvalidStateError || error instanceof NotFoundError)) throw error;
    // A finishing that failed because a first delivery already published and tidied up.
    if (madeReadyMeanwhile(error)) return 'ignored';
    logger.info('The upload left processing before it could be failed', { uploadId });
  }
  // The poster (published before the job) and whatever the job wrote.
  await withdrawMediaOutputs(uploadId);
  return 'failed';
}

/**
 * Another delivery of the same COMPLETE (EventBridge delivers at least once; GetJob on a
 * redelivered event or the periodic check may report it too) made the upload `ready` while this
 * one was finishing: its outputs are live and must stay.
 */
function madeReadyMeanwhile(error: InvalidStateError | NotFoundError): boolean {
  return error instanceof InvalidStateError && error.currentStatus === 'ready';
}
