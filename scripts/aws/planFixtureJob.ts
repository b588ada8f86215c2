import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { promisify } from 'node:util';
import type { CreateJobCommandInput } from '@aws-sdk/client-mediaconvert';
import { ProbeOutput } from '../../lambdas/process-upload/ffmpeg/probeOutput.js';
import { buildJob, type JobSettings } from '../../lambdas/process-upload/mediaconvert/buildJob.js';
import { jobFolder } from '../../lambdas/process-upload/mediaconvert/jobFolder.js';
import { DEFAULT_PROCESSING_LIMITS } from '../../lambdas/process-upload/plan/processingLimits.js';
import { DEFAULT_MEDIACONVERT_ROUTING, mediaConvertLimits } from '../../lambdas/process-upload/plan/transcoderRouting.js';
import { planVideo, type VideoPlan } from '../../lambdas/process-upload/plan/videoPlan.js';
import { describeMedia } from '../../lambdas/process-upload/probe/mediaFacts.js';
import { type ValidMedia, validateMedia } from '../../lambdas/process-upload/probe/validateMedia.js';
import { sourceKey } from '../../lambdas/shared/keys.js';

const exec = promisify(execFile);

export interface PlannedJob {
  readonly uploadId: string;
  readonly token: string;
  readonly sourceKey: string;
  /** The job's own folder in the media bucket (`media/{uploadId}/job-{token}/`). */
  readonly jobFolder: string;
  readonly media: ValidMedia;
  readonly plan: VideoPlan;
  readonly input: CreateJobCommandInput;
}

export interface PlanOptions {
  readonly uploadId: string;
  readonly uploadsBucket: string;
  readonly mediaBucket: string;
  readonly settings: JobSettings;
  /**
   * Plan as if the file had sound whatever the probe says, so a silent file gets an audio
   * selector (what MediaConvert does with one is an open question).
   */
  readonly assumeAudio?: boolean;
  readonly ffprobe?: string;
}

/**
 * The job the process function would submit for this file: probed, validated with the
 * MediaConvert path's limits and planned as processUpload does, then built by `buildJob`.
 * The file is local here, so ffprobe reads it directly (the function reads through HTTP).
 */
export async function planFixtureJob(localPath: string, options: PlanOptions): Promise<PlannedJob> {
  const { stdout } = await exec(options.ffprobe ?? 'ffprobe', ['-v', 'error', '-print_format', 'json', '-show_format', '-show_streams', localPath], {
    maxBuffer: 16 * 1024 * 1024,
  });
  const facts = describeMedia(ProbeOutput.parse(JSON.parse(stdout)));
  const routing = DEFAULT_MEDIACONVERT_ROUTING;
  const media = validateMedia(facts, 'video', mediaConvertLimits(DEFAULT_PROCESSING_LIMITS, routing));
  const planned = planVideo(media, () => routing.maxDurationSeconds);
  const plan: VideoPlan = options.assumeAudio && planned.audioStreamIndex === undefined ? { ...planned, audioStreamIndex: planned.videoStreamIndex + 1 } : planned;
  const token = randomBytes(8).toString('hex');
  const key = sourceKey(options.uploadId);
  const input = buildJob({
    uploadId: options.uploadId,
    plan,
    media,
    sourceUri: `s3://${options.uploadsBucket}/${key}`,
    mediaBucket: options.mediaBucket,
    clientRequestToken: token,
    settings: options.settings,
  });
  return { uploadId: options.uploadId, token, sourceKey: key, jobFolder: jobFolder(options.uploadId, token), media, plan, input };
}
