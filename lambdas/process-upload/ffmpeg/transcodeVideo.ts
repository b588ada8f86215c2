import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ProcessingError } from '../../shared/errors.js';
import { FAILURE_CODES } from '../../shared/failureCodes.js';
import type { MediaInfo } from '../../shared/uploadRecord.js';
import { eventPlaylist } from '../hls/eventPlaylist.js';
import { foldShortFinalSegment, MIN_SEGMENT_SECONDS } from '../hls/foldShortFinalSegment.js';
import { masterPlaylist, type VariantStream } from '../hls/masterPlaylist.js';
import { type MediaSegment, measureRendition, parseMediaPlaylist } from '../hls/mediaPlaylist.js';
import { MASTER_PLAYLIST, renditionPlaylist, SPRITE, THUMBNAILS_VTT } from '../plan/outputNames.js';
import { planThumbnails, spriteGrid, thumbnailVtt } from '../plan/thumbnailPlan.js';
import type { RenditionPlan } from '../plan/videoLadder.js';
import { playlistOrder } from '../plan/variantOrder.js';
import { planVideo, renditionCodecs, type VideoPlan, videoMediaInfo } from '../plan/videoPlan.js';
import { maxVideoSeconds } from '../plan/videoWorkBudget.js';
import type { ValidMedia } from '../probe/validateMedia.js';
import type { WorkContext } from '../WorkContext.js';
import { checkEncodedDuration } from './checkEncodedDuration.js';
import { LiveLadder } from './LiveLadder.js';
import { progressPercent } from './ffmpegProgress.js';
import { publishPoster } from './publishPoster.js';
import { runFfmpeg } from './runFfmpeg.js';
import { spriteArgs, thumbnailFramesArgs } from './thumbnailSprite.js';
import { VIDEO_BUFFER_SECONDS, videoHlsArgs } from './videoHlsArgs.js';

/**
 * Video on ffmpeg, from the plan: first the poster (seeking the original: seconds, whatever the
 * length), published at once and written onto the processing record, so a viewer sees the
 * picture minutes before the ladder is done; then the HLS ladder in one ffmpeg run, published
 * while it is encoded (LiveLadder: the record gets `hlsUrl` and `playable` once every rendition
 * has a segment out); then the final playlists and the master from the measured renditions, and
 * a thumbnail sprite with its WebVTT index (from the smallest rendition, already on local disk).
 * A video that states no duration is read only as far as the run can encode.
 */
export async function transcodeVideo(work: WorkContext, media: ValidMedia): Promise<MediaInfo> {
  const plan = planVideo(media, (width, height) => maxVideoSeconds(work.limits, width, height, media.decodeFps ?? media.fps));
  const { renditions } = plan;
  const posterUrl = await publishPoster(work, plan);
  await Promise.all(renditions.map((r) => mkdir(join(work.outputDir, r.name), { recursive: true })));
  const hasAudio = plan.audioStreamIndex !== undefined;
  const live = new LiveLadder({
    uploadId: work.uploadId,
    renditions: renditions.map((r) => r.name),
    outputDir: work.outputDir,
    scratchDir: work.scratchDir,
    targetDurationSeconds: liveTargetDuration(plan),
    masterPlaylist: () => masterPlaylist(playlistOrder(renditions).map((i) => capVariant(renditions[i] as RenditionPlan, hasAudio, liveTargetDuration(plan)))),
    publish: (localPath, relativePath, options) => work.publishNow(localPath, relativePath, options),
    onPlayable: () => work.progress.reportMedia({ kind: 'video', posterUrl, hlsUrl: work.outputUrl(MASTER_PLAYLIST), playable: true }),
    publishAtOnceUntilSeconds: media.durationSeconds === undefined ? undefined : media.durationSeconds - plan.segmentSeconds - MIN_SEGMENT_SECONDS,
  });
  // A retried run never publishes ahead: the playlists an earlier attempt published would shrink.
  if (!work.earlierAttempt) live.start();
  try {
    await encodeLadder(work, media, plan);
  } finally {
    await live.stop();
  }

  // One decision for every rendition, so they keep the same segments: a video shorter than it
  // stated may end in a sliver after a segment already out, and then it stays.
  const playlists = renditions.map((r) => join(work.outputDir, renditionPlaylist(r.name)));
  const sliverStays = (await Promise.all(renditions.map((r, i) => lastButOnePublished(playlists[i] as string, live.publishedSegments(r.name))))).some(Boolean);
  const stats = await Promise.all(
    playlists.map(async (path) => {
      if (!sliverStays) await foldShortFinalSegment(path);
      // The playlists players may hold (published while encoding, by this or an earlier attempt)
      // only grow: they end as they began, with the same target duration.
      const segments = parseMediaPlaylist(await readFile(path, 'utf8'));
      const targetDurationSeconds = Math.max(liveTargetDuration(plan), ...segments.map((segment) => Math.round(segment.durationSeconds)));
      const text = eventPlaylist({ targetDurationSeconds, segments, ended: true });
      await writeFile(path, text);
      return measureRendition(path, text);
    }),
  );
  const encodedSeconds = Math.max(...stats.map((s) => s.durationSeconds));
  checkEncodedDuration({
    kind: 'video',
    statedSeconds: media.durationSeconds,
    encodedSeconds,
    maxSeconds: plan.maxSeconds,
  });
  const variants = playlistOrder(renditions).map((i) =>
    variant(renditions[i] as RenditionPlan, hasAudio, { bandwidth: stats[i]?.peakBandwidth ?? 0, averageBandwidth: stats[i]?.averageBandwidth ?? 0 }),
  );
  await writeFile(join(work.outputDir, MASTER_PLAYLIST), masterPlaylist(variants));

  await work.progress.stage('thumbnails');
  const durationSeconds = media.durationSeconds ?? encodedSeconds;
  await makeSprite(work, plan, durationSeconds);

  return videoMediaInfo({ plan, media, durationSeconds, measured: stats, outputUrl: work.outputUrl });
}

