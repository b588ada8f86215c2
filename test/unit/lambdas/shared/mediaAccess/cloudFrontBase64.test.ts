import { describe, expect, it } from 'vitest';
import { fromCloudFrontBase64, toCloudFrontBase64 } from '../../../../../lambdas/shared/mediaAccess/cloudFrontBase64.js';

describe('CloudFront base64', () => {
  it('replaces +, = and / with -, _ and ~, as CloudFront expects in signed URLs', () => {
    const bytes = Buffer.from([0xfb, 0xff, 0xbf, 0x00]);
    expect(bytes.toString('base64')).toBe('+/+/AA==');
    expect(toCloudFrontBase64(bytes)).toBe('-~-~AA__');
  });

  it('reads back what it wrote', () => {
    const bytes = Buffer.from(Array.from({ length: 256 }, (_, index) => index));
    expect(fromCloudFrontBase64(toCloudFrontBase64(bytes))).toEqual(bytes);
  });

  it('refuses characters outside its alphabet (standard base64, percent escapes)', () => {
    expect(fromCloudFrontBase64('+/+/AA==')).toBeUndefined();
    expect(fromCloudFrontBase64('AA%3D')).toBeUndefined();
  });

  it('refuses every other spelling of the same bytes, so a grant has one spelling and one cache key', () => {
    // -~-~AA__ is the canonical spelling of fb ff bf 00; each of these decodes to the same bytes in Node.
    for (const variant of ['-~-~AA', '-~-~AA_', '-~-~AB__', '-~-~AD__', '-~-~AA__AA__']) {
      expect(fromCloudFrontBase64(variant), variant).toBeUndefined();
    }
  });
});
