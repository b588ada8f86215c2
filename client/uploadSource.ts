/** What one part PUT sends: a lazily read Blob slice, or bytes already in memory. */
export type PartBody = Blob | Uint8Array;

/**
 * Anything the client can upload from. `slice` is called only when a part is about to be
 * sent, so a source backed by a file or a Blob is never read whole into memory.
 * A `Blob`/`File` already has this shape.
 */
export interface UploadSource {
  readonly size: number;
  readonly name?: string;
  /** A MIME type; an empty string means unknown (as with a Blob). */
  readonly type?: string;
  /** The bytes in [start, end). */
  slice(start: number, end: number): PartBody | Promise<PartBody>;
}

export type UploadInput = UploadSource | ArrayBuffer | Uint8Array;

/** Wraps in-memory bytes; every other input already is a source. Views share the caller's memory. */
export function toUploadSource(input: UploadInput): UploadSource {
  if (input instanceof ArrayBuffer) return bytesSource(new Uint8Array(input));
  if (input instanceof Uint8Array) return bytesSource(input);
  return input;
}

function bytesSource(bytes: Uint8Array): UploadSource {
  return { size: bytes.byteLength, slice: (start, end) => bytes.subarray(start, end) };
}
