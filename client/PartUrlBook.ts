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

/**
 * Hashed parts signed together ahead of their PUTs: two halve the signing requests, and with
 * parts read two ahead (`READ_AHEAD`) a pair is still signed before the first of it is needed.
 */
const AHEAD_BATCH = 2;

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
 * that request is in flight wait for it instead of asking again. A part with a checksum can only
 * be signed once it has been read and hashed (its URL signs that checksum): `signAhead` asks for
 * it then, before its PUT, together with the next hashed part, so signing overlaps with the
 * transfers and costs one request per two parts.
 */
export class PartUrlBook {
  private readonly entries = new Map<number, Entry>();
  private readonly pending = new Map<number, Promise<void>>();
  private readonly now: () => number;
  /** Hashed parts whose URLs `signAhead` has not asked for yet. */
  private readonly gathered: PartChecksum[] = [];

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
    if (this.gathered.some((part) => part.partNumber === partNumber)) this.sendGathered();
    const inFlight = this.pending.get(partNumber);
    if (inFlight) {
      await inFlight;
    } else if (checksum !== undefined) {
      await this.signBatch([{ partNumber, checksumCRC32C: checksum }]);
    } else {
      const batch = [partNumber, ...upcoming().filter((n) => n !== partNumber && !this.usableUrl(n) && !this.pending.has(n))];
      await this.signBatch(batch.slice(0, this.options.batchSize));
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
   * Has the URL of a part that was just hashed signed before the part is sent. Parts gather
   * until `AHEAD_BATCH` of them can go in one request, or until a PUT needs one of them
   * (`urlFor`). A part whose request fails learns it from `urlFor`, which throws that error.
   */
  signAhead(partNumber: number, checksum: string): void {
    if (this.usableUrl(partNumber, checksum) || this.pending.has(partNumber)) return;
    this.gathered.push({ partNumber, checksumCRC32C: checksum });
    if (this.gathered.length >= AHEAD_BATCH) this.sendGathered();
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

  private sendGathered(): void {
    while (this.gathered.length > 0) {
      // Nobody may wait for it (the upload failed meanwhile): its error then goes nowhere.
      this.signBatch(this.gathered.splice(0, this.options.batchSize)).catch(() => undefined);
    }
  }

  /** Signs `toSign`; its parts wait for this request rather than asking again. */
  private signBatch(toSign: number[] | PartChecksum[]): Promise<void> {
    const checksums = new Map(toSign.flatMap((part) => (typeof part === 'number' ? [] : [[part.partNumber, part.checksumCRC32C] as const])));
    const request = this.options
      .sign(toSign)
      .then((signed) => this.add(signed.parts, signed.partUrlsExpireAt, checksums))
      .finally(() => {
        for (const n of partNumbersOf(toSign)) if (this.pending.get(n) === request) this.pending.delete(n);
      });
    for (const n of partNumbersOf(toSign)) this.pending.set(n, request);
    return request;
  }
}

function partNumbersOf(parts: readonly number[] | readonly PartChecksum[]): number[] {
  return parts.map((part) => (typeof part === 'number' ? part : part.partNumber));
}
