import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import {
  ffmpegPath,
  ffprobePath,
  malwareScanEnabled,
  mediaBaseUrl,
  mediaBucketName,
  processingLimits,
  mediaConvertSettings,
  processMaxReceiveCount,
  transcoderSetting,
  uploadsBucketName,
} from '../shared/config.js';
import { withdrawMediaOutputs } from '../shared/withdrawMediaOutputs.js';
import { deleteSourceObject } from '../shared/deleteSourceObject.js';
import { InvalidStateError, NotFoundError, ProcessingError } from '../shared/errors.js';
import { mediaPrefix, sourceKey } from '../shared/keys.js';
import { logger } from '../shared/logger.js';
import { FAILURE_CODES } from '../shared/failureCodes.js';
import { describeMedia } from './probe/mediaFacts.js';
import { PROBE_TIMEOUT_MS, probeMedia } from './probe/probeMedia.js';
import { publishFile, publishOutputs } from './ffmpeg/publishOutputs.js';
import { type ValidMedia, validateMedia } from './probe/validateMedia.js';
import type { MediaKind } from '../shared/mediaPolicy.js';
import { s3 } from '../shared/s3.js';
import { transition } from '../shared/transition.js';
import type { MediaInfo, TranscodeJob, UploadErrorInfo, UploadRecord } from '../shared/uploadRecord.js';
import { CancelWatch } from './CancelWatch.js';
import { claimUpload } from './claimUpload.js';
import { publishPoster } from './ffmpeg/publishPoster.js';
import { adoptRunningJob } from './mediaconvert/adoptRunningJob.js';
import { handOverToMediaConvert } from './mediaconvert/handOverToMediaConvert.js';
import { newTranscodeJob } from './mediaconvert/submitJob.js';
import { chooseTranscoder, DEFAULT_MEDIACONVERT_ROUTING, mediaConvertLimits } from './plan/transcoderRouting.js';
import { planVideo } from './plan/videoPlan.js';
import { ProgressReporter } from './ProgressReporter.js';
import { resizeImage } from './ffmpeg/resizeImage.js';
import { readScanVerdict, type ScanVerdict } from './scanVerdict.js';
import { settleMissingScan } from './settleMissingScan.js';
import { SourceServer } from './source/SourceServer.js';
import { transcodeAudio } from './ffmpeg/transcodeAudio.js';
import { transcodeVideo } from './ffmpeg/transcodeVideo.js';
import type { WorkContext } from './WorkContext.js';

const ffmpeg = ffmpegPath();
const ffprobe = ffprobePath();
const limits = processingLimits();
const maxReceiveCount = processMaxReceiveCount();
const mediaBucket = mediaBucketName();
const uploadsBucket = uploadsBucketName();
const baseUrl = mediaBaseUrl();
const transcoder = transcoderSetting();
const malwareScan = malwareScanEnabled();
const CLEAN: ScanVerdict = { kind: 'clean' };
// Read at cold start when MediaConvert may be used, so a misconfigured stack fails at once.
const routing = transcoder === 'ffmpeg' ? DEFAULT_MEDIACONVERT_ROUTING : mediaConvertSettings().routing;

const PROCESSORS: Readonly<Record<MediaKind, (work: WorkContext, media: ValidMedia) => Promise<MediaInfo>>> = {
  video: transcodeVideo,
  audio: transcodeAudio,
  image: resizeImage,
};

/** One delivery of an upload's object event. */
export interface Attempt {
  /** The message's ApproximateReceiveCount: 1 on first delivery. */
  readonly receiveCount: number;
  /** Epoch milliseconds by which processing must end, leaving time to record a failure. */
  readonly deadline: number;
  /** The malware scan's result status the message reported (GuardDuty's scan-result event), if any. */
  readonly scanStatus?: string;
}

/**
 * Processes one uploaded original: with the malware scan on, the gate first (nothing reads the
 * original before the scan let it through: no verdict yet leaves the upload to settleMissingScan;
 * a threat deletes the original and fails the upload MALWARE_DETECTED before anything is probed
 * or published), then claim, probe and validate, transcode by kind (a video
 * publishes its poster ahead, through `publishNow`), publish the outputs, then `ready` with the
 * media description. ffmpeg reads the original only through a
 * SourceServer on loopback, which serves that one object. Resolves when the event is done with
 * (processed, failed for good, or nothing to do); rejects when SQS should deliver it again.
 * The per-invocation work folder under /tmp is removed whatever happens.
 */
