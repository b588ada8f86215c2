/**
 * The names a MediaConvert job writes under the upload's media prefix. The job builder sets
 * them, the emulator writes them, and the finishing code reads and replaces them with the names
 * every transcoder shares (`plan/outputNames.ts`).
 */

/** HLS destination base: MediaConvert writes the master as `master.m3u8`. */
export const HLS_BASE_NAME = 'master';
/** Frame-capture destination base, relative to the media prefix. */
export const THUMBNAIL_FRAME_BASE_NAME = 'thumbnails/frame';

/** The NameModifier of a rung's HLS output, e.g. `_720p`. */
export function rungNameModifier(rungName: string): string {
  return `_${rungName}`;
}

/** MediaConvert's variant playlist of a rung, e.g. `master_720p.m3u8`. */
export function variantPlaylist(rungName: string): string {
  return `${HLS_BASE_NAME}${rungNameModifier(rungName)}.m3u8`;
}

/** The `index`th (0-based) captured frame: `thumbnails/frame.0000000.jpg` (SDK doc: 7 digits). */
export function thumbnailFrame(index: number): string {
  return `${THUMBNAIL_FRAME_BASE_NAME}.${String(index).padStart(7, '0')}.jpg`;
}
