import { describe, expect, it } from 'vitest';
import { attachmentDisposition } from '../../../../lambdas/shared/attachmentDisposition.js';

/** The name a browser that reads `filename*` saves under (RFC 5987 decoding). */
function extendedName(header: string): string {
  const value = /filename\*=UTF-8''([^;\s]*)$/.exec(header)?.[1];
  if (value === undefined) throw new Error(`no filename* in ${header}`);
  return decodeURIComponent(value);
}

/** The quoted fallback, for browsers that do not read `filename*`. */
function fallbackName(header: string): string {
  const value = /^attachment; filename="([^"]*)"; /.exec(header)?.[1];
  if (value === undefined) throw new Error(`no quoted filename in ${header}`);
  return value;
}

describe('attachmentDisposition', () => {
  it('keeps a plain ASCII name as it is, in both forms', () => {
    expect(attachmentDisposition('talk.mp4')).toBe(`attachment; filename="talk.mp4"; filename*=UTF-8''talk.mp4`);
  });

  it('encodes a non-ASCII name as UTF-8 bytes in filename* and falls back to _ for each non-ASCII character', () => {
    const header = attachmentDisposition('Grüße 東京 🎬.mov');

    expect(header).toBe(
      `attachment; filename="Gr__e __ _.mov"; filename*=UTF-8''Gr%C3%BC%C3%9Fe%20%E6%9D%B1%E4%BA%AC%20%F0%9F%8E%AC.mov`,
    );
    expect(extendedName(header)).toBe('Grüße 東京 🎬.mov');
  });

  it('keeps quotes and backslashes out of the quoted fallback and percent-encodes them (and every non attr-char) in filename*', () => {
    const header = attachmentDisposition(`say "hi"; it's 100% (done)*.mp3`);

    expect(fallbackName(header)).toBe(`say _hi_; it's 100_ (done)*.mp3`);
    expect(header).toContain(`filename*=UTF-8''say%20%22hi%22%3B%20it%27s%20100%25%20%28done%29%2A.mp3`);
    expect(extendedName(header)).toBe(`say "hi"; it's 100% (done)*.mp3`);
  });

  it('drops CR, LF and other control characters, so the header stays one line', () => {
    const header = attachmentDisposition('evil\r\nSet-Cookie: a=b\u0000\u007f\u0085.mp4');

    expect(header).not.toMatch(/[\u0000-\u001f\u007f-\u009f]/);
    expect(extendedName(header)).toBe('evilSet-Cookie: a=b.mp4');
    expect(fallbackName(header)).toBe('evilSet-Cookie: a=b.mp4');
  });

  it('replaces path separators, so the name never names a folder', () => {
    const header = attachmentDisposition('../../etc\\passwd/x.mp4');

    expect(extendedName(header)).toBe('.._.._etc_passwd_x.mp4');
    expect(fallbackName(header)).toBe('.._.._etc_passwd_x.mp4');
  });

  it.each(['', '   ', '.', '..', '\n', '\u0001 \u0002'])('names %j, which leaves no file name, "download"', (filename) => {
    expect(attachmentDisposition(filename)).toBe(`attachment; filename="download"; filename*=UTF-8''download`);
  });

  it('encodes a lone surrogate as U+FFFD instead of throwing', () => {
    const header = attachmentDisposition('a\ud800b.mp4');

    expect(extendedName(header)).toBe('a\ufffdb.mp4');
    expect(fallbackName(header)).toBe('a_b.mp4');
  });

  it('is printable ASCII throughout, for any name of up to 255 characters', () => {
    const longest = '東'.repeat(255);
    const header = attachmentDisposition(longest);

    expect(header).toMatch(/^[\u0020-\u007e]+$/);
    expect(extendedName(header)).toBe(longest);
  });
});
