import { InvalidStateError, NotFoundError } from '../../shared/errors.js';
import { logger } from '../../shared/logger.js';
import { transition } from '../../shared/transition.js';
import type { TranscodeJob } from '../../shared/uploadRecord.js';
import { cancelTranscodeJob } from './cancelTranscodeJob.js';
import { type JobLocation, submitJob } from './submitJob.js';

/**
 * Hands a planned video to MediaConvert in three steps, each written before the next, so that
 * whatever happens in between, nothing is lost or left behind:
 *
 * 1. the submission is recorded (its token, plan and facts; `runningJob`), so the job's events,
 *    matched by the token they carry, find the upload even before its id is recorded;
 * 2. the job is submitted;
 * 3. its id is recorded, for GetJob (a redelivered event, the silent-job check) and CancelJob.
 *
 * The upload stays `processing`; the job's events move it on. Should it have left `processing`
 * by step 3 (cancelled, deleted, or already failed by the job), the job is cancelled (best
 * effort) and the error is rethrown, for the caller's failure handling to remove the poster.
 * Should step 2 fail (throttling the SDK could not retry away, a fault), step 1 is taken back
 * before the error is rethrown: a redelivered event follows a recorded submission instead of
 * submitting, so one left behind would wait for the silent-job check to fail the upload.
 */
export async function handOverToMediaConvert(job: TranscodeJob, location: JobLocation): Promise<void> {
  const { uploadId } = location;
  await transition(uploadId, 'processing', 'processing', {
    transcoder: 'mediaconvert',
    transcodeJob: job,
    runningJob: 'mediaconvert',
    stage: 'transcode',
    progress: 0,
  });
  let id: string;
  try {
    id = await submitJob(job, location);
  } catch (error) {
    await withdrawSubmission(uploadId, job);
    throw error;
  }
  try {
    await transition(uploadId, 'processing', 'processing', { transcodeJob: { ...job, id } });
  } catch (error) {
    if (error instanceof InvalidStateError || error instanceof NotFoundError) await cancelTranscodeJob(uploadId, id);
    throw error;
  }
  logger.info('Upload handed to MediaConvert', { uploadId, jobId: id });
}

/**
 * Forgets a submission CreateJob failed on. Should MediaConvert have made the job all the same
 * (its answer lost), its events no longer match the record: it counts as a duplicate, and its
 * folder is removed when it ends.
 */
async function withdrawSubmission(uploadId: string, job: TranscodeJob): Promise<void> {
  try {
    await transition(uploadId, 'processing', 'processing', { transcoder: null, transcodeJob: null, runningJob: null });
  } catch (error) {
    // Left processing meanwhile (nothing to take back), or a fault: the silent-job check settles it.
    logger.warn('Could not take back a submission MediaConvert did not accept', { uploadId, token: job.token, error });
  }
}
