import { describe, expect, it } from 'vitest';
import { orientationOf } from '../../../../scripts/aws/pictureOrientation.js';

describe('orientationOf', () => {
  it('is upright when the top half is the light one', () => {
    expect(orientationOf({ topLeft: 235, topRight: 235, bottomLeft: 16, bottomRight: 16 })).toBe('upright');
  });

  it('is upside-down when the light half is below', () => {
    expect(orientationOf({ topLeft: 16, topRight: 16, bottomLeft: 235, bottomRight: 235 })).toBe('upside-down');
  });

  it('is turned when the light half is on a side (not rotated, or squeezed sideways)', () => {
    expect(orientationOf({ topLeft: 235, topRight: 16, bottomLeft: 235, bottomRight: 16 })).toBe('turned');
    expect(orientationOf({ topLeft: 16, topRight: 235, bottomLeft: 16, bottomRight: 235 })).toBe('turned');
  });

  it('is unclear when no half is clearly lighter', () => {
    expect(orientationOf({ topLeft: 120, topRight: 125, bottomLeft: 118, bottomRight: 122 })).toBe('unclear');
    expect(orientationOf({ topLeft: 235, topRight: 16, bottomLeft: 16, bottomRight: 16 })).toBe('unclear');
  });
});
