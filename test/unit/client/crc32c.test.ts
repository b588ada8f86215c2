import { randomBytes } from 'node:crypto';
import fc from 'fast-check';
import { createCRC32 } from 'hash-wasm';
import { describe, expect, it } from 'vitest';
import { combineCrc32c, crc32c, crc32cBase64 } from '../../../client/crc32c.js';

describe('crc32c', () => {
  it('is CRC-32C (Castagnoli): the check value of "123456789" is 0xE3069283', () => {
    expect(crc32c(new TextEncoder().encode('123456789'))).toBe(0xe3069283);
  });

  it('agrees with an independent implementation (hash-wasm, which local S3 verifies with) on every length', async () => {
    const reference = await createCRC32(0x82f63b78);
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), (bytes) => {
        expect(crc32c(bytes)).toBe(Number.parseInt(reference.init().update(bytes).digest('hex'), 16));
      }),
      { numRuns: 300 },
    );
  });

  it('writes a CRC as S3 does: its four bytes big-endian in base64', () => {
    for (const crc of [0, 0xe3069283, 0xffffffff, 1, 0x80000000]) {
      const bytes = Buffer.alloc(4);
      bytes.writeUInt32BE(crc);
      expect(crc32cBase64(crc)).toBe(bytes.toString('base64'));
    }
  });

  it('combines the CRCs of two pieces into the CRC of both in a row, as S3 derives a FULL_OBJECT checksum from parts', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 5000 }), fc.integer({ min: 0, max: 5000 }), (lengthA, lengthB) => {
        const whole = randomBytes(lengthA + lengthB);
        const [a, b, both] = [crc32c(whole.subarray(0, lengthA)), crc32c(whole.subarray(lengthA)), crc32c(whole)];
        expect(combineCrc32c(a, b, lengthB)).toBe(both);
      }),
      { numRuns: 200 },
    );
  });

  it('combines across part lengths beyond 32 bits (S3 parts reach 5 GiB)', async () => {
    // Appending n zero bytes to a CRC is linear; the combine of a 5 GiB run of zeros must match
    // combining that run in two halves.
    const zerosHalf = 2.5 * 1024 ** 3;
    const crcA = 0x12345678;
    const oneStep = combineCrc32c(crcA, 0, 2 * zerosHalf);
    const twoSteps = combineCrc32c(combineCrc32c(crcA, 0, zerosHalf), 0, zerosHalf);
    expect(oneStep).toBe(twoSteps);
  });
});
