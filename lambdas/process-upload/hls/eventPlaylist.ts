import type { MediaSegment } from './mediaPlaylist.js';

export interface EventPlaylistInput {
  /** Declared once and never changed while the playlist grows (RFC 8216 6.2.1). */
  readonly targetDurationSeconds: number;
  readonly segments: readonly MediaSegment[];
  /** The last write: `#EXT-X-ENDLIST`, after which nothing is added. */
  readonly ended: boolean;
}

/**
 * A media playlist of type EVENT, published while a rendition is still being encoded: it only
 * ever grows (segments appended, then `#EXT-X-ENDLIST`), which is all a server may change in a
 * published playlist. `#EXT-X-START:TIME-OFFSET=0` asks players to start at the beginning, not
 * at the live edge, where they start an EVENT playlist that has not ended.
 */
export function eventPlaylist(input: EventPlaylistInput): string {
  const lines = [
    '#EXTM3U',
    '#EXT-X-VERSION:3',
    `#EXT-X-TARGETDURATION:${input.targetDurationSeconds}`,
    '#EXT-X-MEDIA-SEQUENCE:0',
    '#EXT-X-PLAYLIST-TYPE:EVENT',
    '#EXT-X-INDEPENDENT-SEGMENTS',
    '#EXT-X-START:TIME-OFFSET=0',
    ...input.segments.flatMap((segment) => [`#EXTINF:${segment.durationSeconds.toFixed(6)},`, segment.uri]),
    ...(input.ended ? ['#EXT-X-ENDLIST'] : []),
  ];
  return `${lines.join('\n')}\n`;
}
