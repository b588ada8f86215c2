import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { UploadRecord } from '../../lambdas/shared/uploadRecord.js';
import { ffmpeg, ffprobeJson, makeAudio, makeVideo } from './processFixtures.js';
import { ProcessHarness } from './processHarness.js';

/**
 * The HLS we publish, held to Apple's authoring spec by measuring what was written, with code of
 * its own (not the pipeline's): for every variant, BANDWIDTH within 10% of the peak segment bit
 * rate as RFC 8216 defines it (runs of 0.5 to 1.5 target durations) and AVERAGE-BANDWIDTH within
 * 10% of the average; no segment under 1 s unless it is the only one; ffprobe finds a keyframe
 * starting every segment and one at least every 2 s; rungs up to 480 lines run at 30 fps or less.
 * Clips end a little past a segment boundary: the still clip's final 1.1 s segment holds a whole
 * keyframe, which counted alone used to overstate BANDWIDTH by 1.5 times and more. Both transcoders: the MediaConvert line is lowered to 14 s, so the
 * longest clip takes the emulated MediaConvert path.
 */

const MP4 = { contentType: 'video/mp4', kind: 'video' } as const;
const MP3 = { contentType: 'audio/mpeg', kind: 'audio' } as const;
const TOLERANCE = 0.1;
const KEYFRAME_SECONDS = 2;

let h: ProcessHarness;
let dir: string;

beforeAll(async () => {
  h = await ProcessHarness.start({}, { transcoder: 'auto', mediaConvertRouting: { routeLongerThanSeconds: 14 }, silentJobCheckIntervalSeconds: 0 });
  dir = await mkdtemp(join(tmpdir(), 'hls-authoring-'));
});

