/**
 * Where each output of a video lives under the upload's media prefix. Both transcoders write
 * these names, so a client sees the same URLs whichever one made the outputs.
 */
export const MASTER_PLAYLIST = 'master.m3u8';
export const POSTER = 'poster.jpg';
export const SPRITE = 'thumbnails/sprite.jpg';
export const THUMBNAILS_VTT = 'thumbnails/thumbnails.vtt';

/** The media playlist of one rendition, e.g. `720p/index.m3u8`. */
export function renditionPlaylist(renditionName: string): string {
  return `${renditionName}/index.m3u8`;
}
