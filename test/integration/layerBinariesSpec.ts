import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LayerArchitecture } from '../../layers/ffmpeg/ffmpegBuild.js';
import type { UploadRecord } from '../../lambdas/shared/uploadRecord.js';
import { hostileUploadCases } from './hostileUploadsSpec.js';
import { ffmpeg, ffprobeJson, makeAudio, makeImage, makePortraitVideo, makeVideo, truncate, withExifOrientation } from './processFixtures.js';
import { ProcessHarness } from './processHarness.js';
import { layerFfmpeg } from './support/layerFfmpeg.js';

const exec = promisify(execFile);

/**
 * The process function with exactly the binaries the Lambda layer for `arch` ships
 * (layers/ffmpeg/build.sh's build; arm64 under qemu-user-static on an x86_64 machine), with
 * S3 named `localhost` as on AWS: every command it runs (probe, orientation probe, HLS ladder,
 * HLS audio with waveform PCM, poster from MP4 and MPEG-TS, thumbnail frames and sprite from
 * piped segments, WebP variants) has to work with them, and no hostile upload may make them
 * fetch anything. Outputs are checked with the machine's ffprobe.
 *
 * Without the build (or qemu) the specs skip on a developer's machine and fail under CI, which
 * builds them first (.ci/run).
 */