async function lastButOnePublished(playlistPath: string, published: readonly MediaSegment[]): Promise<boolean> {
  const segments = parseMediaPlaylist(await readFile(playlistPath, 'utf8'));
  return segments.length >= 2 && published.length >= segments.length - 1;
}

/**
 * The target duration of playlists published while encoding: declared before the last segment
 * exists and never changed, so it leaves room for a final sliver folded into a full segment.
 */
function liveTargetDuration(plan: VideoPlan): number {
  return plan.segmentSeconds + MIN_SEGMENT_SECONDS;
}

/**
 * A variant of the master published while encoding, when nothing is measured yet: BANDWIDTH is a
 * bound on the peak segment bit rate, not an estimate. The encoder may spend its whole buffer
 * (VIDEO_BUFFER_SECONDS at the cap) above the cap within the shortest run the peak counts (half a
 * target duration), audio runs at its rate, and MPEG-TS adds up to a tenth. The final master
 * states the measured figures. (Cap × 1.1 was exceeded by 12% on a 240p rung of random noise.)
 */
function capVariant(rendition: RenditionPlan, hasAudio: boolean, targetDurationSeconds: number): VariantStream {
  const shortestRun = targetDurationSeconds / 2;
  const videoKbps = rendition.videoKbps * (1 + VIDEO_BUFFER_SECONDS / shortestRun);
  return variant(rendition, hasAudio, { bandwidth: Math.round((videoKbps + (hasAudio ? rendition.audioKbps : 0)) * 1000 * 1.1) });
}

async function encodeLadder(work: WorkContext, media: ValidMedia, plan: VideoPlan): Promise<void> {
  const { renditions } = plan;
  await runFfmpeg(
    videoHlsArgs({
      source: work.source,
      outputDir: work.outputDir,
      renditions,
      videoStreamIndex: plan.videoStreamIndex,
      audioStreamIndex: plan.audioStreamIndex,
      sourceFps: media.fps,
      segmentSeconds: plan.segmentSeconds,
      keyframeSeconds: plan.keyframeSeconds,
      readLimitSeconds: plan.readLimitSeconds,
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
}

/** A rendition as the master playlist lists it, at the given rates. */
function variant(rendition: RenditionPlan, hasAudio: boolean, rates: Pick<VariantStream, 'bandwidth' | 'averageBandwidth'>): VariantStream {
  return {
    uri: renditionPlaylist(rendition.name),
    ...rates,
    codecs: renditionCodecs(rendition, hasAudio),
    width: rendition.width,
    height: rendition.height,
    frameRate: rendition.fps,
  };
}

async function makeSprite(work: WorkContext, video: VideoPlan, durationSeconds: number): Promise<void> {
  const smallest = video.renditions[0] as RenditionPlan;
  const plan = video.thumbnails ?? planThumbnails(durationSeconds, smallest.width, smallest.height);
  const framesDir = join(work.scratchDir, 'thumbnails');
  await mkdir(framesDir, { recursive: true });
  await mkdir(join(work.outputDir, 'thumbnails'), { recursive: true });
  const renditionDir = join(work.outputDir, smallest.name);
  const segments = parseMediaPlaylist(await readFile(join(work.outputDir, renditionPlaylist(smallest.name)), 'utf8')).map((s) => join(renditionDir, s.uri));
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
