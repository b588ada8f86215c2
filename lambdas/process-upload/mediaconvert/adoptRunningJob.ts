import { GetJobCommand } from '@aws-sdk/client-mediaconvert';
import { logger } from '../../shared/logger.js';
import type { UploadRecord } from '../../shared/uploadRecord.js';
import { applyJobState, type JobOutcome } from './applyJobState.js';
import { jobStateContext } from './jobStateContext.js';
import { jobStateFromGetJob } from './jobState.js';
import { mediaConvert } from './mediaConvertClient.js';

/**
 * Follows the job a redelivered event's earlier attempt submitted, instead of submitting
 * another: asks MediaConvert how it stands and applies that as if its event had arrived (a
 * running job changes nothing more; one that ended meanwhile is finished or failed here).
 */
export async function adoptRunningJob(record: UploadRecord): Promise<JobOutcome> {
  const job = record.transcodeJob;
  if (!job) throw new TypeError(`Upload ${record.uploadId} has a running job but names none`);
  if (job.id === undefined) {
    // The earlier attempt died between recording the submission and recording the job's id:
    // a job it submitted reports by its token; if none was, the silent-job check fails the upload.
    logger.warn('The earlier attempt did not record whether its job was submitted; leaving it to the job events and the silent-job check', {
      uploadId: record.uploadId,
      token: job.token,
    });
    return 'ignored';
  }
  const { Job } = await mediaConvert().client.send(new GetJobCommand({ Id: job.id }));
  if (!Job) throw new Error(`GetJob answered without the job ${job.id}`);
  const outcome = await applyJobState(jobStateFromGetJob(Job), jobStateContext());
  logger.info('Followed the running transcode job', { uploadId: record.uploadId, jobId: job.id, status: Job.Status, outcome });
  return outcome;
}
