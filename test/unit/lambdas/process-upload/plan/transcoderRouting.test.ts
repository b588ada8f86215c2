import { describe, expect, it } from 'vitest';
import { DEFAULT_PROCESSING_LIMITS } from '../../../../../lambdas/process-upload/plan/processingLimits.js';
import {
  chooseTranscoder,
  DEFAULT_MEDIACONVERT_ROUTING,
  mediaConvertLimits,
  resolveMediaConvertRouting,
} from '../../../../../lambdas/process-upload/plan/transcoderRouting.js';
import { validateMedia } from '../../../../../lambdas/process-upload/probe/validateMedia.js';
import type { MediaFacts } from '../../../../../lambdas/process-upload/probe/mediaFacts.js';

function video(overrides: Partial<MediaFacts> = {}): MediaFacts {
  return {
    kind: 'video',
    found: 'video (h264, 1920x1080)',
    formatName: 'mov,mp4,m4a,3gp,3g2,mj2',
    durationSeconds: 120,
    width: 1920,
    height: 1080,
    fps: 30,
    rotation: 0,
    hasAudio: true,
    videoStreamIndex: 0,
    audioStreamIndex: 1,
    ...overrides,
  };
}

const route = (facts: MediaFacts, setting: 'auto' | 'ffmpeg' | 'mediaconvert' = 'auto') =>
  chooseTranscoder(facts, setting, DEFAULT_MEDIACONVERT_ROUTING, DEFAULT_PROCESSING_LIMITS);

describe('chooseTranscoder, auto', () => {
  it('keeps a short 1080p video on ffmpeg', () => {
    expect(route(video())).toBe('ffmpeg');
  });

  it('sends video longer than 10 minutes to MediaConvert', () => {
    expect(route(video({ durationSeconds: 600 }))).toBe('ffmpeg');
    expect(route(video({ durationSeconds: 600.5 }))).toBe('mediaconvert');
    expect(route(video({ durationSeconds: 45 * 60 }))).toBe('mediaconvert');
  });

  it('sends video whose short side is over 1080 pixels to MediaConvert, portrait or landscape', () => {
    expect(route(video({ width: 3840, height: 2160, durationSeconds: 20 }))).toBe('mediaconvert');
    expect(route(video({ width: 2160, height: 3840, durationSeconds: 20 }))).toBe('mediaconvert');
    expect(route(video({ width: 2560, height: 1080, durationSeconds: 20 }))).toBe('ffmpeg');
  });

  it('sends video one ffmpeg run could not finish to MediaConvert', () => {
    // 1080p at 240 fps for 5 minutes: inside the 10-minute line, beyond the default run's pixel budget (about 4:54).
    expect(route(video({ fps: 240, decodeFps: 240, durationSeconds: 300 }))).toBe('mediaconvert');
    expect(route(video({ fps: 240, decodeFps: 240, durationSeconds: 280 }))).toBe('ffmpeg');
  });

  it("keeps a video over the deployer's ffmpeg duration limit on ffmpeg, where it fails TOO_LONG, unless it passes the line", () => {
    const limits = { ...DEFAULT_PROCESSING_LIMITS, maxDurationSeconds: { audio: 5, video: 3.5 } };
    expect(chooseTranscoder(video({ durationSeconds: 5 }), 'auto', DEFAULT_MEDIACONVERT_ROUTING, limits)).toBe('ffmpeg');
  });

  it('keeps a video that states no length on ffmpeg, which reads only as far as a run can encode', () => {
    expect(route(video({ durationSeconds: undefined }))).toBe('ffmpeg');
  });

  it('never sends audio or images to MediaConvert', () => {
    expect(route({ ...video({ durationSeconds: 3 * 3600 }), kind: 'audio' })).toBe('ffmpeg');
    expect(route({ ...video({ width: 8000, height: 6000 }), kind: 'image' }, 'mediaconvert')).toBe('ffmpeg');
  });
});

describe('chooseTranscoder, forced', () => {
  it('sends every video to the chosen one', () => {
    expect(route(video(), 'mediaconvert')).toBe('mediaconvert');
    expect(route(video({ durationSeconds: 45 * 60, width: 3840, height: 2160 }), 'ffmpeg')).toBe('ffmpeg');
  });
});

describe('mediaConvertLimits', () => {
  it('accepts a 45-minute 4K video that the ffmpeg path refuses', () => {
    const facts = video({ width: 3840, height: 2160, durationSeconds: 45 * 60 });
    expect(() => validateMedia(facts, 'video', DEFAULT_PROCESSING_LIMITS)).toThrow(expect.objectContaining({ code: 'TOO_LONG' }));
    expect(validateMedia(facts, 'video', mediaConvertLimits(DEFAULT_PROCESSING_LIMITS, DEFAULT_MEDIACONVERT_ROUTING)).kind).toBe('video');
  });

  it('refuses video longer than its own limit, 4 hours by default', () => {
    const facts = video({ durationSeconds: 4 * 3600 + 1 });
    expect(() => validateMedia(facts, 'video', mediaConvertLimits(DEFAULT_PROCESSING_LIMITS, DEFAULT_MEDIACONVERT_ROUTING))).toThrow(
      expect.objectContaining({ code: 'TOO_LONG', message: 'The video lasts 4:00:01; at most 4:00:00 is accepted' }),
    );
  });
});

describe('resolveMediaConvertRouting', () => {
  it('merges overrides over the defaults', () => {
    expect(resolveMediaConvertRouting({ routeLongerThanSeconds: 300 })).toEqual({ ...DEFAULT_MEDIACONVERT_ROUTING, routeLongerThanSeconds: 300 });
  });

  it('names a bad field and refuses a line at or past the limit', () => {
    expect(() => resolveMediaConvertRouting({ maxDurationSeconds: -1 })).toThrow(/maxDurationSeconds is invalid/);
    expect(() => resolveMediaConvertRouting({ routeLongerThan: 5 })).toThrow('MediaConvert routing: the top level has an unknown field (routeLongerThan)');
    expect(() => resolveMediaConvertRouting({ routeLongerThanSeconds: 7200, maxDurationSeconds: 3600 })).toThrow(
      'MediaConvert routing: routeLongerThanSeconds (7200) must be below maxDurationSeconds (3600), or no video would reach MediaConvert',
    );
  });
});
