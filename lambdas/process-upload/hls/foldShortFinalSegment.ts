import { appendFile, readFile, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { parseMediaPlaylist, parseTargetDuration } from './mediaPlaylist.js';

/** No segment shorter than this, unless it is the only one. */
export const MIN_SEGMENT_SECONDS = 1;

/**
 * Folds a final segment shorter than MIN_SEGMENT_SECONDS into the one before it, on disk: the
 * HLS muxer ends a rendition wherever the source ends, which for audio is often one 0.02 s AAC
 * frame alone in a segment. Such a sliver costs players a request for nothing and some stall on
 * it at the end; Apple's authoring spec wants no segment under 1 s. MPEG-TS segments of one run
 * are one stream cut in pieces (continuity counters and timestamps run on), so the sliver's
 * bytes appended to the previous segment are exactly the longer segment the muxer would have
 * written. Returns whether anything was folded. (MediaConvert does the same with
 * `MinFinalSegmentLength`.)
 */
export async function foldShortFinalSegment(playlistPath: string, minSeconds = MIN_SEGMENT_SECONDS): Promise<boolean> {
  const text = await readFile(playlistPath, 'utf8');
  const folded = playlistWithFinalSegmentFolded(text, minSeconds);
  if (!folded) return false;
  const dir = dirname(playlistPath);
  await appendFile(join(dir, folded.into), await readFile(join(dir, folded.removed)));
  await writeFile(playlistPath, folded.text);
  await rm(join(dir, folded.removed));
  return true;
}

export interface FoldedPlaylist {
  readonly text: string;
  /** URI of the segment that grows. */
  readonly into: string;
  /** URI of the sliver, no longer listed. */
  readonly removed: string;
}

/**
 * The playlist with its final segment merged into the one before, when the last is a sliver and
 * not alone: one EXTINF of their summed length, and a target duration raised if the sum rounds
 * above it (the spec requires every EXTINF, rounded, to be at most the target). Undefined when
 * there is nothing to fold.
 */
export function playlistWithFinalSegmentFolded(text: string, minSeconds = MIN_SEGMENT_SECONDS): FoldedPlaylist | undefined {
  const segments = parseMediaPlaylist(text);
  const last = segments.at(-1);
  const previous = segments.at(-2);
  if (!last || !previous || last.durationSeconds >= minSeconds) return undefined;
  const lines = text.split('\n');
  const lastUri = lines.findLastIndex((line) => line.trim() === last.uri);
  const lastInf = lines.findLastIndex((line, i) => i < lastUri && line.startsWith('#EXTINF:'));
  const previousUri = lines.findLastIndex((line, i) => i < lastInf && line.trim() === previous.uri);
  const previousInf = lines.findLastIndex((line, i) => i < previousUri && line.startsWith('#EXTINF:'));
  if (lastInf < 0 || previousInf < 0) return undefined;
  const sum = previous.durationSeconds + last.durationSeconds;
  const target = Math.max(parseTargetDuration(text) ?? 0, Math.round(sum));
  const kept = lines
    .map((line, i) => {
      if (i === previousInf) return `#EXTINF:${sum.toFixed(6)},`;
      if (line.startsWith('#EXT-X-TARGETDURATION:')) return `#EXT-X-TARGETDURATION:${target}`;
      return line;
    })
    // The sliver's EXTINF and URI lines, and any tag between them, go.
    .filter((_, i) => i < lastInf || i > lastUri);
  return { text: kept.join('\n'), into: previous.uri, removed: last.uri };
}
