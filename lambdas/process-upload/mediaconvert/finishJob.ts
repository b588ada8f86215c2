import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { CopyObjectCommand, GetObjectCommand, PutObjectCommand, paginateListObjectsV2, type S3Client } from '@aws-sdk/client-s3';
import { ProcessingError } from '../../shared/errors.js';
import { FAILURE_CODES } from '../../shared/failureCodes.js';
import { mediaPrefix } from '../../shared/keys.js';
import type { MediaInfo, TranscodeJob } from '../../shared/uploadRecord.js';
import { checkEncodedDuration } from '../ffmpeg/checkEncodedDuration.js';
import { runFfmpeg } from '../ffmpeg/runFfmpeg.js';
import { spriteArgs } from '../ffmpeg/thumbnailSprite.js';
import { masterPlaylist } from '../hls/masterPlaylist.js';
import { measureSegments, type RenditionStats } from '../hls/mediaPlaylist.js';
import { MASTER_PLAYLIST, renditionPlaylist, SPRITE, THUMBNAILS_VTT } from '../plan/outputNames.js';
import { outputHeaders } from '../plan/outputHeaders.js';
import { spriteGrid, thumbnailVtt } from '../plan/thumbnailPlan.js';
import { playlistOrder } from '../plan/variantOrder.js';
import type { RenditionPlan } from '../plan/videoLadder.js';
import { renditionCodecs, videoMediaInfo } from '../plan/videoPlan.js';
import { jobFolder } from './jobFolder.js';
import { HLS_BASE_NAME, THUMBNAIL_FRAME_BASE_NAME, variantPlaylist } from './jobOutputNames.js';

export interface FinishJobOptions {
  readonly s3: S3Client;
  readonly bucket: string;
  /** Public URL of an output, from its path under the upload's media prefix. */
  readonly outputUrl: (relativePath: string) => string;
  readonly ffmpeg: string;
  /** A scratch folder of this run's own, for the thumbnail frames. */
  readonly workDir: string;
  readonly timeoutMs: number;
}

export interface FinishedJob {
  readonly media: MediaInfo;
  /** MediaConvert's own playlists and frames, replaced by ours: removed once the upload is `ready`. */
  readonly leftovers: readonly string[];
}

/** Copies in flight at once while the segments get their cache headers. */
const COPY_CONCURRENCY = 16;
/** A segment name MediaConvert writes next to its playlist; anything else in a playlist is refused. */
const SEGMENT_URI = /^[\w.-]+$/;

/**
 * Turns a completed job's outputs into the same outputs, at the same URLs, as the ffmpeg path:
 * for each rung, `<rung>/index.m3u8` (MediaConvert's variant playlist, pointing into the job's
 * folder) measured from the segments as written; our `master.m3u8` from those measures; the
 * thumbnail sprite tiled from the frames MediaConvert captured, with the WebVTT index counted
 * from the frames that exist; and the cache headers the ffmpeg path publishes with (MediaConvert
 * sets none). Reads names only from what the job wrote, never guesses them. The encoded length
 * is checked as on the ffmpeg path (truncated input, past the limit).
 */
export async function finishJob(uploadId: string, job: TranscodeJob, options: FinishJobOptions): Promise<FinishedJob> {
  const { plan, media } = job;
  const folder = jobFolder(uploadId, job.token);
  const prefix = mediaPrefix(uploadId);
  const sizes = await listSizes(options.s3, options.bucket, folder);
  const folderFromRendition = `../${folder.slice(prefix.length)}`;

  const stats: RenditionStats[] = [];
  const leftovers = [`${folder}${HLS_BASE_NAME}.m3u8`];
  for (const rendition of plan.renditions) {
    const variantKey = `${folder}${variantPlaylist(rendition.name)}`;
    // Judged from the listing: on AWS a reader whose ListBucket is held to a prefix gets
    // AccessDenied, not NoSuchKey, for a missing key, and a fault would be retried for ever.
    if (!sizes.has(variantKey)) throw missingOutput(uploadId, variantKey);
    const text = await readText(options.s3, options.bucket, variantKey, uploadId);
    leftovers.push(variantKey);
    stats.push(
      await measureSegments(text, (uri) => {
        const size = sizes.get(`${folder}${checkedSegment(uri, uploadId)}`);
        if (size === undefined) throw missingOutput(uploadId, `segment ${uri} of the ${rendition.name} rendition`);
        return size;
      }),
    );
    await put(options, `${prefix}${renditionPlaylist(rendition.name)}`, rebase(text, folderFromRendition));
  }

  const encodedSeconds = Math.max(...stats.map((s) => s.durationSeconds));
  checkEncodedDuration({ kind: 'video', statedSeconds: media.durationSeconds, encodedSeconds, maxSeconds: plan.maxSeconds });
  const durationSeconds = media.durationSeconds ?? encodedSeconds;
  const hasAudio = plan.audioStreamIndex !== undefined;
  await put(
    options,
    `${prefix}${MASTER_PLAYLIST}`,
    masterPlaylist(
      playlistOrder(plan.renditions).map((i) => {
        const r = plan.renditions[i] as RenditionPlan;
        return {
          uri: renditionPlaylist(r.name),
          bandwidth: stats[i]?.peakBandwidth ?? 0,
          averageBandwidth: stats[i]?.averageBandwidth ?? 0,
          codecs: renditionCodecs(r, hasAudio),
          width: r.width,
          height: r.height,
          frameRate: r.fps,
        };
      }),
    ),
  );

  const frames = [...sizes.keys()].filter((key) => FRAME.test(key.slice(folder.length))).sort();
  leftovers.push(...frames);
  await makeSprite(uploadId, job, frames, durationSeconds, options);

  const segments = [...sizes.keys()].filter((key) => key.endsWith('.ts'));
  await copyWithHeaders(options, segments);

  return {
    media: videoMediaInfo({ plan, media, durationSeconds, measured: stats, outputUrl: options.outputUrl }),
    leftovers,
  };
}