export async function processUpload(uploadId: string, attempt: Attempt): Promise<void> {
  const verdict = malwareScan ? await readScanVerdict(s3, { bucket: uploadsBucket, key: sourceKey(uploadId) }, attempt.scanStatus) : CLEAN;
  if (verdict.kind === 'pending') return settleMissingScan(uploadId);
  const record = await claimUpload(uploadId, attempt.receiveCount);
  if (!record) return;
  if (verdict.kind === 'rejected') {
    await refuseOriginal(record, verdict, attempt);
    return;
  }
  if (record.runningJob !== undefined) {
    // A redelivery after the job was submitted and recorded: follow that job, never submit another.
    await adoptRunningJob(record);
    return;
  }
  const workDir = await mkdtemp(join(tmpdir(), 'process-upload-'));
  const progress = new ProgressReporter(uploadId, 'probe');
  const state = { publishing: false };
  const cancelWatch = new CancelWatch(uploadId, progress);
  let source: SourceServer | undefined;
  try {
    source = await SourceServer.start({ s3, bucket: uploadsBucket, key: record.sourceKey });
    const outcome = await processClaimed(record, source.url, workDir, progress, attempt, state);
    await progress.settle();
    if ('job' in outcome) {
      await handOverToMediaConvert(outcome.job, { uploadId, uploadsBucket, sourceKey: record.sourceKey, mediaBucket });
    } else {
      await transition(uploadId, 'processing', 'ready', { media: outcome.media, progress: null, stage: null, transcoder: 'ffmpeg' });
      logger.info('Upload processed', { uploadId, kind: outcome.media.kind, durationSeconds: outcome.media.durationSeconds });
    }
  } catch (error) {
    await progress.settle();
    // A redelivered message's earlier attempt may have published before it failed or died.
    await handleFailure(uploadId, error, attempt, state.publishing || attempt.receiveCount > 1);
  } finally {
    cancelWatch.stop();
    if (source) {
      await source.close();
      logger.info('Read the original', { uploadId, ...source.served });
    }
    await rm(workDir, { recursive: true, force: true });
  }
}

async function processClaimed(
  record: UploadRecord,
  sourceUrl: string,
  workDir: string,
  progress: ProgressReporter,
  attempt: Attempt,
  state: { publishing: boolean },
): Promise<{ readonly media: MediaInfo } | { readonly job: TranscodeJob }> {
  const { uploadId } = record;
  const { deadline } = attempt;
  const outputDir = join(workDir, 'out');
  const scratchDir = join(workDir, 'scratch');
  await Promise.all([mkdir(outputDir), mkdir(scratchDir)]);
  const timeLeftMs = () => {
    const left = deadline - Date.now();
    if (left <= 0) {
      throw new ProcessingError(
        FAILURE_CODES.timedOut,
        'Processing did not finish within the time limit; a shorter or lower-resolution file will process faster',
      );
    }
    return left;
  };

  const probeTimeoutMs = Math.min(PROBE_TIMEOUT_MS, timeLeftMs());
  const probe = await probeMedia(sourceUrl, { ffprobe, timeoutMs: probeTimeoutMs, signal: progress.signal });
  const facts = describeMedia(probe);
  logger.info('Probed the original', { uploadId, declared: record.kind, facts });
  const path = chooseTranscoder(facts, transcoder, routing, limits);
  const media = validateMedia(facts, record.kind, path === 'mediaconvert' ? mediaConvertLimits(limits, routing) : limits);

  await progress.stage('transcode');
  const outputUrl = (relativePath: string) => `${baseUrl}/${mediaPrefix(uploadId)}${relativePath}`;
  const publishedAhead = new Set<string>();
  const work: WorkContext = {
    uploadId,
    source: { url: sourceUrl, demuxer: media.demuxer },
    outputDir,
    scratchDir,
    ffmpeg,
    ffprobe,
    limits,
    progress,
    earlierAttempt: attempt.receiveCount > 1,
    timeLeftMs,
    outputUrl,
    publishNow: async (localPath, relativePath, options) => {
      state.publishing = true;
      await publishFile(localPath, mediaPrefix(uploadId) + relativePath, { s3, bucket: mediaBucket, cacheControl: options?.cacheControl });
      if (resolve(localPath) === join(outputDir, relativePath)) publishedAhead.add(relativePath);
      logger.debug('Published an output ahead of the rest', { uploadId, output: relativePath });
      return outputUrl(relativePath);
    },
  };
  if (path === 'mediaconvert') {
    const plan = planVideo(media, () => routing.maxDurationSeconds);
    await publishPoster(work, plan);
    return { job: newTranscodeJob(plan, media) };
  }
  const info = await PROCESSORS[media.kind](work, media);

  await progress.stage('publish');
  state.publishing = true;
  const keys = await publishOutputs(outputDir, { s3, bucket: mediaBucket, prefix: mediaPrefix(uploadId), skip: publishedAhead });
  logger.info('Published the outputs', { uploadId, objects: keys.length, publishedAhead: publishedAhead.size });
  return { media: info };
}

