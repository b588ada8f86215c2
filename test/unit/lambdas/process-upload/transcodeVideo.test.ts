import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';

vi.hoisted(() => {
  process.env.UPLOADS_TABLE = 'uploads-table';
  process.env.USAGE_TABLE = 'usage-table';
});

import { ProgressReporter } from '../../../../lambdas/process-upload/ProgressReporter.js';
import { transcodeVideo } from '../../../../lambdas/process-upload/transcodeVideo.js';
import type { WorkContext } from '../../../../lambdas/process-upload/WorkContext.js';
import { ProcessingError } from '../../../../lambdas/shared/errors.js';
import { DEFAULT_PROCESSING_LIMITS } from '../../../../lambdas/shared/media/processingLimits.js';
import type { ValidMedia } from '../../../../lambdas/shared/media/validateMedia.js';

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
  timeLeftMs: () => 60_000,
  outputUrl: (path) => `https://cdn.example.com/media/u1/${path}`,
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