const FRAME = new RegExp(`^${THUMBNAIL_FRAME_BASE_NAME}\\.\\d+\\.jpg$`);

async function makeSprite(uploadId: string, job: TranscodeJob, frameKeys: readonly string[], durationSeconds: number, options: FinishJobOptions) {
  const thumbnails = job.plan.thumbnails;
  if (thumbnails === undefined) throw new TypeError(`The plan of upload ${uploadId}'s job has no thumbnail grid`);
  if (frameKeys.length === 0) throw missingOutput(uploadId, 'the thumbnail frames');
  const frames = await Promise.all(
    frameKeys.map(async (key, index) => {
      const path = join(options.workDir, `${String(index).padStart(5, '0')}.jpg`);
      const { Body } = await options.s3.send(new GetObjectCommand({ Bucket: options.bucket, Key: key }));
      if (!Body) throw missingOutput(uploadId, key);
      await writeFile(path, await Body.transformToByteArray());
      return path;
    }),
  );
  const sprite = join(options.workDir, 'sprite.jpg');
  await runFfmpeg(spriteArgs(sprite, spriteGrid(frames.length)), {
    ffmpeg: options.ffmpeg,
    step: 'the thumbnail sprite',
    timeoutMs: options.timeoutMs,
    stdinFiles: frames,
  });
  const prefix = mediaPrefix(uploadId);
  await put(options, `${prefix}${SPRITE}`, await readFile(sprite));
  const spriteName = SPRITE.slice(SPRITE.lastIndexOf('/') + 1);
  await put(options, `${prefix}${THUMBNAILS_VTT}`, thumbnailVtt({ spriteUrl: spriteName, count: frames.length, plan: thumbnails, durationSeconds }));
}

async function listSizes(s3: S3Client, bucket: string, prefix: string): Promise<Map<string, number>> {
  const sizes = new Map<string, number>();
  for await (const page of paginateListObjectsV2({ client: s3 }, { Bucket: bucket, Prefix: prefix })) {
    for (const object of page.Contents ?? []) {
      if (object.Key !== undefined) sizes.set(object.Key, object.Size ?? 0);
    }
  }
  return sizes;
}

async function readText(s3: S3Client, bucket: string, key: string, uploadId: string): Promise<string> {
  try {
    const { Body } = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
    if (!Body) throw missingOutput(uploadId, key);
    return await Body.transformToString();
  } catch (error) {
    if (error instanceof Error && error.name === 'NoSuchKey') throw missingOutput(uploadId, key);
    throw error;
  }
}

/** Points each segment line of a variant playlist at the job's folder, seen from `<rung>/`. */
function rebase(playlist: string, folderFromRendition: string): string {
  return playlist
    .split('\n')
    .map((line) => {
      const trimmed = line.trim();
      return trimmed === '' || trimmed.startsWith('#') ? line : `${folderFromRendition}${trimmed}`;
    })
    .join('\n');
}

function checkedSegment(uri: string, uploadId: string): string {
  if (!SEGMENT_URI.test(uri)) {
    throw new ProcessingError(FAILURE_CODES.transcodeFailed, `The transcoder wrote an unexpected segment name for upload ${uploadId}`);
  }
  return uri;
}

function missingOutput(uploadId: string, what: string): ProcessingError {
  return new ProcessingError(FAILURE_CODES.transcodeFailed, `The transcode of upload ${uploadId} finished without ${what}`);
}

async function put(options: FinishJobOptions, key: string, body: string | Uint8Array): Promise<void> {
  const { contentType, cacheControl } = outputHeaders(key);
  await options.s3.send(new PutObjectCommand({ Bucket: options.bucket, Key: key, Body: body, ContentType: contentType, CacheControl: cacheControl }));
}

/** Rewrites each object onto itself with the headers the ffmpeg path publishes with: MediaConvert cannot set them. */
async function copyWithHeaders(options: FinishJobOptions, keys: readonly string[]): Promise<void> {
  for (let start = 0; start < keys.length; start += COPY_CONCURRENCY) {
    await Promise.all(
      keys.slice(start, start + COPY_CONCURRENCY).map((key) => {
        const { contentType, cacheControl } = outputHeaders(key);
        return options.s3.send(
          new CopyObjectCommand({
            Bucket: options.bucket,
            Key: key,
            CopySource: `${options.bucket}/${key.split('/').map(encodeURIComponent).join('/')}`,
            MetadataDirective: 'REPLACE',
            ContentType: contentType,
            CacheControl: cacheControl,
          }),
        );
      }),
    );
  }
}
