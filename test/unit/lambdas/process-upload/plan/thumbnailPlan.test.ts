import { describe, expect, it } from 'vitest';
import { planThumbnails, spriteGrid, thumbnailVtt } from '../../../../../lambdas/process-upload/plan/thumbnailPlan.js';

describe('planThumbnails', () => {
  it('takes one every 2 s for short videos and spreads at most 100 over long ones', () => {
    expect(planThumbnails(30, 426, 240).intervalSeconds).toBe(2);
    expect(planThumbnails(600, 426, 240).intervalSeconds).toBe(6);
    expect(planThumbnails(3601, 426, 240).intervalSeconds).toBe(37);
  });

  it('fits thumbnails in 160x160 with even sides, portrait or landscape', () => {
    expect(planThumbnails(10, 426, 240)).toMatchObject({ width: 160, height: 90 });
    expect(planThumbnails(10, 240, 426)).toMatchObject({ width: 90, height: 160 });
  });
});

describe('spriteGrid', () => {
  it('lays up to 10 per row', () => {
    expect(spriteGrid(2)).toEqual({ columns: 2, rows: 1 });
    expect(spriteGrid(10)).toEqual({ columns: 10, rows: 1 });
    expect(spriteGrid(31)).toEqual({ columns: 10, rows: 4 });
  });
});

describe('thumbnailVtt', () => {
  const plan = { intervalSeconds: 2, width: 160, height: 90 };

  it('indexes the sprite in WebVTT, one cue per cell, the last running to the end', () => {
    expect(thumbnailVtt({ spriteUrl: 'sprite.jpg', count: 12, plan, durationSeconds: 23.5 })).toBe(
      [
        'WEBVTT',
        '',
        ...Array.from({ length: 11 }, (_, i) => {
          const at = (s: number) => `00:00:${String(s).padStart(2, '0')}.000`;
          return `${at(i * 2)} --> ${at(i * 2 + 2)}\nsprite.jpg#xywh=${(i % 10) * 160},${Math.floor(i / 10) * 90},160,90\n`;
        }),
        '00:00:22.000 --> 00:00:23.500\nsprite.jpg#xywh=160,90,160,90',
        '',
      ].join('\n'),
    );
  });

  it('writes hours and milliseconds in cue times', () => {
    const vtt = thumbnailVtt({ spriteUrl: 's.jpg', count: 1, plan: { intervalSeconds: 37, width: 160, height: 90 }, durationSeconds: 3723.25 });
    expect(vtt).toBe('WEBVTT\n\n00:00:00.000 --> 01:02:03.250\ns.jpg#xywh=0,0,160,90\n');
  });
});
