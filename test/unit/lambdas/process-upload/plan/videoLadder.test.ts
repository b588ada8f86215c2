import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { LOW_RUNG_MAX_FPS, LOW_RUNG_MAX_SHORT_SIDE, MAX_OUTPUT_FPS, outputFps, planRenditions, type RenditionPlan, rungFps, SOURCE_RUNG_MIN_GAIN, sourceRung, VIDEO_LADDER } from '../../../../../lambdas/process-upload/plan/videoLadder.js';

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

  it('rounds odd dimensions to even ones, as H.264 4:2:0 needs, never up', () => {
    expect(sizes(1000, 562)).toEqual(['240p 428x240', '360p 640x360', '480p 854x480', '562p 1000x562']);
    expect(sizes(1023, 575)).toEqual(['240p 426x240', '360p 640x360', '480p 854x480', '574p 1022x574']);
  });

  it('never makes a rendition wider or taller than an odd-sized source', () => {
    expect(planRenditions({ width: 853, height: 480 }).map((r) => `${r.width}x${r.height}`)).toEqual(['426x240', '640x360', '852x480']);
    expect(planRenditions({ width: 480, height: 853 }).at(-1)).toMatchObject({ width: 480, height: 852 });
    expect(planRenditions({ width: 1279, height: 720 }).at(-1)).toMatchObject({ width: 1278, height: 720 });
  });

  it('gives a source smaller than the lowest rung one rendition at its own even size', () => {
    expect(planRenditions({ width: 175, height: 99, fps: 15 })).toEqual([
      { name: '98p', width: 174, height: 98, fps: 15, videoKbps: 400, audioKbps: 64, level: { name: '3.0', idc: 30 } },
    ]);
  });

  it('tops a source between rungs with a rung at its own size, so it keeps its full resolution', () => {
    expect(sizes(852, 478)).toEqual(['240p 428x240', '360p 642x360', '478p 852x478']);
    expect(sizes(1024, 576)).toEqual(['240p 426x240', '360p 640x360', '480p 854x480', '576p 1024x576']);
    expect(sizes(720, 576)).toEqual(['240p 300x240', '360p 450x360', '480p 600x480', '576p 720x576']);
    expect(sizes(478, 852)).toEqual(['240p 240x428', '360p 360x642', '478p 478x852']);
  });

  it('adds no rung for a source within 10% above a rung, nor above the top rung', () => {
    expect(sizes(704, 396)).toEqual(['240p 426x240', '360p 640x360']);
    expect(sizes(938, 528)).toEqual(['240p 426x240', '360p 640x360', '480p 852x480']);
    expect(sizes(2560, 1440)).toEqual(['240p 426x240', '360p 640x360', '480p 854x480', '720p 1280x720', '1080p 1920x1080']);
  });

  it('caps the source rung between its neighbours, by pixel count, with the upper rung’s audio', () => {
    // 478 lines have 98% of the pixels 480 lines add over 360: 800 + 0.981 × 600 kbit/s.
    expect(sourceRung(478)).toEqual({ name: '478p', shortSide: 478, videoKbps: 1389, audioKbps: 128 });
    // 576 lines: 800 + 0.352 × 1400 kbit/s over 480p.
    expect(sourceRung(576)).toEqual({ name: '576p', shortSide: 576, videoKbps: 1893, audioKbps: 128 });
    expect(sourceRung(300)).toEqual({ name: '300p', shortSide: 300, videoKbps: 580, audioKbps: 96 });
    expect(planRenditions({ width: 1024, height: 576, fps: 25 }).at(-1)).toMatchObject({ videoKbps: 1893, level: { name: '3.1' } });
  });

  it('states bitrate caps and an H.264 level that fits each rendition', () => {
    const plans = planRenditions({ width: 1920, height: 1080, fps: 60 });
    expect(plans.map((p) => [p.videoKbps, p.audioKbps, p.fps, p.level.name])).toEqual([
      [400, 64, 30, '3.0'],
      [800, 96, 30, '3.0'],
      [1400, 128, 30, '3.1'],
      [2800, 128, 60, '3.2'],
      [5000, 128, 60, '4.2'],
    ]);
  });

  it('runs rungs up to 480 lines at 30 fps or less, halving a faster source so motion stays even', () => {
    const rates = (width: number, height: number, fps: number) => planRenditions({ width, height, fps }).map((r) => `${r.name}@${r.fps}`);
    expect(rates(1920, 1080, 59.94)).toEqual(['240p@29.97', '360p@29.97', '480p@29.97', '720p@59.94', '1080p@59.94']);
    expect(rates(1024, 576, 50)).toEqual(['240p@25', '360p@25', '480p@25', '576p@50']);
    expect(rates(852, 478, 60)).toEqual(['240p@30', '360p@30', '478p@30']);
    expect(rates(320, 180, 60)).toEqual(['180p@30']);
    expect(rates(1280, 720, 30)).toEqual(['240p@30', '360p@30', '480p@30', '720p@30']);
    expect(rates(1280, 720, 24)).toEqual(['240p@24', '360p@24', '480p@24', '720p@24']);
  });

  it('never raises a rung above the output rate', () => {
    expect(rungFps(240, 25)).toBe(25);
    expect(rungFps(720, 60)).toBe(60);
    expect(rungFps(480, 48)).toBe(24);
  });
});

