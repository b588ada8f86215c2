import { describe, expect, it } from 'vitest';
import { outputFps, planRenditions } from '../../../../../lambdas/shared/media/videoLadder.js';

const sizes = (width: number, height: number, fps = 30) => planRenditions({ width, height, fps }).map((r) => `${r.name} ${r.width}x${r.height}`);

describe('planRenditions', () => {
  it.each([
    [426, 240, ['240p 426x240']],
    [854, 480, ['240p 428x240', '360p 640x360', '480p 854x480']],
    [1280, 720, ['240p 426x240', '360p 640x360', '480p 854x480', '720p 1280x720']],
    [1920, 1080, ['240p 426x240', '360p 640x360', '480p 854x480', '720p 1280x720', '1080p 1920x1080']],
    [3840, 2160, ['240p 426x240', '360p 640x360', '480p 854x480', '720p 1280x720', '1080p 1920x1080']],
  ])('gives a %ix%i source every rung up to its height, never above', (width, height, expected) => {
    expect(sizes(width, height)).toEqual(expected);
  });

  it('keeps a portrait video portrait, choosing rungs by its short side', () => {
    expect(sizes(1080, 1920)).toEqual(['240p 240x426', '360p 360x640', '480p 480x854', '720p 720x1280', '1080p 1080x1920']);
  });

  it('rounds odd dimensions to even ones, as H.264 4:2:0 needs', () => {
    expect(sizes(1000, 562)).toEqual(['240p 428x240', '360p 640x360', '480p 854x480']);
  });

  it('gives a source smaller than the lowest rung one rendition at its own even size', () => {
    expect(planRenditions({ width: 175, height: 99, fps: 15 })).toEqual([
      { name: '98p', width: 174, height: 98, fps: 15, videoKbps: 400, audioKbps: 64, level: { name: '3.0', idc: 30 } },
    ]);
  });

  it('does not add a rung for a source between rungs (576p gets up to 480p)', () => {
    expect(sizes(1024, 576)).toEqual(['240p 426x240', '360p 640x360', '480p 854x480']);
  });

  it('states bitrate caps and an H.264 level that fits each rendition', () => {
    const plans = planRenditions({ width: 1920, height: 1080, fps: 60 });
    expect(plans.map((p) => [p.videoKbps, p.audioKbps, p.level.name])).toEqual([
      [400, 64, '3.0'],
      [800, 96, '3.1'],
      [1400, 128, '3.1'],
      [2800, 128, '3.2'],
      [5000, 128, '4.2'],
    ]);
  });
});

describe('outputFps', () => {
  it('keeps rates up to 60, halves faster ones until they fit, and assumes 30 when unknown', () => {
    expect(outputFps(29.97002997)).toBe(29.97);
    expect(outputFps(60)).toBe(60);
    expect(outputFps(120)).toBe(60);
    expect(outputFps(240)).toBe(60);
    expect(outputFps(90)).toBe(45);
    expect(outputFps(undefined)).toBe(30);
  });
});
