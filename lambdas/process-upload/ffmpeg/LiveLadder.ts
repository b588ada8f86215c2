import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { logger } from '../../shared/logger.js';
import { eventPlaylist } from '../hls/eventPlaylist.js';
import { type MediaSegment, parseMediaPlaylist } from '../hls/mediaPlaylist.js';
import { LIVE_PLAYLIST_CACHE_CONTROL } from '../plan/outputHeaders.js';
import { MASTER_PLAYLIST, renditionPlaylist } from '../plan/outputNames.js';

export interface LiveLadderOptions {
  readonly uploadId: string;
  /** Rendition folders under `outputDir`, where ffmpeg writes each `index.m3u8` and its segments. */
  readonly renditions: readonly string[];
  readonly outputDir: string;
  /** Where the growing playlists are written before they are published (never `outputDir`). */
  readonly scratchDir: string;
  /** Declared in every playlist published, and never changed (room for a folded final segment). */
  readonly targetDurationSeconds: number;
  /** The master playlist published once every rendition has a segment out. */
  readonly masterPlaylist: () => string;
  /** Publishes a file under the upload's media prefix (WorkContext.publishNow). */
  readonly publish: (localPath: string, relativePath: string, options?: { readonly cacheControl?: string }) => Promise<unknown>;
  /** Called once, after the master playlist is out: the stream plays from here on. */
  readonly onPlayable: () => Promise<void>;
  /**
   * Segments ending by this many seconds into the video are published as soon as ffmpeg lists
   * them, since no final sliver can be folded into them: the stated duration less a segment and
   * a sliver. Undefined (no stated duration): the last segment listed is always held back.
   */
  readonly publishAtOnceUntilSeconds?: number;
  /** How often ffmpeg's playlists are read. @default 1000 */
  readonly intervalMs?: number;
}

/**
 * Publishes a video's HLS while ffmpeg still encodes it, so a viewer can start watching seconds
 * after processing starts rather than when the whole ladder is done. ffmpeg (`-hls_playlist_type
 * event`) rewrites each rendition's playlist as it finishes a segment; every segment it lists is
 * complete and is published as it stands (immutable), at once while it ends well before the
 * stated end of the video, and otherwise not while it is the last one listed, because a final
 * sliver may yet be folded into it (foldShortFinalSegment). Each rendition gets
 * a growing EVENT playlist of what is out (a few seconds' cache), and once every rendition has
 * a segment out, a master playlist; then `onPlayable`. When ffmpeg writes `#EXT-X-ENDLIST`, or
 * on `stop`, it stops: the final publish writes the rest and the ended playlists.
 *
 * Publishing ahead is best effort: a failed publish stops it with a warning (the final publish
 * tries again and fails the run if S3 still refuses); a cancel stops ffmpeg through the
 * progress signal as before, and the failure path removes whatever was published.
 */
export class LiveLadder {
  private readonly published = new Map<string, MediaSegment[]>();
  private stopped = false;
  private readonly wake = new AbortController();
  private loop: Promise<void> | undefined;
  private playableNow = false;

  constructor(private readonly options: LiveLadderOptions) {
    for (const name of options.renditions) this.published.set(name, []);
  }

  /** True once any segment was published ahead: the final playlists must then stay EVENT, ended. */
  get publishedAny(): boolean {
    return [...this.published.values()].some((segments) => segments.length > 0);
  }

  get playable(): boolean {
    return this.playableNow;
  }

  start(): void {
    this.loop ??= this.run();
  }

  /** Stops polling and waits for a publish in flight, so the final publish never races it. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.wake.abort();
    await this.loop;
  }

  /** One look at ffmpeg's playlists; public so tests can step it without timers. */
  async poll(): Promise<void> {
    if (this.stopped) return;
    const { options } = this;
    let grew = false;
    for (const name of options.renditions) {
      const text = await readIfExists(join(options.outputDir, renditionPlaylist(name)));
      if (text === undefined) continue;
      if (text.includes('#EXT-X-ENDLIST')) {
        this.stopped = true;
        return;
      }
      const out = this.published.get(name) as MediaSegment[];
      const fresh = this.publishable(parseMediaPlaylist(text)).slice(out.length);
      if (fresh.length === 0) continue;
      if (fresh.some((segment) => Math.round(segment.durationSeconds) > options.targetDurationSeconds)) {
        // The declared target cannot change once published; the final publish states a larger one.
        this.stopped = true;
        logger.warn('A segment is longer than the target duration published; the rest is published when encoding ends', {
          uploadId: options.uploadId,
          rendition: name,
          targetDurationSeconds: options.targetDurationSeconds,
        });
        return;
      }
      for (const segment of fresh) {
        await options.publish(join(options.outputDir, name, segment.uri), `${name}/${segment.uri}`);
        out.push(segment);
      }
      await this.publishText(renditionPlaylist(name), eventPlaylist({ targetDurationSeconds: options.targetDurationSeconds, segments: out, ended: false }));
      grew = true;
    }
    if (grew && !this.playableNow && [...this.published.values()].every((segments) => segments.length > 0)) {
      await this.publishText(MASTER_PLAYLIST, options.masterPlaylist());
      this.playableNow = true;
      await options.onPlayable();
    }
  }

  /** Published ahead, per rendition: a final sliver must not be folded into these. */
  publishedSegments(rendition: string): readonly MediaSegment[] {
    return this.published.get(rendition) ?? [];
  }

  /**
   * The listed segments that may go out now: all but the last listed, which a final sliver may
   * yet join, unless it ends well before the stated end of the video.
   */
  private publishable(listed: readonly MediaSegment[]): readonly MediaSegment[] {
    const until = this.options.publishAtOnceUntilSeconds;
    let end = 0;
    return listed.filter((segment, i) => {
      end += segment.durationSeconds;
      return i < listed.length - 1 || (until !== undefined && end <= until);
    });
  }

  private async run(): Promise<void> {
    const interval = this.options.intervalMs ?? 1000;
    while (!this.stopped) {
      try {
        await sleep(interval, undefined, { signal: this.wake.signal });
      } catch {
        return;
      }
      try {
        await this.poll();
      } catch (error) {
        this.stopped = true;
        logger.warn('Publishing the stream while it is encoded stopped; the outputs are published when encoding ends', {
          uploadId: this.options.uploadId,
          error,
        });
      }
    }
  }

  private async publishText(relativePath: string, text: string): Promise<void> {
    const path = join(this.options.scratchDir, 'live', relativePath);
    await mkdir(join(path, '..'), { recursive: true });
    await writeFile(path, text);
    await this.options.publish(path, relativePath, { cacheControl: LIVE_PLAYLIST_CACHE_CONTROL });
  }
}

async function readIfExists(path: string): Promise<string | undefined> {
  try {
    return await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}