/**
 * A claimed upload the malware gate refused: an infected original is deleted first (the key is
 * the only copy, and a failed delete is retried like any fault, so the upload never ends
 * MALWARE_DETECTED with the file still there), then the upload is failed with the verdict's code.
 * This run published nothing; a redelivery's outputs are looked for all the same, as after any failure.
 */
async function refuseOriginal(record: UploadRecord, verdict: Extract<ScanVerdict, { kind: 'rejected' }>, attempt: Attempt): Promise<void> {
  let failure: unknown = verdict.error;
  if (verdict.infected) {
    try {
      await deleteSourceObject(record.sourceKey);
      logger.warn('Deleted an original the malware scan found a threat in', { uploadId: record.uploadId, key: record.sourceKey });
    } catch (error) {
      failure = error;
    }
  }
  await handleFailure(record.uploadId, failure, attempt, attempt.receiveCount > 1);
}

/**
 * `mayHaveOutputs`: this run published, or an earlier attempt of the message may have.
 *
 * - The upload left `processing` (cancelled): nothing to record; outputs written meanwhile are
 *   removed (unless a concurrent attempt made it `ready` with the same outputs).
 * - The record is gone (deleted): whatever this run published is removed.
 * - A final ProcessingError (the file is bad): `failed` with its code, and the event is done.
 * - Anything else is retried by SQS, except on the last receive before the dead-letter queue:
 *   then the upload is failed first, so it never stays `processing`, and the error is rethrown
 *   so the message still lands in the dead-letter queue (and its alarm) for a look.
 */
async function handleFailure(uploadId: string, error: unknown, attempt: Attempt, mayHaveOutputs: boolean): Promise<void> {
  if (error instanceof NotFoundError) {
    // Deleting removed the outputs that existed then; this run may have published since.
    logger.info('The upload was deleted while it was processed', { uploadId });
    await removeOutputs(uploadId);
    return;
  }
  if (error instanceof InvalidStateError) {
    logger.info('The upload left processing while it was processed', { uploadId, status: error.currentStatus });
    if (mayHaveOutputs && error.currentStatus !== 'ready') await removeOutputs(uploadId);
    return;
  }
  const final = error instanceof ProcessingError && !error.retryable;
  const lastAttempt = attempt.receiveCount >= maxReceiveCount;
  if (!final && !lastAttempt) {
    logger.warn('Processing failed; the event will be delivered again', { uploadId, receiveCount: attempt.receiveCount, error });
    throw error;
  }
  const failure = final ? { code: error.code, message: error.message } : exhaustedFailure(error, attempt.receiveCount);
  if (final) logger.warn('Processing failed for good', { uploadId, failure });
  else logger.error('Processing failed on the last attempt', { uploadId, failure, error });
  await markFailed(uploadId, failure);
  if (mayHaveOutputs) await removeOutputs(uploadId);
  if (!final) throw error;
}

function exhaustedFailure(error: unknown, attempts: number): UploadErrorInfo {
  if (error instanceof ProcessingError && error.code === FAILURE_CODES.sourceUnavailable) {
    return { code: error.code, message: `The uploaded file could not be read from storage in ${attempts} attempts; upload it again` };
  }
  return {
    code: FAILURE_CODES.processingFailed,
    message: `Processing failed ${attempts} times because of a fault on our side; upload the file again later`,
  };
}

async function markFailed(uploadId: string, error: UploadErrorInfo): Promise<void> {
  try {
    await transition(uploadId, 'processing', 'failed', { error, progress: null, stage: null });
  } catch (cause) {
    if (!(cause instanceof InvalidStateError)) throw cause;
    logger.info('The upload left processing before it could be failed', { uploadId, status: cause.currentStatus });
  }
}

async function removeOutputs(uploadId: string): Promise<void> {
  try {
    const removed = await withdrawMediaOutputs(uploadId);
    logger.info('Removed outputs of an upload that did not become ready', { uploadId, removed });
  } catch (error) {
    logger.error('Could not remove the outputs of an upload that did not become ready', { uploadId, error });
  }
}
