import { describe, expect, it } from 'vitest';
import type { MediaFacts } from '../../../../../lambdas/shared/media/mediaFacts.js';
import { DEFAULT_PROCESSING_LIMITS } from '../../../../../lambdas/shared/media/processingLimits.js';
import { formatDuration, validateMedia } from '../../../../../lambdas/shared/media/validateMedia.js';

const video: MediaFacts = {
  kind: 'video',
  found: 'video (h264, 1920x1080)',
  formatName: 'mp4',
  durationSeconds: 60,
  width: 1920,
  height: 1080,
  rotation: 0,
  hasAudio: true,
};

describe('validateMedia', () => {
  it('passes media of the declared kind within the limits', () => {
    expect(validateMedia(video, 'video', DEFAULT_PROCESSING_LIMITS)).toBe(video);
  });

  it('fails a kind other than declared as UNSUPPORTED_MEDIA, saying what was found', () => {
    expect(() => validateMedia({ ...video, kind: 'audio', found: 'audio (mp3)' }, 'video', DEFAULT_PROCESSING_LIMITS)).toThrow(
      expect.objectContaining({
        code: 'UNSUPPORTED_MEDIA',
        message: 'The file was declared as video but holds audio (mp3); upload a file of the declared kind',
        retryable: false,
      }),
    );
    expect(() => validateMedia({ ...video, kind: undefined, found: 'no audio, video or image' }, 'image', DEFAULT_PROCESSING_LIMITS)).toThrow(
      'The file was declared as image but holds no audio, video or image; upload a file of the declared kind',
    );
  });

  it('fails media over its kind’s duration limit as TOO_LONG', () => {
    expect(() => validateMedia({ ...video, durationSeconds: 1201 }, 'video', DEFAULT_PROCESSING_LIMITS)).toThrow(
      expect.objectContaining({ code: 'TOO_LONG', message: 'The video lasts 20:01; at most 20:00 is accepted' }),
    );
    const song = { ...video, kind: 'audio' as const, durationSeconds: 4 * 3600 };
    expect(() => validateMedia(song, 'audio', DEFAULT_PROCESSING_LIMITS)).toThrow('The audio lasts 4:00:00; at most 3:00:00 is accepted');
  });

  it('fails media over the resolution limit as TOO_LARGE_RESOLUTION', () => {
    const limits = { ...DEFAULT_PROCESSING_LIMITS, maxWidth: 3840, maxHeight: 3840 };
    expect(() => validateMedia({ ...video, width: 4096, height: 2160 }, 'video', limits)).toThrow(
      expect.objectContaining({ code: 'TOO_LARGE_RESOLUTION', message: 'The video is 4096x2160 pixels; at most 3840x3840 is accepted' }),
    );
  });

  it('lets a video without a stated duration through (the transcode enforces the limit)', () => {
    expect(validateMedia({ ...video, durationSeconds: undefined }, 'video', DEFAULT_PROCESSING_LIMITS).kind).toBe('video');
  });
});

describe('formatDuration', () => {
  it('writes seconds under a minute, then m:ss and h:mm:ss', () => {
    expect(formatDuration(3.04)).toBe('3 s');
    expect(formatDuration(12.55)).toBe('12.6 s');
    expect(formatDuration(65)).toBe('1:05');
    expect(formatDuration(3723)).toBe('1:02:03');
  });
});
