import { describe, expect, it } from 'vitest';
import { contentTypeFor } from '../../../client/contentTypeFor.js';

describe('contentTypeFor', () => {
  it('knows the accepted media types by extension, in any case', () => {
    expect(contentTypeFor('song.MP3')).toBe('audio/mpeg');
    expect(contentTypeFor('clip.mov')).toBe('video/quicktime');
    expect(contentTypeFor('dir.v2/photo.jpeg')).toBe('image/jpeg');
  });

  it('knows nothing of other extensions, of dot-files and of names without one', () => {
    expect(contentTypeFor('notes.txt')).toBeUndefined();
    expect(contentTypeFor('.mp3')).toBeUndefined();
    expect(contentTypeFor('README')).toBeUndefined();
    expect(contentTypeFor('trailing.')).toBeUndefined();
  });
});
