import { UploadFailedError } from './errors.js';
import type { PartChecksum, PartUrl, SignedParts } from './types.js';

interface Entry {
  readonly url: string;
  readonly expiresAtMs: number;
  /** The CRC-32C the URL signs: it takes no other bytes. */
  readonly checksum?: string;
}

/** A URL this close to its expiry is re-signed rather than used: a part PUT can take that long to start. */
const EXPIRY_MARGIN_MS = 30_000;

export interface PartUrlBookOptions {
  readonly uploadId: string;
  /** Fresh URLs for these parts (`POST /uploads/{id}/parts`), with their checksums when they have them. */
  readonly sign: (parts: number[] | PartChecksum[]) => Promise<SignedParts>;
  /** Most parts to ask for in one request (the API's per-response limit). */
  readonly batchSize: number;
  readonly now?: () => number;
}

/**
 * The presigned part URLs an upload holds. A part without a usable URL gets one on demand,
 * together with the next parts that will need one, in a single request; parts that ask while
 * that request is in flight wait for it instead of asking again. A part with a checksum asks
 * alone, once it has been read and hashed: its URL signs that checksum.
 */
export class PartUrlBook {
  private readonly entries = new Map<number, Entry>();
  private readonly pending = new Map<number, Promise<void>>();
  private readonly now: () => number;

  constructor(private readonly options: PartUrlBookOptions) {
    this.now = options.now ?? Date.now;
  }

  add(parts: readonly PartUrl[], expiresAt: string, checksums?: ReadonlyMap<number, string>): void {
    // Without a readable expiry, S3's 403 is the only signal that a URL went stale.
    const parsed = Date.parse(expiresAt);
    const expiresAtMs = Number.isNaN(parsed) ? Number.POSITIVE_INFINITY : parsed;
    for (const { partNumber, url } of parts) {
      const checksum = checksums?.get(partNumber);
      this.entries.set(partNumber, checksum === undefined ? { url, expiresAtMs } : { url, expiresAtMs, checksum });
    }
  }

  /**
   * `upcoming` lists the parts that will be sent next, so one request can sign them too.
   * `checksum` is the part's CRC-32C (base64) for an upload with checksums.
   */
  async urlFor(partNumber: number, upcoming: () => readonly number[], checksum?: string): Promise<string> {
    const usable = this.usableUrl(partNumber, checksum);
    if (usable) return usable;
    const inFlight = this.pending.get(partNumber);
    if (inFlight) {
      await inFlight;
    } else if (checksum !== undefined) {
      await this.signBatch([partNumber], [{ partNumber, checksumCRC32C: checksum }]);
    } else {
      const batch = [partNumber, ...upcoming().filter((n) => n !== partNumber && !this.usableUrl(n) && !this.pending.has(n))];
      const numbers = batch.slice(0, this.options.batchSize);
      await this.signBatch(numbers, numbers);
    }
    // Whatever the API just signed is used even if the local clock calls it stale: a skewed
    // clock must cost an extra request, not a loop. S3's 403 is the final word (`expire`).
    const entry = this.entries.get(partNumber);
    if (!entry || entry.checksum !== checksum) {
      throw new UploadFailedError('PART_URL_MISSING', `The API returned no URL for part ${partNumber}`, {
        uploadId: this.options.uploadId,
        partNumber,
      });
    }
    return entry.url;
  }

  /**
   * S3 refused this part's URL (403: expired). URLs signed in the same batch or earlier expire
   * no later, so they are dropped too and get re-signed together on their next use.
   */
  expire(partNumber: number): void {
    const refused = this.entries.get(partNumber);
    if (!refused) return;
    for (const [n, entry] of this.entries) {
      if (entry.expiresAtMs <= refused.expiresAtMs) this.entries.delete(n);
    }
  }

  private usableUrl(partNumber: number, checksum?: string): string | undefined {
    const entry = this.entries.get(partNumber);
    return entry && entry.checksum === checksum && this.now() < entry.expiresAtMs - EXPIRY_MARGIN_MS ? entry.url : undefined;
  }

  private async signBatch(partNumbers: number[], toSign: number[] | PartChecksum[]): Promise<void> {
    const checksums = new Map(toSign.flatMap((part) => (typeof part === 'number' ? [] : [[part.partNumber, part.checksumCRC32C] as const])));
    const request = this.options
      .sign(toSign)
      .then((signed) => this.add(signed.parts, signed.partUrlsExpireAt, checksums))
      .finally(() => {
        for (const n of partNumbers) this.pending.delete(n);
      });
    for (const n of partNumbers) this.pending.set(n, request);
    await request;
  }
}
