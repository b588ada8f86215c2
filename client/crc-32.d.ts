// crc-32 ships declarations for its CRC-32 entry only; its CRC-32C entry has the same shape.
declare module 'crc-32/crc32c.js' {
  const CRC32C: {
    /** The CRC-32C of `data` as a signed 32-bit integer; `seed` is the CRC of the bytes before `data`. */
    buf(data: Uint8Array, seed?: number): number;
  };
  export = CRC32C;
}
