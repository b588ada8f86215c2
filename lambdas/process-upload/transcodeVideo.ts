import { mkdir, readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ProcessingError } from '../shared/errors.js';
import { FAILURE_CODES } from '../shared/media/failureCodes.js';
import { progressPercent } from '../shared/media/ffmpegProgress.js';
import { AAC_LC_CODEC, avc1Codec } from '../shared/media/h264Codec.js';
import { masterPlaylist } from '../shared/media/masterPlaylist.js';
import { measureRendition, parseMediaPlaylist, type RenditionStats } from '../shared/media/mediaPlaylist.js';
import { posterArgs, posterTime } from '../shared/media/posterArgs.js';
import { runFfmpeg } from '../shared/media/runFfmpeg.js';
import { planThumbnails, spriteArgs, spriteGrid, thumbnailFramesArgs, thumbnailVtt } from '../shared/media/thumbnailSprite.js';
import type { ValidMedia } from '../shared/media/validateMedia.js';
import { VIDEO_SEGMENT_SECONDS, videoHlsArgs } from '../shared/media/videoHlsArgs.js';
import { planRenditions, type RenditionPlan } from '../shared/media/videoLadder.js';
import { maxVideoSeconds } from '../shared/media/videoWorkBudget.js';
import type { MediaInfo } from '../shared/uploadRecord.js';
import { checkEncodedDuration, READ_LIMIT_MARGIN_SECONDS } from './checkEncodedDuration.js';
import type { WorkContext } from './WorkContext.js';

export const MASTER_PLAYLIST = 'master.m3u8';
export const POSTER = 'poster.jpg';
export const SPRITE = 'thumbnails/sprite.jpg';
export const THUMBNAILS_VTT = 'thumbnails/thumbnails.vtt';

/**
 * Video: first the poster (seeking the original: seconds, whatever the length), published at
 * once and written onto the processing record, so a viewer sees the picture minutes before the
 * ladder is done; then the HLS ladder in one ffmpeg run, the master playlist from the measured
 * renditions, and a thumbnail sprite with its WebVTT index (from the smallest rendition, already
 * on local disk).
 */
export async function transcodeVideo(work: WorkContext, media: ValidMedia): Promise<MediaInfo> {
  const { width, height, videoStreamIndex } = media;
  if (width === undefined || height === undefined || videoStreamIndex === undefined) {
    throw new ProcessingError(FAILURE_CODES.unsupportedMedia, 'The video states no picture size');
  }
  const renditions = ladderFor(width, height, media.fps);
  // A video that states no duration is read only as far as the run can encode.
  const maxSeconds = maxVideoSeconds(work.limits, width, height, media.decodeFps ?? media.fps);
  const top = renditions[renditions.length - 1] as RenditionPlan;
  const posterUrl = await publishPoster(work, videoStreamIndex, media.durationSeconds, top);
  await Promise.all(renditions.map((r) => mkdir(join(work.outputDir, r.name), { recursive: true })));

  await runFfmpeg(
    videoHlsArgs({
      source: work.source,
      outputDir: work.outputDir,
      renditions,
      videoStreamIndex,
      audioStreamIndex: media.audioStreamIndex,
      sourceFps: media.fps,
      segmentSeconds: VIDEO_SEGMENT_SECONDS,
      readLimitSeconds: maxSeconds + READ_LIMIT_MARGIN_SECONDS,
    }),
    {
      ffmpeg: work.ffmpeg,
      step: 'the video renditions',
      timeoutMs: work.timeLeftMs(),
      signal: work.progress.signal,
      onProgress: (p) => {
        if (media.durationSeconds !== undefined) work.progress.report(progressPercent(p.outTimeSeconds, media.durationSeconds));
      },
    },
  );

  const stats = await Promise.all(
    renditions.map(async (r) => {
      const path = join(work.outputDir, r.name, 'index.m3u8');
      return measureRendition(path, await readFile(path, 'utf8'));
    }),
  );
  const encodedSeconds = Math.max(...stats.map((s) => s.durationSeconds));
  checkEncodedDuration({
    kind: 'video',
    statedSeconds: media.durationSeconds,
    encodedSeconds,
    maxSeconds,
  });
  const hasAudio = media.audioStreamIndex !== undefined;
  await writeFile(join(work.outputDir, MASTER_PLAYLIST), masterPlaylist(renditions.map((r, i) => variant(r, stats[i], hasAudio))));

  await work.progress.stage('thumbnails');
  const durationSeconds = media.durationSeconds ?? encodedSeconds;
  await makeSprite(work, renditions[0] as RenditionPlan, durationSeconds);

  return {
    kind: 'video',
    durationSeconds: round3(durationSeconds),
    width,
    height,
    fps: media.fps === undefined ? undefined : round3(media.fps),
    videoCodec: media.videoCodec,
    audioCodec: media.audioCodec,
    bitrate: media.bitrate,
    hasAudio,
    hlsUrl: work.outputUrl(MASTER_PLAYLIST),
    renditions: renditions.map((r, i) => ({
      width: r.width,
      height: r.height,
      bandwidth: (stats[i] as RenditionStats).peakBandwidth,
      codecs: codecsOf(r, hasAudio).join(','),
      url: work.outputUrl(`${r.name}/index.m3u8`),
    })),
    posterUrl,
    thumbnails: { spriteUrl: work.outputUrl(SPRITE), vttUrl: work.outputUrl(THUMBNAILS_VTT) },
  };
}

