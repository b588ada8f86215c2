/**
 * The names a job's outputs get inside its folder (jobFolder.ts), as MediaConvert forms them:
 * an HLS group's `Destination` ends in a base name, the master playlist is `<base>.m3u8` and
 * each output's playlist `<base><NameModifier>.m3u8`; a frame capture output writes
 * `<base>.NNNNNNN.jpg`. The job builder sets the bases and modifiers from here and the finishing
 * step reads the files by them, so the two cannot drift apart.
 */
export const JOB_MASTER_BASENAME = 'master';
export const JOB_THUMBNAILS_FOLDER = 'thumbnails/';
export const JOB_THUMBNAIL_BASENAME = 'frame';

/** The NameModifier of a rung's output, e.g. `_720p`. */
export function jobNameModifier(renditionName: string): string {
  return `_${renditionName}`;
}

/** A rung's variant playlist as MediaConvert names it, e.g. `master_720p.m3u8`. */
export function jobRenditionPlaylist(renditionName: string): string {
  return `${JOB_MASTER_BASENAME}${jobNameModifier(renditionName)}.m3u8`;
}
