/** One thumbnail of the WebVTT sprite track: when it shows, and which cell of the sprite it is. */
export interface ThumbnailCue {
  readonly start: number;
  readonly end: number;
  readonly url: string;
  readonly x: number;
  readonly y: number;
  readonly width: number;
  readonly height: number;
}

const TIMING = /^(\S+)\s+-->\s+(\S+)/;
const CELL = /^(.*)#xywh=(\d+),(\d+),(\d+),(\d+)$/;

/**
 * The cues of a thumbnail track as processing writes it (one cue per cell: a timing line, then
 * `sprite.jpg#xywh=x,y,w,h`). Relative sprite URLs resolve against the track's own URL.
 */
export function parseThumbnailCues(vtt: string, vttUrl: string): ThumbnailCue[] {
  const cues: ThumbnailCue[] = [];
  const lines = vtt.split(/\r?\n/);
  for (let index = 0; index < lines.length - 1; index += 1) {
    const timing = TIMING.exec(lines[index]!.trim());
    const cell = timing ? CELL.exec(lines[index + 1]!.trim()) : null;
    if (!timing || !cell) continue;
    cues.push({
      start: seconds(timing[1]!),
      end: seconds(timing[2]!),
      url: new URL(cell[1]!, vttUrl).href,
      x: Number(cell[2]),
      y: Number(cell[3]),
      width: Number(cell[4]),
      height: Number(cell[5]),
    });
  }
  return cues;
}

/** `hh:mm:ss.mmm` or `mm:ss.mmm` in seconds. */
function seconds(time: string): number {
  return time.split(':').reduce((total, part) => total * 60 + Number(part), 0);
}

export function cueAt(cues: readonly ThumbnailCue[], time: number): ThumbnailCue | undefined {
  return cues.find((cue) => time >= cue.start && time < cue.end) ?? cues.at(-1);
}