afterAll(async () => {
  await h?.stop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

async function processed(file: string, declared: typeof MP4 | typeof MP3): Promise<UploadRecord> {
  const uploadId = await h.upload(file, declared);
  expect(await h.deliver(uploadId)).toEqual({ batchItemFailures: [] });
  await h.local.mediaConvert?.idle();
  const record = await h.record(uploadId);
  expect(record.status).toBe('ready');
  return record;
}

async function fetchOk(url: string): Promise<Response> {
  const response = await fetch(url);
  expect(response.status, url).toBe(200);
  return response;
}

interface Variant {
  readonly url: string;
  readonly bandwidth: number;
  readonly averageBandwidth: number;
  readonly height: number | undefined;
  readonly frameRate: number | undefined;
}

interface Segment {
  readonly url: string;
  readonly seconds: number;
  readonly bytes: Buffer;
}

interface MediaPlaylist {
  readonly targetDuration: number;
  readonly segments: readonly Segment[];
  readonly ended: boolean;
}

async function variantsOf(masterUrl: string): Promise<Variant[]> {
  const lines = (await (await fetchOk(masterUrl)).text()).trim().split('\n');
  return lines.flatMap((line, i) => {
    if (!line.startsWith('#EXT-X-STREAM-INF:')) return [];
    const attribute = (name: string) => new RegExp(`[:,]${name}=([^,]+)`).exec(line)?.[1];
    return [
      {
        url: new URL(lines[i + 1] ?? '', masterUrl).href,
        bandwidth: Number(attribute('BANDWIDTH')),
        averageBandwidth: Number(attribute('AVERAGE-BANDWIDTH')),
        height: attribute('RESOLUTION') === undefined ? undefined : Number(attribute('RESOLUTION')?.split('x')[1]),
        frameRate: attribute('FRAME-RATE') === undefined ? undefined : Number(attribute('FRAME-RATE')),
      },
    ];
  });
}

async function mediaPlaylist(url: string): Promise<MediaPlaylist> {
  const lines = (await (await fetchOk(url)).text()).split('\n').map((line) => line.trim());
  const targetDuration = Number(lines.find((line) => line.startsWith('#EXT-X-TARGETDURATION:'))?.split(':')[1]);
  const segments: Segment[] = [];
  for (const [i, line] of lines.entries()) {
    if (!line.startsWith('#EXTINF:')) continue;
    const segmentUrl = new URL(lines[i + 1] ?? '', url).href;
    segments.push({ url: segmentUrl, seconds: Number.parseFloat(line.slice(8)), bytes: Buffer.from(await (await fetchOk(segmentUrl)).arrayBuffer()) });
  }
  return { targetDuration, segments, ended: lines.includes('#EXT-X-ENDLIST') };
}

/** RFC 8216 section 4.1, written out again here so the test does not grade the pipeline's own arithmetic. */
function windowedPeak(playlist: MediaPlaylist): number {
  const { segments, targetDuration } = playlist;
  let peak = 0;
  for (let i = 0; i < segments.length; i++) {
    for (let j = i + 1; j <= segments.length; j++) {
      const run = segments.slice(i, j);
      const seconds = run.reduce((sum, s) => sum + s.seconds, 0);
      if (seconds < targetDuration / 2 || seconds > targetDuration * 1.5) continue;
      peak = Math.max(peak, (run.reduce((sum, s) => sum + s.bytes.length, 0) * 8) / seconds);
    }
  }
  return peak || average(playlist);
}

function average(playlist: MediaPlaylist): number {
  const seconds = playlist.segments.reduce((sum, s) => sum + s.seconds, 0);
  return (playlist.segments.reduce((sum, s) => sum + s.bytes.length, 0) * 8) / seconds;
}

function expectStatedRates(variant: Variant, playlist: MediaPlaylist): void {
  const peak = windowedPeak(playlist);
  const mean = average(playlist);
  expect(Math.abs(variant.bandwidth - peak) / peak, `BANDWIDTH ${variant.bandwidth} against a peak of ${Math.round(peak)}`).toBeLessThanOrEqual(TOLERANCE);
  expect(Math.abs(variant.averageBandwidth - mean) / mean, `AVERAGE-BANDWIDTH ${variant.averageBandwidth} against ${Math.round(mean)}`).toBeLessThanOrEqual(TOLERANCE);
}

function expectNoSliver(playlist: MediaPlaylist): void {
  expect(playlist.ended).toBe(true);
  if (playlist.segments.length === 1) return;
  for (const segment of playlist.segments) expect(segment.seconds, segment.url).toBeGreaterThanOrEqual(1);
  for (const segment of playlist.segments) expect(Math.round(segment.seconds)).toBeLessThanOrEqual(playlist.targetDuration);
}

/** Keyframe times and frame rate of a segment, as ffprobe reads the file. */
async function probeSegment(segment: Segment, name: string) {
  const path = join(dir, name);
  await writeFile(path, segment.bytes);
  const probe = await ffprobeJson(path, '-select_streams', 'v:0', '-show_entries', 'stream=r_frame_rate:frame=pts_time,key_frame,pict_type');
  const [num, den] = String(probe.streams[0].r_frame_rate).split('/').map(Number);
  const frames = (probe.frames as { pts_time: string; key_frame: number; pict_type: string }[]).map((f) => ({ at: Number(f.pts_time), key: f.key_frame === 1 && f.pict_type === 'I' }));
  return { fps: (num as number) / (den as number), frames };
}

async function expectKeyframesAndRate(variant: Variant, playlist: MediaPlaylist, maxFps: number): Promise<void> {
  for (const [i, segment] of playlist.segments.entries()) {
    const { fps, frames } = await probeSegment(segment, `${variant.height}-${i}.ts`);
    expect(fps, `${variant.height}p segment ${i}`).toBeLessThanOrEqual(maxFps + 0.01);
    const sorted = [...frames].sort((a, b) => a.at - b.at);
    expect(sorted[0]?.key, `${variant.height}p segment ${i} starts with a keyframe`).toBe(true);
    const keys = sorted.filter((f) => f.key).map((f) => f.at);
    const end = (sorted.at(-1)?.at ?? 0) + 1 / fps;
    const gaps = [...keys.slice(1), end].map((at, k) => at - (keys[k] as number));
    // One frame of slack: a keyframe forced at 2 s lands on the first frame at or after it.
    expect(Math.max(...gaps), `${variant.height}p segment ${i} keyframe gaps ${gaps.map((g) => g.toFixed(3))}`).toBeLessThanOrEqual(KEYFRAME_SECONDS + 1 / fps + 0.001);
  }
}

describe.each([
  {
    name: 'a still, silent 720p clip at 30 fps, 13.1 s (ffmpeg)',
    transcoder: 'ffmpeg',
    make: async (path: string) => {
      // A detailed picture that never moves, no sound: keyframes are nearly all the bits.
      const still = `${path}.png`;
      await ffmpeg('-f', 'lavfi', '-i', 'testsrc2=size=1280x720', '-vf', 'noise=alls=40', '-frames:v', '1', still);
      await ffmpeg('-loop', '1', '-framerate', '30', '-i', still, '-t', '13.1', '-c:v', 'libx264', '-preset', 'ultrafast', '-pix_fmt', 'yuv420p', path);
      return path;
    },
    sourceFps: 30,
  },
  {
    name: 'a moving 720p clip at 60 fps, 8.4 s (ffmpeg)',
    transcoder: 'ffmpeg',
    make: (path: string) => makeVideo(path, { width: 1280, height: 720, seconds: 8.4, fps: 60 }),
    sourceFps: 60,
  },
  {
    name: 'a moving 960x540 clip at 50 fps, 14.5 s (MediaConvert)',
    transcoder: 'mediaconvert',
    make: (path: string) => makeVideo(path, { width: 960, height: 540, seconds: 14.5, fps: 50 }),
    sourceFps: 50,
  },
])('HLS of $name', ({ name, transcoder, make, sourceFps }) => {
  let record: UploadRecord;
  let variants: Variant[];
  let playlists: MediaPlaylist[];

  beforeAll(async () => {
    record = await processed(await make(join(dir, `${name.replace(/\W+/g, '-')}.mp4`)), MP4);
    expect(record.transcoder).toBe(transcoder);
    variants = await variantsOf(record.media?.hlsUrl ?? '');
    playlists = await Promise.all(variants.map((v) => mediaPlaylist(v.url)));
  });

  it('states each variant\'s BANDWIDTH and AVERAGE-BANDWIDTH within 10% of what its segments measure', () => {
    expect(variants.length).toBeGreaterThan(1);
    variants.forEach((variant, i) => expectStatedRates(variant, playlists[i] as MediaPlaylist));
  });

  it('has no segment shorter than 1 s, and none longer than the target duration', () => {
    for (const playlist of playlists) expectNoSliver(playlist);
  });

  it('starts every segment on a keyframe and has one at least every 2 s; rungs up to 480 lines run at 30 fps or less', async () => {
    for (const [i, variant] of variants.entries()) {
      const small = (variant.height ?? 0) <= 480;
      const maxFps = small ? Math.min(30, sourceFps) : sourceFps;
      expect(variant.frameRate, `${variant.height}p FRAME-RATE`).toBeLessThanOrEqual(maxFps + 0.01);
      if (!small) expect(variant.frameRate).toBeCloseTo(sourceFps, 2);
      await expectKeyframesAndRate(variant, playlists[i] as MediaPlaylist, maxFps);
    }
  });
});

describe('HLS of an mp3 of 20.4 s', () => {
  let variants: Variant[];
  let playlists: MediaPlaylist[];

  beforeAll(async () => {
    const record = await processed(await makeAudio(join(dir, 'tone.mp3'), 20.4, ['-c:a', 'libmp3lame', '-b:a', '192k']), MP3);
    variants = await variantsOf(record.media?.hlsUrl ?? '');
    playlists = await Promise.all(variants.map((v) => mediaPlaylist(v.url)));
  });

  it('states BANDWIDTH and AVERAGE-BANDWIDTH within 10% of what the segments measure, for both renditions', () => {
    expect(variants).toHaveLength(2);
    variants.forEach((variant, i) => expectStatedRates(variant, playlists[i] as MediaPlaylist));
  });

  it('ends without a sliver of a segment: the last 0.4 s joins the segment before it', () => {
    for (const playlist of playlists) {
      expectNoSliver(playlist);
      expect(playlist.segments).toHaveLength(2);
    }
  });
});
