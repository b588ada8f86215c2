import { describe, expect, it } from 'vitest';
import { storeEscapingName } from '../../../../local/s3/storeEscapingName.js';

describe('storeEscapingName', () => {
  it.each([
    ['/media-pipeline-uploads/../../escaped', '/media-pipeline-uploads/../../escaped'],
    ['/media-pipeline-uploads/x/../../../escaped', '/media-pipeline-uploads/x/../../../escaped'],
    ['/media-pipeline-uploads/..%2F..%2Fescaped', '/media-pipeline-uploads/../../escaped'],
    ['/media-pipeline-uploads/%2E%2E/escaped', '/media-pipeline-uploads/../escaped'],
    ['/%2E%2E/escaped', '/../escaped'],
    ['/%2e', '/.'],
    ['/media-pipeline-uploads/../x%ZZ', '/media-pipeline-uploads/../x%ZZ'],
  ])('names %s, which s3rver would resolve outside its folder', (rawPath, decoded) => {
    expect(storeEscapingName(rawPath, undefined)).toBe(decoded);
  });

  it('names a copy source with a .. segment', () => {
    expect(storeEscapingName('/media-pipeline-media/copy', '/media-pipeline-uploads/..%2F..%2Fsecret')).toBe(
      '/media-pipeline-uploads/../../secret',
    );
  });

  it.each([
    ['/media-pipeline-uploads/uploads/u-1/source'],
    ['/media-pipeline-uploads/uploads/u-1/red%20flower...jpg'],
    ['/media-pipeline-uploads/.hidden/..x/x..'],
    ['/'],
  ])('lets %s through', (rawPath) => {
    expect(storeEscapingName(rawPath, '/media-pipeline-uploads/uploads/u-1/source')).toBeUndefined();
  });
});
