import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { onStateChange } from '../../lambdas/shared/stateChanges.js';
import type { UploadRecord } from '../../lambdas/shared/uploadRecord.js';
import {
  ffprobeJson,
  makeAudio,
  makeImage,
  makePortraitVideo,
  makeVideo,
  truncate,
  withExifOrientation,
} from './processFixtures.js';
import { ProcessHarness } from './processHarness.js';
import { callApi, putPart } from './support/localHttp.js';

const MP4 = { contentType: 'video/mp4', kind: 'video' } as const;

let h: ProcessHarness;
let dir: string;

beforeAll(async () => {
  // Low limits, so TOO_LONG needs only a clip of a few seconds.
  h = await ProcessHarness.start({ PROCESSING_LIMITS: JSON.stringify({ maxDurationSeconds: { video: 3.5, audio: 5 } }) });
  dir = await mkdtemp(join(tmpdir(), 'process-media-files-'));
});

afterAll(async () => {
  await h?.stop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

async function processed(file: string, declared: { contentType: string; kind: 'audio' | 'video' | 'image' }): Promise<UploadRecord> {
  const uploadId = await h.upload(file, declared);
  expect(await h.deliver(uploadId)).toEqual({ batchItemFailures: [] });
  return h.record(uploadId);
}

async function text(url: string): Promise<string> {
  const response = await fetch(url);
  expect(response.status).toBe(200);
  return response.text();
}

interface Variant {
  attributes: string;
  uri: string;
}

function variantsOf(master: string): Variant[] {
  const lines = master.trim().split('\n');
  return lines.flatMap((line, i) => (line.startsWith('#EXT-X-STREAM-INF:') ? [{ attributes: line, uri: lines[i + 1] ?? '' }] : []));
}

/** Width, height and duration of a rendition as ffprobe reads it over HTTP from its playlist. */
async function probeRendition(url: string) {
  const probe = await ffprobeJson(url, '-show_entries', 'stream=codec_type,codec_name,profile,level,width,height:format=duration');
  const video = probe.streams.find((s: { codec_type: string }) => s.codec_type === 'video');
  const audio = probe.streams.find((s: { codec_type: string }) => s.codec_type === 'audio');
  return {
    width: video?.width,
    height: video?.height,
    profile: video?.profile,
    level: video?.level,
    audio: audio?.codec_name,
    duration: Number(probe.format.duration),
  };
}

describe('processing a landscape video', () => {
  let record: UploadRecord;
  beforeAll(async () => {
    record = await processed(await makeVideo(join(dir, 'landscape.mp4'), { width: 640, height: 360, seconds: 3 }), MP4);
  });

  it('ends ready with the probed facts and one rendition per rung up to 360p', () => {
    expect(record.status).toBe('ready');
    expect(record.progress).toBeUndefined();
    expect(record.stage).toBeUndefined();
    expect(record.media).toMatchObject({ kind: 'video', width: 640, height: 360, fps: 25, videoCodec: 'h264', audioCodec: 'aac', hasAudio: true });
    expect(record.media?.durationSeconds).toBeCloseTo(3, 1);
    expect(record.media?.renditions?.map((r) => `${r.width}x${r.height} ${r.codecs}`)).toEqual([
      '426x240 avc1.64001e,mp4a.40.2',
      '640x360 avc1.64001e,mp4a.40.2',
    ]);
    expect(record.media?.hlsUrl).toBe(`${h.local.s3Endpoint}/${h.local.mediaBucket}/media/${record.uploadId}/master.m3u8`);
  });

  it('writes a master playlist whose variants state bandwidth, resolution, frame rate and codecs, and each plays at its size', async () => {
    const hlsUrl = record.media?.hlsUrl as string;
    const master = await text(hlsUrl);
    expect(master.startsWith('#EXTM3U\n#EXT-X-VERSION:3\n#EXT-X-INDEPENDENT-SEGMENTS\n')).toBe(true);
    const variants = variantsOf(master);
    // The starting variant first (360p: its cap is under 2 Mbit/s), then the rest from the smallest.
    expect(variants.map((v) => v.uri)).toEqual(['360p/index.m3u8', '240p/index.m3u8']);
    expect(variants[1]?.attributes).toMatch(
      /^#EXT-X-STREAM-INF:BANDWIDTH=\d+,AVERAGE-BANDWIDTH=\d+,RESOLUTION=426x240,FRAME-RATE=25\.000,CODECS="avc1\.64001e,mp4a\.40\.2"$/,
    );
    for (const [index, size] of [[640, 360], [426, 240]].entries()) {
      const rendition = await probeRendition(new URL(variants[index]?.uri as string, hlsUrl).href);
      // What CODECS claims (avc1.64001e: High profile, level 3.0) is what the stream holds.
      expect(rendition).toMatchObject({ width: size[0], height: size[1], profile: 'High', level: 30, audio: 'aac' });
      expect(rendition.duration).toBeGreaterThan(2.7);
      expect(rendition.duration).toBeLessThan(3.3);
    }
  });

  it('takes a JPEG poster at the top rendition size and a sprite with a WebVTT index of its cells', async () => {
    const poster = await ffprobeJson(record.media?.posterUrl as string, '-show_entries', 'stream=codec_name,width,height');
    expect(poster.streams[0]).toMatchObject({ codec_name: 'mjpeg', width: 640, height: 360 });

    const vtt = await text(record.media?.thumbnails?.vttUrl as string);
    expect(vtt).toBe(
      'WEBVTT\n\n00:00:00.000 --> 00:00:02.000\nsprite.jpg#xywh=0,0,160,90\n\n00:00:02.000 --> 00:00:03.000\nsprite.jpg#xywh=160,0,160,90\n',
    );
    const sprite = await ffprobeJson(record.media?.thumbnails?.spriteUrl as string, '-show_entries', 'stream=codec_name,width,height');
    expect(sprite.streams[0]).toMatchObject({ codec_name: 'mjpeg', width: 320, height: 90 });
  });

  it('stores each output with its content type and cache policy', async () => {
    const prefix = `media/${record.uploadId}/`;
    expect(await h.outputKeys(record.uploadId)).toEqual(
      ['240p/index.m3u8', '240p/seg_00000.ts', '360p/index.m3u8', '360p/seg_00000.ts', 'master.m3u8', 'poster.jpg', 'thumbnails/sprite.jpg', 'thumbnails/thumbnails.vtt'].map(
        (name) => prefix + name,
      ),
    );
    expect(await h.outputHeaders(`${prefix}master.m3u8`)).toMatchObject({ contentType: 'application/vnd.apple.mpegurl', cacheControl: 'public, max-age=300' });
    expect(await h.outputHeaders(`${prefix}240p/seg_00000.ts`)).toMatchObject({ contentType: 'video/mp2t', cacheControl: 'public, max-age=31536000, immutable' });
    expect(await h.outputHeaders(`${prefix}poster.jpg`)).toMatchObject({ contentType: 'image/jpeg' });
    expect(await h.outputHeaders(`${prefix}thumbnails/thumbnails.vtt`)).toMatchObject({ contentType: 'text/vtt; charset=utf-8' });
  });

  it('treats the same event delivered again as a no-op: one set of outputs, the record untouched', async () => {
    const keys = await h.outputKeys(record.uploadId);
    const master = await h.outputHeaders(`media/${record.uploadId}/master.m3u8`);
    expect(await h.deliver(record.uploadId)).toEqual({ batchItemFailures: [] });
    expect(await h.deliver(record.uploadId, 2)).toEqual({ batchItemFailures: [] });
    expect(await h.outputKeys(record.uploadId)).toEqual(keys);
    expect((await h.outputHeaders(`media/${record.uploadId}/master.m3u8`)).lastModified).toEqual(master.lastModified);
    expect(await h.record(record.uploadId)).toEqual(record);
  });
});

describe('processing other videos', () => {
  it('keeps a portrait phone video portrait: rungs by the short side, rotation applied', async () => {
    const record = await processed(await makePortraitVideo(dir, 640, 360, 3), MP4);
    expect(record.media).toMatchObject({ kind: 'video', width: 360, height: 640 });
    expect(record.media?.renditions?.map((r) => [r.width, r.height])).toEqual([
      [240, 426],
      [360, 640],
    ]);
    const top = await probeRendition(record.media?.renditions?.[1]?.url as string);
    expect(top).toMatchObject({ width: 360, height: 640 });
    const poster = await ffprobeJson(record.media?.posterUrl as string, '-show_entries', 'stream=width,height');
    expect(poster.streams[0]).toMatchObject({ width: 360, height: 640 });
  });

  it('tops an 852x478 video with a 478p rendition at its full size instead of stopping at 360p', async () => {
    const record = await processed(await makeVideo(join(dir, 'between-rungs.mp4'), { width: 852, height: 478, seconds: 2, audio: false }), MP4);
    expect(record.media?.renditions?.map((r) => [r.width, r.height])).toEqual([
      [428, 240],
      [642, 360],
      [852, 478],
    ]);
    expect(record.media?.renditions?.[2]?.url).toMatch(/\/478p\/index\.m3u8$/);
    expect(await probeRendition(record.media?.renditions?.[2]?.url as string)).toMatchObject({ width: 852, height: 478, profile: 'High' });
    const poster = await ffprobeJson(record.media?.posterUrl as string, '-show_entries', 'stream=width,height');
    expect(poster.streams[0]).toMatchObject({ width: 852, height: 478 });
  });

  it('handles a video without sound: no audio in the renditions and no mp4a in CODECS', async () => {
    const record = await processed(await makeVideo(join(dir, 'silent.mp4'), { width: 320, height: 240, seconds: 2, audio: false }), MP4);
    expect(record.media).toMatchObject({ kind: 'video', hasAudio: false, width: 320, height: 240 });
    const master = await text(record.media?.hlsUrl as string);
    expect(variantsOf(master).map((v) => v.attributes)).toEqual([expect.stringMatching(/RESOLUTION=320x240,FRAME-RATE=25\.000,CODECS="avc1\.64001e"$/)]);
    const rendition = await probeRendition(record.media?.renditions?.[0]?.url as string);
    expect(rendition).toMatchObject({ width: 320, height: 240, audio: undefined });
  });
});

describe('the poster, published before the ladder', () => {
  /**
   * Runs `whenPoster` from inside the write that puts the poster URL on the processing record:
   * `transition` awaits its state-change listeners, so the run cannot move on meanwhile.
   */
  async function deliverWatchingPoster(uploadId: string, whenPoster: (record: UploadRecord) => Promise<void>) {
    let calls = 0;
    const stop = onStateChange(async ({ record }) => {
      if (record.uploadId !== uploadId || record.status !== 'processing' || record.media?.posterUrl === undefined || calls > 0) return;
      calls += 1;
      await whenPoster(record);
    });
    try {
      expect(await h.deliver(uploadId)).toEqual({ batchItemFailures: [] });
    } finally {
      stop();
    }
    expect(calls).toBe(1);
  }

  it('serves the poster image while the upload is still processing, before any rendition exists', async () => {
    const uploadId = await h.upload(await makeVideo(join(dir, 'poster-first.mp4'), { width: 1280, height: 720, seconds: 3 }), MP4);
    const posterUrl = `${h.local.s3Endpoint}/${h.local.mediaBucket}/media/${uploadId}/poster.jpg`;
    await deliverWatchingPoster(uploadId, async (record) => {
      expect(record).toMatchObject({ stage: 'transcode', media: { kind: 'video', posterUrl } });
      const response = await fetch(posterUrl);
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toBe('image/jpeg');
      const bytes = Buffer.from(await response.arrayBuffer());
      expect([...bytes.subarray(0, 3)]).toEqual([0xff, 0xd8, 0xff]);
      expect((await h.record(uploadId)).status).toBe('processing');
      expect(await h.outputKeys(uploadId)).toEqual([`media/${uploadId}/poster.jpg`]);
    });
    const ready = await h.record(uploadId);
    expect(ready).toMatchObject({ status: 'ready', media: { posterUrl } });
    const poster = await ffprobeJson(posterUrl, '-show_entries', 'stream=codec_name,width,height');
    expect(poster.streams[0]).toMatchObject({ codec_name: 'mjpeg', width: 1280, height: 720 });
  });

  it('removes the published poster when the upload is cancelled while the ladder encodes', async () => {
    const uploadId = await h.upload(await makeVideo(join(dir, 'poster-cancel.mp4'), { width: 640, height: 360, seconds: 3 }), MP4);
    await deliverWatchingPoster(uploadId, async () => {
      expect(await h.outputKeys(uploadId)).toEqual([`media/${uploadId}/poster.jpg`]);
      await h.cancel(uploadId);
    });
    expect(await h.outputKeys(uploadId)).toEqual([]);
    expect((await h.record(uploadId)).status).toBe('cancelled');
  });
});

describe('processing audio', () => {
  it.each([
    ['an mp3', 'song.mp3', 'audio/mpeg', ['-c:a', 'libmp3lame', '-b:a', '128k'], 3],
    ['a wav', 'voice.wav', 'audio/wav', ['-c:a', 'pcm_s16le'], 2],
  ])('turns %s into AAC HLS at 128 and 64 kbit/s with a 1,000-point waveform', async (_label, name, contentType, codec, seconds) => {
    const record = await processed(await makeAudio(join(dir, name), seconds, codec), { contentType, kind: 'audio' });
    expect(record.status).toBe('ready');
    expect(record.media).toMatchObject({ kind: 'audio', hasAudio: true });
    const master = await text(record.media?.hlsUrl as string);
    const variants = variantsOf(master);
    const streamInf = expect.stringMatching(/^#EXT-X-STREAM-INF:BANDWIDTH=\d+,AVERAGE-BANDWIDTH=\d+,CODECS="mp4a\.40\.2"$/);
    expect(variants).toEqual([
      { attributes: streamInf, uri: 'audio-128k/index.m3u8' },
      { attributes: streamInf, uri: 'audio-64k/index.m3u8' },
    ]);
    const averages = variants.map((v) => Number(/AVERAGE-BANDWIDTH=(\d+)/.exec(v.attributes)?.[1]));
    // The low rendition costs about half: players on a weak link switch to it.
    expect(averages[1]).toBeLessThan((averages[0] as number) * 0.65);
    for (const variant of variants) {
      const rendition = await probeRendition(new URL(variant.uri, record.media?.hlsUrl).href);
      expect(rendition.audio).toBe('aac');
      expect(Math.abs(rendition.duration - seconds)).toBeLessThan(0.3);
    }

    const waveform = JSON.parse(await text(record.media?.waveformUrl as string));
    expect(waveform).toMatchObject({ version: 1, points: 1000, sampleRate: 8000 });
    expect(waveform.peaks).toHaveLength(1000);
    expect(Math.max(...waveform.peaks)).toBe(1);
    expect(waveform.peaks.every((peak: number) => peak >= 0 && peak <= 1)).toBe(true);
    expect(waveform.durationSeconds).toBeCloseTo(seconds, 0);
  });
});

describe('processing images', () => {
  it('makes WebP variants of a PNG at 320, 640 and its own 800 pixels wide', async () => {
    const record = await processed(await makeImage(join(dir, 'chart.png'), 800, 600), { contentType: 'image/png', kind: 'image' });
    expect(record.media).toMatchObject({ kind: 'image', width: 800, height: 600 });
    const images = record.media?.images ?? [];
    expect(images.map((i) => [i.width, i.height])).toEqual([
      [320, 240],
      [640, 480],
      [800, 600],
    ]);
    for (const image of images) {
      const probe = await ffprobeJson(image.url, '-show_entries', 'stream=codec_name,width,height');
      expect(probe.streams[0]).toMatchObject({ codec_name: 'webp', width: image.width, height: image.height });
    }
  });

  it('turns a JPEG upright by its EXIF orientation (6: a portrait phone photo stored sideways)', async () => {
    const stored = await makeImage(join(dir, 'photo-raw.jpg'), 800, 600);
    const record = await processed(await withExifOrientation(stored, join(dir, 'photo.jpg'), 6), { contentType: 'image/jpeg', kind: 'image' });
    expect(record.media).toMatchObject({ kind: 'image', width: 600, height: 800 });
    expect(record.media?.images?.map((i) => [i.width, i.height])).toEqual([
      [320, 427],
      [600, 800],
    ]);
    const probe = await ffprobeJson(record.media?.images?.[1]?.url as string, '-show_entries', 'stream=width,height');
    expect(probe.streams[0]).toMatchObject({ width: 600, height: 800 });
  });
});

describe('rejecting bad files', () => {
  async function failed(file: string, declared: { contentType: string; kind: 'audio' | 'video' | 'image' }) {
    const record = await processed(file, declared);
    expect(record.status).toBe('failed');
    expect(record.progress).toBeUndefined();
    expect(await h.outputKeys(record.uploadId)).toEqual([]);
    return record.error;
  }

  it('fails a text file renamed .mp4 as UNSUPPORTED_MEDIA', async () => {
    const file = join(dir, 'notes.mp4');
    await writeFile(file, 'These are my notes, not a video.\n'.repeat(50));
    expect(await failed(file, MP4)).toEqual({
      code: 'UNSUPPORTED_MEDIA',
      message: 'The file could not be read as audio, video or an image: it is damaged, truncated, or not a media file',
    });
  });

  it('fails an mp4 cut short before its index as UNSUPPORTED_MEDIA', async () => {
    const whole = await makeVideo(join(dir, 'whole.mp4'), { width: 320, height: 240, seconds: 2 });
    expect((await failed(await truncate(whole, join(dir, 'cut.mp4'), 0.6), MP4))?.code).toBe('UNSUPPORTED_MEDIA');
  });

  it('fails a fast-start mp4 cut in half (index intact, media missing) as TRANSCODE_FAILED', async () => {
    const whole = await makeVideo(join(dir, 'faststart.mp4'), { width: 320, height: 240, seconds: 3, faststart: true });
    const error = await failed(await truncate(whole, join(dir, 'faststart-cut.mp4'), 0.5), MP4);
    expect(error?.code).toBe('TRANSCODE_FAILED');
    expect(error?.message).toMatch(/^Only [\d.]+ s of the 3 s the file states could be decoded; it is truncated or damaged$/);
  });

  it('fails audio declared as video as UNSUPPORTED_MEDIA, saying what was found', async () => {
    const song = await makeAudio(join(dir, 'lie.mp3'), 1, ['-c:a', 'libmp3lame']);
    expect(await failed(song, MP4)).toEqual({
      code: 'UNSUPPORTED_MEDIA',
      message: 'The file was declared as video but holds audio (mp3); upload a file of the declared kind',
    });
  });

  it('fails audio that holds more than the limit but states less as TOO_LONG, reading only up to the limit', async () => {
    // No Xing header and a bitrate that drops: ffprobe estimates 2.6 s from the first frames; it holds 11 s.
    const loud = await makeAudio(join(dir, 'loud.mp3'), 1, ['-c:a', 'libmp3lame', '-b:a', '320k', '-write_xing', '0', '-id3v2_version', '0']);
    const quiet = await makeAudio(join(dir, 'quiet.mp3'), 10, ['-c:a', 'libmp3lame', '-b:a', '32k', '-write_xing', '0', '-id3v2_version', '0']);
    const file = join(dir, 'understated.mp3');
    await writeFile(file, Buffer.concat([await readFile(loud), await readFile(quiet)]));
    expect(await failed(file, { contentType: 'audio/mpeg', kind: 'audio' })).toEqual({
      code: 'TOO_LONG',
      message: 'The audio lasts longer than 5 s, the most that is accepted',
    });
  });

  it('fails a video over the duration limit as TOO_LONG', async () => {
    const long = await makeVideo(join(dir, 'long.mp4'), { width: 160, height: 90, seconds: 4 });
    expect(await failed(long, MP4)).toEqual({ code: 'TOO_LONG', message: 'The video lasts 4 s; at most 3.5 s is accepted' });
  });
});

describe('claiming', () => {
  it('processes an upload still initiated whose original is complete in S3 (the event beat complete)', async () => {
    const file = await makeAudio(join(dir, 'early.wav'), 1, ['-c:a', 'pcm_s16le']);
    const uploadId = await h.upload(file, { contentType: 'audio/wav', kind: 'audio' }, 'initiated');
    expect(await h.deliver(uploadId)).toEqual({ batchItemFailures: [] });
    const record = await h.record(uploadId);
    expect(record.status).toBe('ready');
    expect(record.pendingExpiry).toBeUndefined();
  });
});

describe('through local mode’s own event delivery', () => {
  it('processes an mp3 uploaded over the HTTP API once complete is called, and GET /uploads/{id} shows it ready', async () => {
    const song = await readFile(await makeAudio(join(dir, 'api.mp3'), 2, ['-c:a', 'libmp3lame']));
    const token = await h.local.mintToken('alice');
    const created = await callApi(h.local, 'POST', '/uploads', { token, body: { filename: 'api song.mp3', contentType: 'audio/mpeg', size: song.length } });
    expect(created.status).toBe(201);
    const { uploadId, parts } = created.body as { uploadId: string; parts: { url: string }[] };
    expect((await putPart(parts[0]?.url as string, song)).status).toBe(200);
    expect((await callApi(h.local, 'POST', `/uploads/${uploadId}/complete`, { token, body: {} })).status).toBe(200);

    await h.local.eventsIdle();
    const upload = await callApi(h.local, 'GET', `/uploads/${uploadId}`, { token });
    expect(upload.body).toMatchObject({ status: 'ready', media: { kind: 'audio', hasAudio: true } });
    expect(await h.outputKeys(uploadId)).toContain(`media/${uploadId}/waveform.json`);
  });
});
