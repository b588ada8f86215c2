import { describe, expect, it } from 'vitest';
import type { ValidMedia } from '../../../../../lambdas/process-upload/probe/validateMedia.js';
import { planVideo, renditionCodecs, topRendition, videoMediaInfo } from '../../../../../lambdas/process-upload/plan/videoPlan.js';

function video(overrides: Partial<ValidMedia> = {}): ValidMedia {
  return {
    kind: 'video',
    found: 'video',
    formatName: 'mov,mp4,m4a,3gp,3g2,mj2',
    demuxer: 'mov',
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

describe('planVideo', () => {
  it('plans the ladder, the segment and keyframe clock, the poster frame, the read limit and the thumbnail grid', () => {
    const plan = planVideo(video(), () => 1200);
    expect(plan.renditions.map((r) => r.name)).toEqual(['240p', '360p', '480p', '720p', '1080p']);
    expect(plan).toMatchObject({
      videoStreamIndex: 0,
      audioStreamIndex: 1,
      segmentSeconds: 6,
      keyframeSeconds: 2,
      posterAtSeconds: 10,
      maxSeconds: 1200,
      readLimitSeconds: 1201,
      thumbnails: { intervalSeconds: 2, width: 160, height: 90 },
    });
    expect(plan.segmentSeconds % plan.keyframeSeconds).toBe(0);
    expect(topRendition(plan).name).toBe('1080p');
  });

  it('asks the transcoder for its limit with the picture size', () => {
    const seen: [number, number][] = [];
    planVideo(video({ width: 1080, height: 1920 }), (width, height) => {
      seen.push([width, height]);
      return 60;
    });
    expect(seen).toEqual([[1080, 1920]]);
  });

  it('leaves the thumbnail grid to after the encode when the video states no length', () => {
    const plan = planVideo(video({ durationSeconds: undefined }), () => 1200);
    expect(plan.thumbnails).toBeUndefined();
    expect(plan.posterAtSeconds).toBe(0);
  });

  it('fails a video that states no picture size as UNSUPPORTED_MEDIA', () => {
    expect(() => planVideo(video({ width: undefined }), () => 1200)).toThrow(expect.objectContaining({ code: 'UNSUPPORTED_MEDIA' }));
  });
});

describe('videoMediaInfo', () => {
  it('describes the outputs with the same names whichever transcoder made them', () => {
    const plan = planVideo(video({ width: 640, height: 360 }), () => 1200);
    const info = videoMediaInfo({
      plan,
      media: video({ width: 640, height: 360 }),
      durationSeconds: 119.9996,
      measured: [
        { peakBandwidth: 500_000, averageBandwidth: 400_000 },
        { peakBandwidth: 900_000, averageBandwidth: 800_000 },
      ],
      outputUrl: (path) => `https://cdn.example.com/media/u1/${path}`,
    });
    expect(info).toMatchObject({
      kind: 'video',
      durationSeconds: 120,
      hasAudio: true,
      hlsUrl: 'https://cdn.example.com/media/u1/master.m3u8',
      posterUrl: 'https://cdn.example.com/media/u1/poster.jpg',
      thumbnails: {
        spriteUrl: 'https://cdn.example.com/media/u1/thumbnails/sprite.jpg',
        vttUrl: 'https://cdn.example.com/media/u1/thumbnails/thumbnails.vtt',
      },
    });
    expect(info.renditions).toEqual([
      { width: 426, height: 240, bandwidth: 500_000, codecs: renditionCodecs(plan.renditions[0]!, true).join(','), url: 'https://cdn.example.com/media/u1/240p/index.m3u8' },
      { width: 640, height: 360, bandwidth: 900_000, codecs: renditionCodecs(plan.renditions[1]!, true).join(','), url: 'https://cdn.example.com/media/u1/360p/index.m3u8' },
    ]);
  });
});
