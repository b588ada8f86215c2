import { describe, expect, it } from 'vitest';
import type { MediaFacts } from '../../../../../lambdas/process-upload/probe/mediaFacts.js';
import { DEFAULT_PROCESSING_LIMITS } from '../../../../../lambdas/process-upload/plan/processingLimits.js';
import { formatDuration, validateMedia } from '../../../../../lambdas/process-upload/probe/validateMedia.js';

const video: MediaFacts = {
  kind: 'video',
  found: 'video (h264, 1920x1080)',
  formatName: 'mov,mp4,m4a,3gp,3g2,mj2',
  durationSeconds: 60,
  width: 1920,
  height: 1080,
  rotation: 0,
  hasAudio: true,
};

describe('validateMedia', () => {
  it('passes media of the declared kind within the limits, naming the demuxer later runs force', () => {
    expect(validateMedia(video, 'video', DEFAULT_PROCESSING_LIMITS)).toEqual({ ...video, demuxer: 'mov' });
  });

  it('fails a video the run could not encode in time as TOO_LONG, with the size, rate and the most accepted', () => {
    const limits = { ...DEFAULT_PROCESSING_LIMITS, maxVideoPixels: 1920 * 1080 * 30 * 600 };
    expect(() => validateMedia({ ...video, fps: 30, durationSeconds: 900 }, 'video', limits)).toThrow(
      expect.objectContaining({
        code: 'TOO_LONG',
        message: 'The video is 1920x1080 at 30 fps for 15:00: more than one processing run can encode; at that size and rate at most 10:00 is accepted',
      }),
    );
    expect(() => validateMedia({ ...video, width: 1280, height: 720, fps: 30, durationSeconds: 900 }, 'video', limits)).not.toThrow();
  });

  it('counts the rate a file states for its decoding, however implausible, against the work limit', () => {
    // 5 s of 720p stating 2000 fps: its plausible fps is unknown, but decoding it is 2000 frames a second.
    const crafted = { ...video, width: 1280, height: 720, fps: undefined, decodeFps: 2000, durationSeconds: 120 };
    expect(() => validateMedia(crafted, 'video', DEFAULT_PROCESSING_LIMITS)).toThrow(
      expect.objectContaining({ code: 'TOO_LONG', message: expect.stringMatching(/^The video is 1280x720 at 2000 fps for 2:00: more than one processing run can encode/) }),
    );
  });

  it('fails a format not accepted for the declared kind as UNSUPPORTED_MEDIA', () => {
    expect(() => validateMedia({ ...video, formatName: 'hls' }, 'video', DEFAULT_PROCESSING_LIMITS)).toThrow(
      expect.objectContaining({
        code: 'UNSUPPORTED_MEDIA',
        message: 'The file is in the hls format, which is not accepted for video; upload a file in an accepted format',
      }),
    );
    expect(() => validateMedia({ ...video, formatName: 'mpegts' }, 'video', DEFAULT_PROCESSING_LIMITS)).not.toThrow();
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
    const song = { ...video, kind: 'audio' as const, formatName: 'mp3', durationSeconds: 4 * 3600 };
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
