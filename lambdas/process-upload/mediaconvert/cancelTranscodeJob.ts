import { CancelJobCommand } from '@aws-sdk/client-mediaconvert';
import { logger } from '../../shared/logger.js';
import { mediaConvert } from './mediaConvertClient.js';

/**
 * Asks MediaConvert to stop a job whose upload no longer wants it (cancelled, deleted), so it
 * costs no more minutes. Best effort: a job that already ended (or cannot be cancelled) is left,
 * and what it writes is removed when its final event finds the upload gone.
 */
export async function cancelTranscodeJob(uploadId: string, jobId: string): Promise<void> {
  try {
    await mediaConvert().client.send(new CancelJobCommand({ Id: jobId }));
    logger.info('Cancelled the transcode job', { uploadId, jobId });
  } catch (error) {
    logger.warn('Could not cancel the transcode job; what it writes is removed when it ends', { uploadId, jobId, error });
  }
}