export function describeLayerBinaries(arch: LayerArchitecture): void {
  const binaries = layerFfmpeg(arch);
  const missing = 'missing' in binaries ? binaries.missing : undefined;
  if (missing && process.env.CI) throw new Error(`CI needs the layer's ${arch} binaries: ${missing}`);

  describe.skipIf(missing !== undefined)(`the ${arch} layer binaries${missing ? ` (skipped: ${missing})` : ''}`, () => {
    const layer = binaries as Exclude<typeof binaries, { missing: string }>;
    const harness: { current?: ProcessHarness } = {};
    let h: ProcessHarness;
    let dir: string;

    beforeAll(async () => {
      h = await ProcessHarness.start({ FFMPEG_PATH: layer.ffmpeg, FFPROBE_PATH: layer.ffprobe });
      harness.current = h;
      dir = await mkdtemp(join(tmpdir(), `process-layer-${arch}-`));
    });

    afterAll(async () => {
      await h?.stop();
      if (dir) await rm(dir, { recursive: true, force: true });
    });

    async function processed(file: string, contentType: string, kind: 'audio' | 'video' | 'image'): Promise<UploadRecord> {
      const uploadId = await h.upload(file, { contentType, kind });
      expect(await h.deliver(uploadId)).toEqual({ batchItemFailures: [] });
      return h.record(uploadId);
    }

    async function streams(url: string): Promise<{ codec_type: string; codec_name: string; width?: number; height?: number }[]> {
      return (await ffprobeJson(url, '-show_entries', 'stream=codec_type,codec_name,width,height')).streams;
    }

    it('are one FFmpeg 7 release for both tools, built for this architecture', async () => {
      const { stdout: ffmpegVersion } = await exec(layer.ffmpeg, ['-version']);
      const { stdout: ffprobeVersion } = await exec(layer.ffprobe, ['-version']);
      const release = /^ffmpeg version (7\.\d+\.\d+-media-pipeline-[0-9a-f]{16}) /.exec(ffmpegVersion)?.[1];
      expect(release).toBeDefined();
      expect(ffprobeVersion.startsWith(`ffprobe version ${release} `)).toBe(true);
    });

    it('have no demuxer or protocol that opens other inputs', async () => {
      const { stdout: demuxers } = await exec(layer.ffmpeg, ['-hide_banner', '-demuxers']);
      const { stdout: protocols } = await exec(layer.ffmpeg, ['-hide_banner', '-protocols']);
      for (const opener of ['hls', 'dash', 'concat', 'image2', 'lavfi', 'subfile', 'data', 'tee', 'sdp', 'rtsp']) {
        expect(demuxers).not.toMatch(new RegExp(`^ D\\S*\\s+${opener}\\s`, 'm'));
      }
      expect(protocols.match(/Input:\s+([\s\S]*?)Output:/)?.[1]?.split(/\s+/).filter(Boolean).sort()).toEqual(['file', 'http', 'pipe', 'tcp']);
    });

    it('process a portrait video with sound into a rotated ladder, master playlist, poster and sprite', async () => {
      const record = await processed(await makePortraitVideo(dir, 640, 360, 3), 'video/mp4', 'video');
      expect(record.status).toBe('ready');
      expect(record.media?.renditions?.map((r) => `${r.width}x${r.height} ${r.codecs}`)).toEqual([
        '240x426 avc1.64001e,mp4a.40.2',
        '360x640 avc1.64001e,mp4a.40.2',
      ]);
      const master = await (await fetch(record.media?.hlsUrl as string)).text();
      expect(master.match(/#EXT-X-STREAM-INF:/g)).toHaveLength(2);
      for (const rendition of record.media?.renditions ?? []) {
        expect(await streams(rendition.url)).toEqual([
          expect.objectContaining({ codec_type: 'video', codec_name: 'h264', width: rendition.width, height: rendition.height }),
          expect.objectContaining({ codec_type: 'audio', codec_name: 'aac' }),
        ]);
      }
      expect(await streams(record.media?.posterUrl as string)).toEqual([expect.objectContaining({ codec_name: 'mjpeg', width: 360, height: 640 })]);
      expect(await streams(record.media?.thumbnails?.spriteUrl as string)).toEqual([
        expect.objectContaining({ codec_name: 'mjpeg', width: 180, height: 160 }),
      ]);
    });

    it('process a video without sound', async () => {
      const record = await processed(await makeVideo(join(dir, 'silent.mp4'), { width: 320, height: 240, seconds: 2, audio: false }), 'video/mp4', 'video');
      expect(record.media).toMatchObject({ hasAudio: false, renditions: [expect.objectContaining({ width: 320, height: 240, codecs: 'avc1.64001e' })] });
      expect((await streams(record.media?.renditions?.[0]?.url as string)).map((s) => s.codec_type)).toEqual(['video']);
    });

    it('process an MPEG-TS original, poster included (it has no index to seek by)', async () => {
      const source = await makeVideo(join(dir, 'for-ts.mp4'), { width: 320, height: 240, seconds: 3 });
      const ts = join(dir, 'clip.ts');
      await ffmpeg('-i', source, '-c', 'copy', ts);
      const record = await processed(ts, 'video/mp4', 'video');
      expect(record.status).toBe('ready');
      expect(await streams(record.media?.posterUrl as string)).toEqual([expect.objectContaining({ codec_name: 'mjpeg', width: 320, height: 240 })]);
    });

    it('process an mp3 into AAC HLS and a waveform', async () => {
      const record = await processed(await makeAudio(join(dir, 'song.mp3'), 3, ['-c:a', 'libmp3lame']), 'audio/mpeg', 'audio');
      expect(record.status).toBe('ready');
      expect(await streams(new URL('audio-64k/index.m3u8', record.media?.hlsUrl).href)).toEqual([expect.objectContaining({ codec_name: 'aac' })]);
      const waveform = await (await fetch(record.media?.waveformUrl as string)).json();
      expect(waveform.peaks).toHaveLength(1000);
      expect(Math.max(...waveform.peaks)).toBe(1);
    });

    it('process a PNG into WebP variants', async () => {
      const record = await processed(await makeImage(join(dir, 'picture.png'), 700, 400), 'image/png', 'image');
      expect(record.media?.images?.map((i) => [i.width, i.height])).toEqual([
        [320, 183],
        [640, 366],
        [700, 400],
      ]);
      expect(await streams(record.media?.images?.[2]?.url as string)).toEqual([expect.objectContaining({ codec_name: 'webp', width: 700, height: 400 })]);
    });

    it('process a JPEG, reading its EXIF orientation with the layer’s ffprobe', async () => {
      const stored = await makeImage(join(dir, 'raw.jpg'), 800, 600);
      const record = await processed(await withExifOrientation(stored, join(dir, 'photo.jpg'), 8), 'image/jpeg', 'image');
      expect(record.media?.images?.map((i) => [i.width, i.height])).toEqual([
        [320, 427],
        [600, 800],
      ]);
      expect(await streams(record.media?.images?.[1]?.url as string)).toEqual([expect.objectContaining({ codec_name: 'webp', width: 600, height: 800 })]);
    });

    it('fail a truncated fast-start mp4 as TRANSCODE_FAILED, publishing nothing', async () => {
      const whole = await makeVideo(join(dir, 'faststart.mp4'), { width: 320, height: 240, seconds: 3, faststart: true });
      const record = await processed(await truncate(whole, join(dir, 'cut.mp4'), 0.5), 'video/mp4', 'video');
      expect(record.error?.code).toBe('TRANSCODE_FAILED');
      expect(await h.outputKeys(record.uploadId)).toEqual([]);
    });

    hostileUploadCases(harness);
  });
}
