import type { MediaGrant } from './signMediaGrant.js';
import { withGrant } from './withGrant.js';

/** The line of a cue that holds its timings; the lines after it, up to a blank line, are its payload. */
const TIMING = /-->/;
/** A payload line that is one URI (a thumbnail track's `sprite.jpg#xywh=…`), not text to show. */
const SINGLE_TOKEN = /^\S+$/;

/**
 * A WebVTT thumbnail track as a player must see it under signed access: each cue's payload
 * names the sprite (`sprite.jpg#xywh=x,y,w,h`), and players fetch it by that URI, relative to the
 * track, with no query of their own, so every in-scope URI gets the grant's query (before its
 * `#xywh` fragment). Blocks without timings (the header, NOTE, STYLE, REGION) and payload lines
 * of more than one word (captions) are left as they are, as are URIs outside the grant's scope.
 * `trackUrl` is the track's own URL, which relative URIs resolve against.
 */
export function rewriteThumbnailTrack(text: string, trackUrl: string, grant: MediaGrant): string {
  let inPayload = false;
  return text
    .split('\n')
    .map((rawLine) => {
      const carriageReturn = rawLine.endsWith('\r') ? '\r' : '';
      const line = carriageReturn ? rawLine.slice(0, -1) : rawLine;
      if (line.trim() === '') {
        inPayload = false;
        return rawLine;
      }
      if (!inPayload) {
        inPayload = TIMING.test(line);
        return rawLine;
      }
      const uri = line.trim();
      if (!SINGLE_TOKEN.test(uri)) return rawLine;
      const granted = withGrant(uri, trackUrl, grant);
      return granted === undefined ? rawLine : `${granted}${carriageReturn}`;
    })
    .join('\n');
}
