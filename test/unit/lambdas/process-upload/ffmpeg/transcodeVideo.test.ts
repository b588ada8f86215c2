import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';

vi.hoisted(() => {
  process.env.UPLOADS_TABLE = 'uploads-table';
  process.env.USAGE_TABLE = 'usage-table';
});

vi.mock('../../../../../lambdas/process-upload/ffmpeg/runFfmpeg.js', () => ({ runFfmpeg: vi.fn() }));

import { ProgressReporter } from '../../../../../lambdas/process-upload/ProgressReporter.js';
import { transcodeVideo } from '../../../../../lambdas/process-upload/ffmpeg/transcodeVideo.js';
import type { WorkContext } from '../../../../../lambdas/process-upload/WorkContext.js';
import { ProcessingError } from '../../../../../lambdas/shared/errors.js';
import { DEFAULT_PROCESSING_LIMITS } from '../../../../../lambdas/process-upload/plan/processingLimits.js';
import { runFfmpeg } from '../../../../../lambdas/process-upload/ffmpeg/runFfmpeg.js';
import type { ValidMedia } from '../../../../../lambdas/process-upload/probe/validateMedia.js';

const outputDir = join(tmpdir(), `transcodeVideo-test-${process.pid}`);

const work: WorkContext = {
  uploadId: 'u1',
  source: { url: 'http://127.0.0.1:40001/9f2c', demuxer: 'mov' },
  outputDir,
  scratchDir: '/nonexistent/scratch',
  ffmpeg: '/nonexistent/ffmpeg',
  ffprobe: '/nonexistent/ffprobe',
  limits: DEFAULT_PROCESSING_LIMITS,
  progress: new ProgressReporter('u1', 'transcode'),
  earlierAttempt: false,
  timeLeftMs: () => 60_000,
  outputUrl: (path) => `https://cdn.example.com/media/u1/${path}`,
  publishNow: async () => {
    throw new Error('nothing is published here');
  },
};

function video(width: number, height: number, fps: number): ValidMedia {
  return { kind: 'video', found: 'video', formatName: 'mov', demuxer: 'mov', durationSeconds: 10, width, height, fps, rotation: 0, hasAudio: false, videoStreamIndex: 0 };
}

describe('transcodeVideo', () => {
  it('fails a picture no H.264 level can encode for good as TOO_LARGE_RESOLUTION, before running ffmpeg', async () => {
    // 8192x1080 at 60 fps: its 1080p rendition needs more macroblocks per second than level 5.2 allows.
    const error = await transcodeVideo(work, video(8192, 1080, 60)).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ProcessingError);
    expect(error).toMatchObject({
      code: 'TOO_LARGE_RESOLUTION',
      retryable: false,
      message: 'The video is 8192x1080 at 60 fps, more than H.264 can encode; a smaller picture or a lower frame rate is accepted',
    });
    expect(existsSync(outputDir)).toBe(false);
  });
});

describe('transcodeVideo, poster first', () => {
  it('publishes the poster and writes its URL onto the record before the ladder encode starts', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'transcodeVideo-poster-'));
    try {
      const steps: string[] = [];
      const progress = new ProgressReporter('u1', 'transcode');
      vi.spyOn(progress, 'reportMedia').mockImplementation(async (media) => {
        steps.push(`record ${JSON.stringify(media)}`);
      });
      vi.mocked(runFfmpeg).mockImplementation(async (args, options) => {
        steps.push(`ffmpeg ${options.step}`);
        const output = args.at(-1) as string;
        if (output.endsWith('poster.jpg')) {
          await writeFile(output, Buffer.from([0xff, 0xd8, 0xff]));
          return;
        }
        throw new ProcessingError('TRANSCODE_FAILED', 'stop here: only the order matters');
      });
      const early: WorkContext = {
        ...work,
        outputDir: join(dir, 'out'),
        scratchDir: dir,
        progress,
        publishNow: async (localPath, relativePath) => {
          steps.push(`publish ${relativePath} (${(await readFile(localPath)).length} bytes)`);
          return `https://cdn.example.com/media/u1/${relativePath}`;
        },
      };

      await expect(transcodeVideo(early, video(1280, 720, 30))).rejects.toThrow('stop here');
      expect(steps).toEqual([
        'ffmpeg the poster',
        'publish poster.jpg (3 bytes)',
        'record {"kind":"video","posterUrl":"https://cdn.example.com/media/u1/poster.jpg"}',
        'ffmpeg the video renditions',
      ]);
      // Taken at the top rendition's size, 10% in; made outside the output folder, so the final publish skips it.
      const posterArgs = vi.mocked(runFfmpeg).mock.calls[0]?.[0] ?? [];
      expect(posterArgs).toEqual(expect.arrayContaining(['-ss', '1', 'scale=1280:720,setsar=1', join(dir, 'poster.jpg')]));
      expect(existsSync(join(dir, 'out', 'poster.jpg'))).toBe(false);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
