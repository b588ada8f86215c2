import { describe, expect, it } from 'vitest';
import { outputHeaders } from '../../../../../lambdas/process-upload/plan/outputHeaders.js';

describe('outputHeaders', () => {
  it.each([
    ['media/u1/master.m3u8', 'application/vnd.apple.mpegurl', 'public, max-age=300'],
    ['media/u1/720p/seg_00001.ts', 'video/mp2t', 'public, max-age=31536000, immutable'],
    ['media/u1/poster.jpg', 'image/jpeg', 'public, max-age=31536000, immutable'],
    ['media/u1/w640.webp', 'image/webp', 'public, max-age=31536000, immutable'],
    ['media/u1/waveform.json', 'application/json', 'public, max-age=31536000, immutable'],
    ['media/u1/thumbnails/thumbnails.vtt', 'text/vtt; charset=utf-8', 'public, max-age=31536000, immutable'],
    ['media/u1/audio/seg.aac', 'audio/aac', 'public, max-age=31536000, immutable'],
    ['media/u1/v/seg.m4s', 'video/iso.segment', 'public, max-age=31536000, immutable'],
  ])('stores %s as %s with %s', (key, contentType, cacheControl) => {
    expect(outputHeaders(key)).toEqual({ contentType, cacheControl });
  });

  it('refuses a file type the pipeline does not make', () => {
    expect(() => outputHeaders('media/u1/notes.txt')).toThrow('No content type is known for output media/u1/notes.txt');
  });
});