/** The ladder; a picture no H.264 level holds (very wide and fast) is a final failure, not a fault to retry. */
function ladderFor(width: number, height: number, fps: number | undefined): RenditionPlan[] {
  try {
    return planRenditions({ width, height, fps });
  } catch (error) {
    if (!(error instanceof RangeError)) throw error;
    throw new ProcessingError(
      FAILURE_CODES.tooLargeResolution,
      `The video is ${width}x${height}${fps === undefined ? '' : ` at ${round3(fps)} fps`}, more than H.264 can encode; a smaller picture or a lower frame rate is accepted`,
      { cause: error },
    );
  }
}

function codecsOf(rendition: RenditionPlan, hasAudio: boolean): string[] {
  return hasAudio ? [avc1Codec(rendition.level), AAC_LC_CODEC] : [avc1Codec(rendition.level)];
}

function variant(rendition: RenditionPlan, stats: RenditionStats | undefined, hasAudio: boolean) {
  return {
    uri: `${rendition.name}/index.m3u8`,
    bandwidth: stats?.peakBandwidth ?? 0,
    averageBandwidth: stats?.averageBandwidth ?? 0,
    codecs: codecsOf(rendition, hasAudio),
    width: rendition.width,
    height: rendition.height,
    frameRate: rendition.fps,
  };
}

/**
 * Takes the poster, publishes it and writes its URL onto the record (stage `transcode`), before
 * anything else is encoded. It is made in the scratch folder, so the final publish does not
 * upload it again. A video that states no duration gets the first frame.
 */
async function publishPoster(work: WorkContext, videoStreamIndex: number, durationSeconds: number | undefined, size: RenditionPlan): Promise<string> {
  const output = join(work.scratchDir, POSTER);
  await makePoster(work, output, videoStreamIndex, durationSeconds, size);
  const posterUrl = await work.publishNow(output, POSTER);
  await work.progress.reportMedia({ kind: 'video', posterUrl });
  return posterUrl;
}

async function makePoster(work: WorkContext, output: string, videoStreamIndex: number, durationSeconds: number | undefined, size: RenditionPlan): Promise<void> {
  const poster = (atSeconds: number) =>
    runFfmpeg(posterArgs({ source: work.source, output, videoStreamIndex, atSeconds, width: size.width, height: size.height }), {
      ffmpeg: work.ffmpeg,
      step: 'the poster',
      timeoutMs: work.timeLeftMs(),
      signal: work.progress.signal,
    });
  await poster(posterTime(durationSeconds));
  // A seek that lands past the last frame (a stated duration longer than the picture) writes nothing.
  if (!(await nonEmpty(output))) await poster(0);
  if (!(await nonEmpty(output))) throw new ProcessingError(FAILURE_CODES.transcodeFailed, 'No picture could be taken from the video for its poster');
}

async function makeSprite(work: WorkContext, smallest: RenditionPlan, durationSeconds: number): Promise<void> {
  const plan = planThumbnails(durationSeconds, smallest.width, smallest.height);
  const framesDir = join(work.scratchDir, 'thumbnails');
  await mkdir(framesDir, { recursive: true });
  await mkdir(join(work.outputDir, 'thumbnails'), { recursive: true });
  const renditionDir = join(work.outputDir, smallest.name);
  const segments = parseMediaPlaylist(await readFile(join(renditionDir, 'index.m3u8'), 'utf8')).map((s) => join(renditionDir, s.uri));
  const options = { ffmpeg: work.ffmpeg, step: 'the thumbnails', signal: work.progress.signal };
  await runFfmpeg(thumbnailFramesArgs(join(framesDir, '%05d.jpg'), plan), {
    ...options,
    stdinFiles: segments,
    timeoutMs: work.timeLeftMs(),
  });
  const frames = (await readdir(framesDir)).filter((name) => name.endsWith('.jpg')).sort();
  if (frames.length === 0) throw new ProcessingError(FAILURE_CODES.transcodeFailed, 'No thumbnails could be taken from the video');
  work.progress.report(70);
  await runFfmpeg(spriteArgs(join(work.outputDir, SPRITE), spriteGrid(frames.length)), {
    ...options,
    stdinFiles: frames.map((name) => join(framesDir, name)),
    timeoutMs: work.timeLeftMs(),
  });
  const count = frames.length;
  const spriteName = SPRITE.slice(SPRITE.lastIndexOf('/') + 1);
  await writeFile(join(work.outputDir, THUMBNAILS_VTT), thumbnailVtt({ spriteUrl: spriteName, count, plan, durationSeconds }));
}

async function nonEmpty(path: string): Promise<boolean> {
  try {
    return (await stat(path)).size > 0;
  } catch {
    return false;
  }
}

function round3(value: number): number {
  return Math.round(value * 1000) / 1000;
}
