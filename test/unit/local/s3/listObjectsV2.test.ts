import { describe, expect, it } from 'vitest';
import { pageOfKeys } from '../../../../local/s3/listObjectsV2.js';

const KEYS = ['m/a.jpg', 'm/hls/1.ts', 'm/hls/2.ts', 'm/hls/3.ts', 'm/poster.jpg', 'm/thumbs/1.jpg'];

describe('pageOfKeys', () => {
  it('stops at maxKeys and says where the next page starts', () => {
    expect(pageOfKeys(KEYS, { prefix: 'm/', maxKeys: 2 })).toEqual({ keys: ['m/a.jpg', 'm/hls/1.ts'], commonPrefixes: [], isTruncated: true, last: 'm/hls/1.ts' });
    expect(pageOfKeys(KEYS, { prefix: 'm/', maxKeys: 2, after: 'm/poster.jpg' })).toEqual({
      keys: ['m/thumbs/1.jpg'],
      commonPrefixes: [],
      isTruncated: false,
      last: 'm/thumbs/1.jpg',
    });
  });

  it('is not truncated when the page ends exactly at the last key', () => {
    expect(pageOfKeys(KEYS, { prefix: 'm/', maxKeys: KEYS.length }).isTruncated).toBe(false);
  });

  it('resumes after every key of a common prefix a page ended on', () => {
    const first = pageOfKeys(KEYS, { prefix: 'm/', delimiter: '/', maxKeys: 2 });
    expect(first).toMatchObject({ keys: ['m/a.jpg'], commonPrefixes: ['m/hls/'], isTruncated: true, last: 'm/hls/' });

    expect(pageOfKeys(KEYS, { prefix: 'm/', delimiter: '/', maxKeys: 2, after: first.last })).toMatchObject({
      keys: ['m/poster.jpg'],
      commonPrefixes: ['m/thumbs/'],
      isTruncated: false,
    });
  });

  it('answers the common prefix of the keys after start-after', () => {
    expect(pageOfKeys(KEYS, { prefix: 'm/', delimiter: '/', maxKeys: 10, startAfter: 'm/hls/2.ts' })).toMatchObject({
      keys: ['m/poster.jpg'],
      commonPrefixes: ['m/hls/', 'm/thumbs/'],
    });
  });

  it('answers nothing, untruncated, for maxKeys 0', () => {
    expect(pageOfKeys(KEYS, { prefix: 'm/', maxKeys: 0 })).toEqual({ keys: [], commonPrefixes: [], isTruncated: false });
  });
});
