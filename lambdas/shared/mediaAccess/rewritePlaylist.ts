import type { MediaGrant } from './signMediaGrant.js';
import { withGrant } from './withGrant.js';

/** A `URI="…"` attribute in a tag line (EXT-X-MEDIA, EXT-X-MAP, EXT-X-I-FRAME-STREAM-INF, EXT-X-KEY, …). */
const URI_ATTRIBUTE = /(\bURI=")([^"]*)(")/g;

/**
 * The playlist as a native player must see it under signed access: every URI in it (the lines
 * that are not tags, and every `URI="…"` attribute of a tag) carries the grant's query, because
 * AVPlayer and ExoPlayer request exactly the URIs a playlist lists and add no query or cookie of
 * their own. URIs outside the grant's scope (another host, another upload) are left as they are,
 * so the signature never travels to a URL it was not made for. `playlistUrl` is the playlist's
 * own URL, which relative URIs resolve against.
 */
export function rewritePlaylist(text: string, playlistUrl: string, grant: MediaGrant): string {
  return text
    .split('\n')
    .map((rawLine) => {
      const carriageReturn = rawLine.endsWith('\r') ? '\r' : '';
      const line = carriageReturn ? rawLine.slice(0, -1) : rawLine;
      if (line.trim() === '') return rawLine;
      if (line.startsWith('#')) {
        if (!line.startsWith('#EXT')) return rawLine;
        return line.replace(URI_ATTRIBUTE, (whole, open: string, uri: string, close: string) => {
          const granted = withGrant(uri, playlistUrl, grant);
          return granted === undefined ? whole : `${open}${granted}${close}`;
        }) + carriageReturn;
      }
      const uri = line.trim();
      const granted = withGrant(uri, playlistUrl, grant);
      return granted === undefined ? rawLine : `${granted}${carriageReturn}`;
    })
    .join('\n');
}
