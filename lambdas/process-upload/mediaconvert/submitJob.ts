import { randomBytes } from 'node:crypto';
import { BadRequestException, CreateJobCommand, TooManyRequestsException } from '@aws-sdk/client-mediaconvert';
import { ProcessingError } from '../../shared/errors.js';
import { FAILURE_CODES } from '../../shared/failureCodes.js';
import { logger } from '../../shared/logger.js';
import type { TranscodeJob } from '../../shared/uploadRecord.js';
import type { VideoPlan } from '../plan/videoPlan.js';
import type { ValidMedia } from '../probe/validateMedia.js';
import { buildJob } from './buildJob.js';
import { mediaConvert } from './mediaConvertClient.js';

export interface JobSubmission {
  readonly uploadId: string;
  readonly plan: VideoPlan;
  readonly media: ValidMedia;
  readonly uploadsBucket: string;
  readonly sourceKey: string;
  readonly mediaBucket: string;
  readonly now?: Date;
}

/**
 * Submits the MediaConvert job for a planned video and returns what the record keeps of it.
 * Each submission gets a fresh token, which names the job's own output folder. A job
 * MediaConvert refuses (BadRequest: settings it will not take for this file) fails the upload
 * for good; its message is logged, since it names buckets and settings. Throttling the SDK could
 * not retry away, and any other fault, are retried with the event.
 */
export async function submitJob(submission: JobSubmission): Promise<TranscodeJob> {
  const { client, settings } = mediaConvert();
  const token = randomBytes(8).toString('hex');
  const input = buildJob({
    uploadId: submission.uploadId,
    plan: submission.plan,
    media: submission.media,
    sourceUri: `s3://${submission.uploadsBucket}/${submission.sourceKey}`,
    mediaBucket: submission.mediaBucket,
    clientRequestToken: token,
    settings,
  });
  try {
    const { Job: job } = await client.send(new CreateJobCommand(input));
    if (job?.Id === undefined) throw new Error('MediaConvert accepted the job without giving its id');
    logger.info('Submitted the transcode job', { uploadId: submission.uploadId, jobId: job.Id, renditions: submission.plan.renditions.length });
    return { id: job.Id, token, submittedAt: (submission.now ?? new Date()).toISOString(), plan: submission.plan, media: submission.media };
  } catch (error) {
    if (error instanceof BadRequestException) {
      logger.warn('MediaConvert refused the transcode job', { uploadId: submission.uploadId, message: error.message });
      throw new ProcessingError(FAILURE_CODES.transcodeFailed, 'The video could not be transcoded: the transcoder refused the job for this file', {
        cause: error,
      });
    }
    if (error instanceof TooManyRequestsException) {
      throw new ProcessingError(FAILURE_CODES.processingFailed, 'MediaConvert is throttling job submissions', { cause: error, retryable: true });
    }
    throw error;
  }
}
