import { abortErrorFor } from './retry.js';

/** A part's bytes in memory and their CRC-32C: read once, hashed, then sent (and re-sent on retry) as they are. */
export interface HashedPart {
  readonly bytes: Uint8Array;
  readonly crc: number;
}

export interface PartReadAheadOptions<Part> {
  readonly parts: readonly Part[];
  /** Reads and hashes one part. */
  readonly read: (part: Part) => Promise<HashedPart>;
  /** Called as each part is hashed, before it is taken: its URL can be signed meanwhile. */
  readonly onHashed: (part: Part, hashed: HashedPart) => void;
  /** Parts read beyond the last one taken. */
  readonly ahead: number;
  readonly signal: AbortSignal;
}

/**
 * Reads and hashes an upload's parts one at a time, in order, ahead of their PUTs, so a PUT
 * that ends finds the next part's bytes and checksum ready (and its URL signed) instead of
 * waiting for a read, a hash and a signing round trip. Parts are taken in order; taking one
 * starts the reads up to `ahead` parts past it, so the bytes held are those being sent plus at
 * most `ahead` more, whatever the file size.
 */
export class PartReadAhead<Part> {
  private readonly reads = new Map<number, Promise<HashedPart>>();
  private started = 0;
  private previous: Promise<unknown> = Promise.resolve();

  constructor(private readonly options: PartReadAheadOptions<Part>) {}

  /** The part at `index` of `parts`, read and hashed. */
  take(index: number): Promise<HashedPart> {
    this.startThrough(index + this.options.ahead);
    const read = this.reads.get(index) as Promise<HashedPart>;
    this.reads.delete(index);
    return read;
  }

  private startThrough(last: number): void {
    const { parts, signal } = this.options;
    for (; this.started <= Math.min(last, parts.length - 1); this.started++) {
      const part = parts[this.started] as Part;
      // One read at a time: reads in part order finish in part order, and hashing is CPU work
      // that would gain nothing from interleaving.
      const read = this.previous.then(() => {
        if (signal.aborted) throw abortErrorFor(signal);
        return this.options.read(part);
      });
      // A read that fails is reported by `take`; one started ahead of a failed upload is never taken.
      read.then((hashed) => this.options.onHashed(part, hashed), () => undefined);
      this.previous = read.catch(() => undefined);
      this.reads.set(this.started, read);
    }
  }
}
