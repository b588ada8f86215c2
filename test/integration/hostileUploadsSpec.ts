import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MediaKind } from '../../lambdas/shared/mediaPolicy.js';
import { ffmpeg } from './processFixtures.js';
import type { ProcessHarness } from './processHarness.js';

/** How long the canary trickles a body: one byte a second, far past any probe that would wait for it. */
const TRICKLE_SECONDS = 120;

/**
 * A loopback HTTP server that every hostile file below names. It answers anything (a media
 * segment, a manifest, a trickle of one byte a second), so a pipeline that followed a URL would
 * get something to chew on; the assertion is that it is never asked.
 */
class Canary {
  readonly requests: string[] = [];
  private constructor(private readonly server: Server) {}

  static async start(): Promise<Canary> {
    let canary: Canary | undefined;
    const server = createServer((request, response) => {
      canary?.requests.push(`${request.method} ${request.url}`);
      if (request.url?.startsWith('/trickle')) {
        response.writeHead(200, { 'content-type': 'video/mp2t' });
        let sent = 0;
        const timer = setInterval(() => {
          sent += 1;
          if (sent >= TRICKLE_SECONDS || response.destroyed) {
            clearInterval(timer);
            response.end();
            return;
          }
          response.write('G');
        }, 1000);
        response.once('close', () => clearInterval(timer));
        return;
      }
      response.writeHead(200, { 'content-type': 'text/plain' }).end('canary: the pipeline fetched a URL an upload named\n');
    });
    await new Promise<void>((listening) => server.listen(0, '127.0.0.1', listening));
    canary = new Canary(server);
    return canary;
  }

  url(path: string): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}${path}`;
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise((closed) => this.server.close(closed));
  }
}

function hlsPlaylist(segmentUrl: string): string {
  return ['#EXTM3U', '#EXT-X-VERSION:3', '#EXT-X-TARGETDURATION:10', '#EXT-X-MEDIA-SEQUENCE:0', '#EXTINF:10.0,', segmentUrl, '#EXT-X-ENDLIST', ''].join('\n');
}

function dashManifest(baseUrl: string): string {
  return `<?xml version="1.0" encoding="UTF-8"?>
<MPD xmlns="urn:mpeg:dash:schema:mpd:2011" type="static" mediaPresentationDuration="PT10S" minBufferTime="PT2S" profiles="urn:mpeg:dash:profile:isoff-on-demand:2011">
  <Period><AdaptationSet mimeType="video/mp4"><Representation id="1" bandwidth="100000" codecs="avc1.42c00d" width="320" height="240">
    <BaseURL>${baseUrl}</BaseURL><SegmentBase indexRange="0-100"/>
  </Representation></AdaptationSet></Period>
</MPD>
`;
}

interface HostileFile {
  readonly name: string;
  readonly contentType: string;
  readonly kind: MediaKind;
  readonly body: (canary: Canary, dir: string) => Promise<Buffer | string>;
}

const HOSTILE_FILES: readonly HostileFile[] = [
  { name: 'an HLS playlist uploaded as video', contentType: 'video/mp4', kind: 'video', body: async (c) => hlsPlaylist(c.url('/hls/segment.ts')) },
  { name: 'an HLS playlist uploaded as audio', contentType: 'audio/mpeg', kind: 'audio', body: async (c) => hlsPlaylist(c.url('/hls/audio.aac')) },
  { name: 'an HLS playlist naming a local file', contentType: 'video/mp4', kind: 'video', body: async () => hlsPlaylist('file:///etc/passwd') },
  { name: 'a DASH manifest', contentType: 'video/mp4', kind: 'video', body: async (c) => dashManifest(c.url('/dash/video.mp4')) },
  {
    name: 'an HLS playlist glued in front of real H.264',
    contentType: 'video/mp4',
    kind: 'video',
    body: async (c, dir) => {
      const h264 = join(dir, 'raw.h264');
      await ffmpeg('-f', 'lavfi', '-i', 'testsrc2=size=320x240:rate=25:duration=1', '-c:v', 'libx264', '-preset', 'ultrafast', '-f', 'h264', h264);
      return Buffer.concat([Buffer.from(hlsPlaylist(c.url('/polyglot/segment.ts'))), await readFile(h264)]);
    },
  },
  {
    name: 'an ffconcat list',
    contentType: 'video/mp4',
    kind: 'video',
    body: async (c) => `ffconcat version 1.0\nfile '${c.url('/concat/clip.mp4')}'\nduration 10\n`,
  },
  { name: 'a playlist whose segment trickles a byte a second', contentType: 'video/mp4', kind: 'video', body: async (c) => hlsPlaylist(c.url('/trickle/segment.ts')) },
];

/**
 * Every upload is hostile until proven otherwise. Files that are really manifests, playlists
 * or lists name URLs (here a loopback canary) for ffprobe and ffmpeg to fetch; each must end
 * `failed` with UNSUPPORTED_MEDIA, nothing published, and the canary never asked.
 */
export function hostileUploadCases(harness: { readonly current?: ProcessHarness }): void {
  describe('hostile uploads', () => {
    let canary: Canary;
    let dir: string;

    beforeAll(async () => {
      canary = await Canary.start();
      dir = await mkdtemp(join(tmpdir(), 'hostile-uploads-'));
    });

    afterAll(async () => {
      await canary?.stop();
      if (dir) await rm(dir, { recursive: true, force: true });
    });

    it.each(HOSTILE_FILES)('refuse $name as UNSUPPORTED_MEDIA, fetching nothing it names and publishing nothing', async (hostile) => {
      const h = harness.current as ProcessHarness;
      const file = join(dir, hostile.name.replace(/\W+/g, '-'));
      await writeFile(file, await hostile.body(canary, dir));
      const uploadId = await h.upload(file, { contentType: hostile.contentType, kind: hostile.kind });
      expect(await h.deliver(uploadId)).toEqual({ batchItemFailures: [] });
      const record = await h.record(uploadId);
      expect(record.status).toBe('failed');
      expect(record.error?.code).toBe('UNSUPPORTED_MEDIA');
      expect(await h.outputKeys(uploadId)).toEqual([]);
      expect(canary.requests).toEqual([]);
    });
  });
}
