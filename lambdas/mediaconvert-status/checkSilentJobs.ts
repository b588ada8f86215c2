import { GetJobCommand, NotFoundException } from '@aws-sdk/client-mediaconvert';
import { InvalidStateError, NotFoundError } from '../shared/errors.js';
import { FAILURE_CODES } from '../shared/failureCodes.js';
import { logger } from '../shared/logger.js';
import { transition } from '../shared/transition.js';
import type { UploadRecord } from '../shared/uploadRecord.js';
import { withdrawMediaOutputs } from '../shared/withdrawMediaOutputs.js';
import { applyJobState, type JobOutcome, type JobStateContext } from '../process-upload/mediaconvert/applyJobState.js';
import { jobStateFromGetJob } from '../process-upload/mediaconvert/jobState.js';
import { mediaConvert } from '../process-upload/mediaconvert/mediaConvertClient.js';
import { findSilentJobs } from './findSilentJobs.js';

/** A job with no write for this long is asked about: its events (every 15 s while it runs) may have been lost. */
export const SILENT_JOB_MINUTES = 30;
/** Jobs asked about per check; the rest are next. */
export const MAX_CHECKED_JOBS = 50;

/**
 * Nothing stuck: for every upload whose MediaConvert job has been silent for SILENT_JOB_MINUTES,
 * asks GetJob and applies the answer exactly as its event would have been (context with
 * `touch`, so a job still running is written and leaves the front of the index). A job
 * MediaConvert no longer knows fails the upload as PROCESSING_STALLED.
 */
export async function checkSilentJobs(now: Date, context: JobStateContext): Promise<Record<JobOutcome | 'lost' | 'errors', number>> {
  const silent = await findSilentJobs(new Date(now.getTime() - SILENT_JOB_MINUTES * 60_000), MAX_CHECKED_JOBS);
  const counts: Record<JobOutcome | 'lost' | 'errors', number> = { foreign: 0, ignored: 0, progress: 0, ready: 0, failed: 0, outputsRemoved: 0, lost: 0, errors: 0 };
  for (const record of silent) {
    try {
      counts[await checkJob(record, context)] += 1;
    } catch (error) {
      logger.error('Could not check a silent transcode job; the next check tries again', { uploadId: record.uploadId, error: error as Error });
      counts.errors += 1;
    }
  }
  if (silent.length > 0) logger.info('Checked silent transcode jobs', { ...counts });
  return counts;
}

async function checkJob(record: UploadRecord, context: JobStateContext): Promise<JobOutcome | 'lost'> {
  const job = record.transcodeJob;
  if (!job) return 'ignored';
  // Recorded as being submitted, never as submitted: the run died in between, and a job it
  // submitted would have reported by now.
  if (job.id === undefined) return failLost(record, `token ${job.token}`);
  try {
    const { Job } = await mediaConvert().client.send(new GetJobCommand({ Id: job.id }));
    if (!Job) throw new Error(`GetJob answered without the job ${job.id}`);
    return await applyJobState(jobStateFromGetJob(Job), context);
  } catch (error) {
    if (!(error instanceof NotFoundException)) throw error;
    return failLost(record, job.id);
  }
}

async function failLost(record: UploadRecord, jobId: string): Promise<'lost'> {
  logger.warn('MediaConvert no longer knows the job of a processing upload', { uploadId: record.uploadId, jobId });
  try {
    await transition(
      record.uploadId,
      'processing',
      'failed',
      {
        error: { code: FAILURE_CODES.processingStalled, message: 'The transcode job was lost before it finished; upload the video again' },
        progress: null,
        stage: null,
      },
      { ifWriteId: record.writeId },
    );
  } catch (error) {
    if (!(error instanceof InvalidStateError || error instanceof NotFoundError)) throw error;
    return 'lost';
  }
  await withdrawMediaOutputs(record.uploadId);
  return 'lost';
}
