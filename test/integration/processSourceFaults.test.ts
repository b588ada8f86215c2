import { mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { measureRendition } from '../../lambdas/process-upload/hls/mediaPlaylist.js';
import { runFfmpeg } from '../../lambdas/process-upload/ffmpeg/runFfmpeg.js';
import { videoHlsArgs } from '../../lambdas/process-upload/ffmpeg/videoHlsArgs.js';
import { VIDEO_KEYFRAME_SECONDS, VIDEO_SEGMENT_SECONDS } from '../../lambdas/process-upload/plan/videoPlan.js';
import { planRenditions } from '../../lambdas/process-upload/plan/videoLadder.js';
import { makeVideo } from './processFixtures.js';
import { layerFfmpeg } from './support/layerFfmpeg.js';

/**
 * A connection S3 drops mid-read must not look like a truncated upload: ffmpeg exits 0 on a
 * reset stream with only what it had read, which the duration check would fail for good as
 * TRANSCODE_FAILED. Here a server resets every response that starts in the first half of the
 * file halfway through it, as the SourceServer does when S3's stream breaks under it.
 */
const BINARIES: [string, string][] = [["the machine's ffmpeg", 'ffmpeg']];
for (const arch of ['x86_64', 'arm64'] as const) {
  const layer = layerFfmpeg(arch);
  if ('missing' in layer) {
    if (process.env.CI) throw new Error(`CI needs the layer's ${arch} binaries: ${layer.missing}`);
  } else {
    BINARIES.push([`the ${arch} layer's ffmpeg`, layer.ffmpeg]);
  }
}

describe('reading an original over a connection that drops', () => {
  let dir: string;
  let server: Server;
  let url: string;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'process-source-faults-'));
    const data = await readFile(await makeVideo(join(dir, 'source.mp4'), { width: 160, height: 120, seconds: 20, faststart: true }));
    server = createServer((request, response) => {
      const start = Number(/^bytes=(\d+)-/.exec(request.headers.range ?? '')?.[1] ?? 0);
      const body = data.subarray(start);
      response.writeHead(request.headers.range ? 206 : 200, {
        'Content-Length': body.length,
        'Accept-Ranges': 'bytes',
        ...(request.headers.range ? { 'Content-Range': `bytes ${start}-${data.length - 1}/${data.length}` } : {}),
      });
      const cut = Math.floor(data.length / 2) - start;
      if (cut <= 0) {
        response.end(body);
        return;
      }
      response.write(body.subarray(0, cut), () => response.socket?.resetAndDestroy());
    });
    await new Promise<void>((listening) => server.listen(0, '127.0.0.1', listening));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/source.mp4`;
  });

  afterAll(async () => {
    await new Promise((closed) => server.close(closed));
    await rm(dir, { recursive: true, force: true });
  });

  it.each(BINARIES)('reconnects and encodes the whole video with %s', async (_name, ffmpeg) => {
    const outputDir = await mkdtemp(join(dir, 'out-'));
    const renditions = planRenditions({ width: 160, height: 120, fps: 25 });
    const [rendition] = renditions;
    await mkdir(join(outputDir, rendition?.name ?? ''), { recursive: true });
    const args = videoHlsArgs({
      source: { url, demuxer: 'mov' },
      outputDir,
      renditions,
      videoStreamIndex: 0,
      audioStreamIndex: 1,
      sourceFps: 25,
      segmentSeconds: VIDEO_SEGMENT_SECONDS,
      keyframeSeconds: VIDEO_KEYFRAME_SECONDS,
    });
    await runFfmpeg(args, { ffmpeg, step: 'the video renditions', timeoutMs: 120_000 });
    const playlist = join(outputDir, rendition?.name ?? '', 'index.m3u8');
    const stats = await measureRendition(playlist, await readFile(playlist, 'utf8'));
    expect(stats.durationSeconds).toBeGreaterThan(19);
  });
});
