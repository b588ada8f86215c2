import { describe, expect, it, vi } from 'vitest';
import { UploadFailedError } from '../../../client/errors.js';
import { PartUrlBook } from '../../../client/PartUrlBook.js';
import type { PartChecksum, SignedParts } from '../../../client/types.js';

const NOW = Date.parse('2025-01-01T00:00:00Z');
const LATER = '2025-01-01T00:15:00.000Z';

function bookWith(batchSize = 3) {
  let round = 0;
  const sign = vi.fn(async (parts: number[] | PartChecksum[]): Promise<SignedParts> => {
    round += 1;
    const partNumbers = parts.map((part) => (typeof part === 'number' ? part : part.partNumber));
    return { parts: partNumbers.map((partNumber) => ({ partNumber, url: `u${partNumber}-r${round}` })), partUrlsExpireAt: LATER };
  });
  return { sign, book: new PartUrlBook({ uploadId: 'up1', sign, batchSize, now: () => NOW }) };
}

describe('PartUrlBook', () => {
  it('hands out a known URL without asking the API', async () => {
    const { sign, book } = bookWith();
    book.add([{ partNumber: 1, url: 'first' }], LATER);

    await expect(book.urlFor(1, () => [])).resolves.toBe('first');
    expect(sign).not.toHaveBeenCalled();
  });

  it('signs a missing part together with the upcoming parts, up to the batch size', async () => {
    const { sign, book } = bookWith(3);

    await expect(book.urlFor(4, () => [5, 6, 7, 8])).resolves.toBe('u4-r1');
    await expect(book.urlFor(6, () => [7, 8])).resolves.toBe('u6-r1');

    expect(sign.mock.calls.map(([numbers]) => numbers)).toEqual([[4, 5, 6]]);
  });

  it('lets parts asking while a batch is in flight wait for it instead of asking again', async () => {
    const { sign, book } = bookWith(10);

    const urls = await Promise.all([book.urlFor(1, () => [2, 3]), book.urlFor(2, () => [3]), book.urlFor(3, () => [])]);

    expect(urls).toEqual(['u1-r1', 'u2-r1', 'u3-r1']);
    expect(sign).toHaveBeenCalledTimes(1);
  });

  it('re-signs a URL that is about to expire', async () => {
    const { sign, book } = bookWith();
    book.add([{ partNumber: 1, url: 'stale' }], new Date(NOW + 10_000).toISOString());

    await expect(book.urlFor(1, () => [])).resolves.toBe('u1-r1');
    expect(sign).toHaveBeenCalledWith([1]);
  });

  it('after a 403 drops the refused URL and those signed with it, keeping later ones', async () => {
    const { sign, book } = bookWith(5);
    book.add(
      [
        { partNumber: 1, url: 'old1' },
        { partNumber: 2, url: 'old2' },
      ],
      LATER,
    );
    book.add([{ partNumber: 3, url: 'newer3' }], '2025-01-01T00:30:00.000Z');

    book.expire(1);

    await expect(book.urlFor(1, () => [2, 3])).resolves.toBe('u1-r1');
    expect(sign).toHaveBeenCalledWith([1, 2]);
    await expect(book.urlFor(3, () => [])).resolves.toBe('newer3');
  });

  it('fails with PART_URL_MISSING when the API leaves the asked part out', async () => {
    const sign = vi.fn(async (): Promise<SignedParts> => ({ parts: [], partUrlsExpireAt: LATER }));
    const book = new PartUrlBook({ uploadId: 'up1', sign, batchSize: 2 });

    const error = await book.urlFor(7, () => []).catch((caught: unknown) => caught);

    expect(error).toBeInstanceOf(UploadFailedError);
    expect(error).toMatchObject({ code: 'PART_URL_MISSING', partNumber: 7, uploadId: 'up1' });
  });

  describe('signAhead (parts hashed before their turn)', () => {
    it('signs two hashed parts together, each URL signing its own checksum, before either is asked for', async () => {
      const { sign, book } = bookWith(10);

      book.signAhead(1, 'AAAAAQ==');
      expect(sign).not.toHaveBeenCalled();
      book.signAhead(2, 'AAAAAg==');

      expect(sign.mock.calls.map(([parts]) => parts)).toEqual([
        [
          { partNumber: 1, checksumCRC32C: 'AAAAAQ==' },
          { partNumber: 2, checksumCRC32C: 'AAAAAg==' },
        ],
      ]);
      await expect(Promise.all([book.urlFor(1, () => [], 'AAAAAQ=='), book.urlFor(2, () => [], 'AAAAAg==')])).resolves.toEqual(['u1-r1', 'u2-r1']);
      expect(sign).toHaveBeenCalledTimes(1);
    });

    it('sends a lone hashed part at once when its PUT asks for it', async () => {
      const { sign, book } = bookWith(10);

      book.signAhead(3, 'AAAAAw==');

      await expect(book.urlFor(3, () => [], 'AAAAAw==')).resolves.toBe('u3-r1');
      expect(sign).toHaveBeenCalledWith([{ partNumber: 3, checksumCRC32C: 'AAAAAw==' }]);
    });

    it('hands the error of a failed request ahead to the part that asks for its URL', async () => {
      const refused = new Error('signing refused');
      const sign = vi.fn(async (): Promise<SignedParts> => {
        throw refused;
      });
      const book = new PartUrlBook({ uploadId: 'up1', sign, batchSize: 10 });

      book.signAhead(1, 'AAAAAQ==');
      book.signAhead(2, 'AAAAAg==');

      await expect(book.urlFor(2, () => [], 'AAAAAg==')).rejects.toBe(refused);
      expect(sign).toHaveBeenCalledTimes(1);
    });

    it('never asks for more parts in one request than the API takes', () => {
      const { sign, book } = bookWith(1);

      book.signAhead(1, 'AAAAAQ==');
      book.signAhead(2, 'AAAAAg==');

      expect(sign.mock.calls.map(([parts]) => parts.length)).toEqual([1, 1]);
    });
  });
});
