import { randomBytes } from 'node:crypto';
import { BadRequestException, CreateJobCommand, type CreateJobCommandInput, TooManyRequestsException } from '@aws-sdk/client-mediaconvert';
import { ProcessingError } from '../../shared/errors.js';
import { FAILURE_CODES } from '../../shared/failureCodes.js';
import { logger } from '../../shared/logger.js';
import type { TranscodeJob } from '../../shared/uploadRecord.js';
import type { VideoPlan } from '../plan/videoPlan.js';
import type { ValidMedia } from '../probe/validateMedia.js';
import { buildJob } from './buildJob.js';
import { mediaConvert } from './mediaConvertClient.js';

/** Where the job reads and writes. */
export interface JobLocation {
  readonly uploadId: string;
  readonly uploadsBucket: string;
  readonly sourceKey: string;
  readonly mediaBucket: string;
}

/** A job about to be submitted: a fresh token (which names its output folder), and what it is made from. */
export function newTranscodeJob(plan: VideoPlan, media: ValidMedia, now = new Date()): TranscodeJob {
  return { token: randomBytes(8).toString('hex'), submittedAt: now.toISOString(), plan, media };
}

/**
 * Submits `job` to MediaConvert and returns the job id. A job MediaConvert refuses (BadRequest:
 * settings it will not take for this file), or the builder refuses first (a plan it cannot
 * express, such as the 0 fps of a file stating a frame every few hours), fails the upload for
 * good; the message is logged, since it names buckets and settings. Throttling the SDK could
 * not retry away, and any other fault, are retried with the event.
 */
export async function submitJob(job: TranscodeJob, location: JobLocation): Promise<string> {
  const { client, settings } = mediaConvert();
  let input: CreateJobCommandInput;
  try {
    input = buildJob({
      uploadId: location.uploadId,
      plan: job.plan,
      media: job.media,
      sourceUri: `s3://${location.uploadsBucket}/${location.sourceKey}`,
      mediaBucket: location.mediaBucket,
      clientRequestToken: job.token,
      settings,
    });
  } catch (error) {
    if (!(error instanceof RangeError)) throw error;
    // The same plan on every retry: a file that leads to a job the builder refuses fails like one MediaConvert refuses.
    logger.warn('The job builder refused the transcode job', { uploadId: location.uploadId, message: error.message });
    throw refused(error);
  }
  try {
    const { Job: created } = await client.send(new CreateJobCommand(input));
    if (created?.Id === undefined) throw new Error('MediaConvert accepted the job without giving its id');
    logger.info('Submitted the transcode job', { uploadId: location.uploadId, jobId: created.Id, token: job.token, renditions: job.plan.renditions.length });
    return created.Id;
  } catch (error) {
    if (error instanceof BadRequestException) {
      logger.warn('MediaConvert refused the transcode job', { uploadId: location.uploadId, message: error.message });
      throw refused(error);
    }
    if (error instanceof TooManyRequestsException) {
      throw new ProcessingError(FAILURE_CODES.processingFailed, 'MediaConvert is throttling job submissions', { cause: error, retryable: true });
    }
    throw error;
  }
}

function refused(cause: Error): ProcessingError {
  return new ProcessingError(FAILURE_CODES.transcodeFailed, 'The video could not be transcoded: the transcoder refused the job for this file', { cause });
}
