import { planVideo } from '../../../lambdas/process-upload/plan/videoPlan.js';
import type { ValidMedia } from '../../../lambdas/process-upload/probe/validateMedia.js';
import type { TranscodeJob } from '../../../lambdas/shared/uploadRecord.js';

/** This stack's queue and name as the test environment's MEDIACONVERT_SETTINGS gives them. */
export const QUEUE_ARN = 'arn:aws:mediaconvert:us-east-1:123456789012:queues/media-pipeline';
export const STACK_NAME = 'media-pipeline-test';
export const ROLE_ARN = 'arn:aws:iam::123456789012:role/mc';
/** MEDIACONVERT_SETTINGS for `vi.hoisted` (acceleration off). */
export const MEDIACONVERT_SETTINGS_JSON = JSON.stringify({ queueArn: QUEUE_ARN, roleArn: ROLE_ARN, stackName: STACK_NAME, accelerated: false });

export const JOB_ID = '1671477617078-2886ye';
export const JOB_TOKEN = '0123456789abcdef';

/** A probed 640x360 talk of 13 s at 30 fps with sound: a 240p and a 360p rung, 7 thumbnails 2 s apart. */
export function talkMedia(overrides: Partial<ValidMedia> = {}): ValidMedia {
  return {
    kind: 'video',
    found: 'video',
    formatName: 'mov,mp4,m4a,3gp,3g2,mj2',
    demuxer: 'mov',
    durationSeconds: 13,
    width: 640,
    height: 360,
    fps: 30,
    videoCodec: 'h264',
    audioCodec: 'aac',
    bitrate: 1_200_000,
    rotation: 0,
    hasAudio: true,
    videoStreamIndex: 0,
    audioStreamIndex: 1,
    ...overrides,
  };
}

/** The MediaConvert job of an upload as the process function records it, planned from `media`. */
export function transcodeJob(overrides: Partial<TranscodeJob> = {}, media: ValidMedia = talkMedia()): TranscodeJob {
  return {
    id: JOB_ID,
    token: JOB_TOKEN,
    submittedAt: '2025-03-01T10:06:00.000Z',
    plan: planVideo(media, () => 4 * 3600),
    media,
    ...overrides,
  };
}