describe('planRenditions, for any source size', () => {
  const source = fc.record({
    width: fc.integer({ min: 2, max: 8192 }),
    height: fc.integer({ min: 2, max: 8192 }),
    fps: fc.constantFrom(15, 24, 25, 29.97, 30, 50, 59.94, 60, 120),
  });
  // Sizes no H.264 level holds (very wide pictures) are refused by planRenditions; not what is checked here.
  const plannable = source.filter(({ width, height, fps }) => {
    if (Math.max(width, height) / Math.min(width, height) > 8) return false;
    try {
      planRenditions({ width, height, fps });
      return true;
    } catch (error) {
      if (error instanceof RangeError) return false;
      throw error;
    }
  });

  it('never upscales, and gives even dimensions', () => {
    fc.assert(
      fc.property(plannable, (s) => {
        for (const r of planRenditions(s)) {
          expect(r.width).toBeLessThanOrEqual(Math.max(2, s.width));
          expect(r.height).toBeLessThanOrEqual(Math.max(2, s.height));
          expect(r.width % 2).toBe(0);
          expect(r.height % 2).toBe(0);
          expect(r.fps).toBeLessThanOrEqual(Math.min(r.width, r.height) <= LOW_RUNG_MAX_SHORT_SIDE ? LOW_RUNG_MAX_FPS : MAX_OUTPUT_FPS);
        }
      }),
    );
  });

  it('lists strictly increasing rungs: size, video cap, and never less audio', () => {
    fc.assert(
      fc.property(plannable, (s) => {
        const plans = planRenditions(s);
        expect(new Set(plans.map((p) => p.name)).size).toBe(plans.length);
        for (let i = 1; i < plans.length; i++) {
          const lower = plans[i - 1] as RenditionPlan;
          const upper = plans[i] as RenditionPlan;
          expect(Math.min(upper.width, upper.height)).toBeGreaterThan(Math.min(lower.width, lower.height));
          expect(upper.videoKbps).toBeGreaterThan(lower.videoKbps);
          expect(upper.audioKbps).toBeGreaterThanOrEqual(lower.audioKbps);
        }
      }),
    );
  });

  it('keeps the short side up to the top rung, losing at most the 10% above a rung', () => {
    const top = VIDEO_LADDER.at(-1)?.shortSide ?? 0;
    fc.assert(
      fc.property(plannable, (s) => {
        const highest = planRenditions(s).at(-1);
        if (!highest) throw new Error('no renditions');
        const kept = Math.min(highest.width, highest.height);
        const shortSide = Math.min(s.width, s.height);
        // Less one line for an odd short side, rounded down to even.
        expect(kept * SOURCE_RUNG_MIN_GAIN).toBeGreaterThanOrEqual(Math.min(shortSide, top) - 1);
      }),
    );
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
