import type { SQSRecord } from 'aws-lambda';
import { processMaxReceiveCount } from '../shared/config.js';
import { withdrawMediaOutputs } from '../shared/withdrawMediaOutputs.js';
import { InvalidStateError, NotFoundError } from '../shared/errors.js';
import { logger } from '../shared/logger.js';
import { FAILURE_CODES } from '../shared/failureCodes.js';
import { transition } from '../shared/transition.js';
import { uploadIdsFromMessage } from '../shared/uploadIdsFromMessage.js';
import type { UploadErrorInfo } from '../shared/uploadRecord.js';

// The processing queue's setting, not the dead letter's ApproximateReceiveCount: that counts
// receives from the dead-letter queue too, and SQS does not document whether the move resets it.
const attempts = processMaxReceiveCount();

const FAILURE: UploadErrorInfo = {
  code: FAILURE_CODES.processingFailed,
  message: `Processing stopped after ${attempts} attempts; upload the file again or contact support`,
};

/**
 * Settles each message of a batch from the processing dead-letter queue, in order: one result
 * per message, a rejection meaning "deliver it again".
 */
export function failDeadLetters(messages: readonly SQSRecord[]): Promise<PromiseSettledResult<void>[]> {
  return Promise.allSettled(messages.map((message) => failDeadLetter(message)));
}

/**
 * A dead letter is an S3 event every processing attempt gave up on. The process function fails
 * the upload itself on its last attempt, unless that run died first (a crash, the hard timeout,
 * running out of memory): then the upload is still `uploaded` or `processing`, and is failed
 * here so it never stays there. An upload already past processing (ready, failed, cancelled)
 * or removed needs nothing. A body that names no upload can never succeed, so it is logged and
 * dropped instead of coming back; a write that fails rejects, and the message comes back.
 */
async function failDeadLetter(message: SQSRecord): Promise<void> {
  const { messageId } = message;
  const receiveCount = message.attributes.ApproximateReceiveCount;
  const uploadIds = uploadIdsFromMessage(message.body);
  if (uploadIds.length === 0) {
    logger.error('A dead-lettered processing event names no upload; dropping it', { messageId, receiveCount, body: message.body.slice(0, 200) });
    return;
  }
  for (const uploadId of uploadIds) {
    const upload = await failUpload(uploadId);
    logger.error('Processing of an upload was dead-lettered', { uploadId, messageId, receiveCount, upload });
  }
}

/** What became of the upload: `failed here`, or the state it was already in. */
async function failUpload(uploadId: string): Promise<string> {
  try {
    await transition(uploadId, ['uploaded', 'processing'], 'failed', { error: FAILURE, progress: null, stage: null });
    // The runs that died may have published the poster, or more, before they did.
    await withdrawMediaOutputs(uploadId);
    return 'failed here';
  } catch (error) {
    if (error instanceof InvalidStateError) return `already ${error.currentStatus}`;
    if (error instanceof NotFoundError) return 'not found';
    throw error;
  }
}
