import CRC32C from 'crc-32/crc32c.js';

/** CRC-32C (Castagnoli), reflected, as S3's `x-amz-checksum-crc32c` uses it. */
const CRC32C_POLYNOMIAL = 0x82f63b78;

/**
 * The CRC-32C of `bytes` as an unsigned 32-bit number. Plain JavaScript (SheetJS `crc-32`,
 * slice-by-16 tables) rather than WebAssembly (hash-wasm): it also runs where there is no
 * WebAssembly (Hermes, React Native's engine), costs the browser core about 1.3 KB gzip where
 * hash-wasm cost 3.3 KB, and Node hashes about 0.85 GB per CPU second with it (hash-wasm 1.2).
 */
export function crc32c(bytes: Uint8Array): number {
  return CRC32C.buf(bytes) >>> 0;
}

const BASE64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

/**
 * S3's text form of a CRC-32C: its four bytes, big-endian, in base64 (`AAAAAA==` for 0). Written
 * out rather than through `btoa`, which React Native's engines do not all have.
 */
export function crc32cBase64(crc: number): string {
  const bits = crc >>> 0;
  // 32 bits = five 6-bit digits and 2 bits left over, which the sixth digit carries in its top bits.
  const digits = [26, 20, 14, 8, 2].map((shift) => BASE64[(bits >>> shift) & 63]);
  return `${digits.join('')}${BASE64[(bits & 3) << 4]}==`;
}

/** `a × b` modulo the polynomial, both as reflected 32-bit polynomials (zlib's `multmodp`). */
function multiplyModP(a: number, b: number): number {
  let product = 0;
  let multiplier = b;
  for (let bit = 0x80000000; bit !== 0; bit >>>= 1) {
    if (a & bit) product ^= multiplier;
    multiplier = multiplier & 1 ? (multiplier >>> 1) ^ CRC32C_POLYNOMIAL : multiplier >>> 1;
  }
  return product >>> 0;
}

/** x^(2^k) modulo the polynomial for k = 0..31 (zlib's `x2n_table`). */
const X_POWERS: readonly number[] = (() => {
  const powers = [0x40000000];
  for (let k = 1; k < 32; k++) powers.push(multiplyModP(powers[k - 1]!, powers[k - 1]!));
  return powers;
})();

/** x^(8 × bytes) modulo the polynomial: what appending `bytes` zero bytes multiplies a CRC by. */
function shiftForBytes(bytes: number): number {
  let power = 0x80000000;
  let k = 3;
  // Division instead of shifts: a part holds up to 5 GiB, past what 32-bit shifts can count.
  for (let n = bytes; n > 0; n = Math.floor(n / 2), k++) {
    if (n % 2 === 1) power = multiplyModP(X_POWERS[k % 32]!, power);
  }
  return power;
}

/**
 * The CRC-32C of A followed by B from the CRC of A, the CRC of B and B's length, without the
 * bytes (zlib's `crc32_combine`). This is how S3 derives a multipart upload's FULL_OBJECT
 * checksum from its parts', so the client can compute the same from parts hashed in any order.
 */
export function combineCrc32c(crcA: number, crcB: number, lengthB: number): number {
  return (multiplyModP(shiftForBytes(lengthB), crcA) ^ crcB) >>> 0;
}
