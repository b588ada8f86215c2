import { describe, expect, it } from 'vitest';
import { playlistOrder } from '../../../../../lambdas/process-upload/plan/variantOrder.js';
import { planRenditions } from '../../../../../lambdas/process-upload/plan/videoLadder.js';

const names = (width: number, height: number) => {
  const renditions = planRenditions({ width, height, fps: 30 });
  return playlistOrder(renditions).map((index) => renditions[index]?.name);
};

describe('playlistOrder', () => {
  it('starts a 1080p ladder at 480p (1.4 Mbit/s), then lists the rest from the smallest up', () => {
    expect(names(1920, 1080)).toEqual(['480p', '240p', '360p', '720p', '1080p']);
  });

  it('starts a short ladder at its top when every rung is under the start cap', () => {
    expect(names(640, 360)).toEqual(['360p', '240p']);
    expect(names(320, 180)).toEqual(['180p']);
  });

  it('starts at a source rung between 480p and 720p when its cap is under 2 Mbit/s', () => {
    // 576p: 1893 kbit/s, interpolated between 480p and 720p.
    expect(names(1024, 576)).toEqual(['576p', '240p', '360p', '480p']);
  });

  it('lists every rendition exactly once', () => {
    const renditions = planRenditions({ width: 3840, height: 2160, fps: 60 });
    expect(playlistOrder(renditions).sort()).toEqual(renditions.map((_, index) => index));
  });
});
