import { extname } from 'node:path';

const CONTENT_TYPES: Readonly<Record<string, string>> = {
  '.m3u8': 'application/vnd.apple.mpegurl',
  '.ts': 'video/mp2t',
  '.aac': 'audio/aac',
  '.m4s': 'video/iso.segment',
  '.mp4': 'video/mp4',
  '.jpg': 'image/jpeg',
  '.webp': 'image/webp',
  '.json': 'application/json',
  '.vtt': 'text/vtt; charset=utf-8',
};

/** Outputs are written once under a server-made id and never change: caches may keep them for a year. */
export const IMMUTABLE_CACHE_CONTROL = 'public, max-age=31536000, immutable';
/**
 * Playlists are the entry points a player re-requests; a short lifetime lets a reprocessed
 * upload's new playlist reach viewers within minutes.
 */
export const PLAYLIST_CACHE_CONTROL = 'public, max-age=300';
/**
 * A playlist published while its stream is still encoded grows every few seconds: caches keep
 * it no longer than a third of a segment, so players see new segments and the end in time.
 */
export const LIVE_PLAYLIST_CACHE_CONTROL = 'public, max-age=2';

/** The headers an output is stored with; throws for a file type the pipeline does not produce. */
export function outputHeaders(key: string): { readonly contentType: string; readonly cacheControl: string } {
  const extension = extname(key).toLowerCase();
  const contentType = CONTENT_TYPES[extension];
  if (contentType === undefined) throw new RangeError(`No content type is known for output ${key}`);
  return { contentType, cacheControl: extension === '.m3u8' ? PLAYLIST_CACHE_CONTROL : IMMUTABLE_CACHE_CONTROL };
}
