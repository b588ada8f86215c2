/** At most this many thumbnails (one 10x10 sprite); longer videos space them further apart. */
export const MAX_THUMBNAILS = 100;
/** Thumbnails are at least this far apart. */
export const MIN_THUMBNAIL_INTERVAL_SECONDS = 2;
/** Thumbnails fit in a box this size, keeping the video's shape. */
export const THUMBNAIL_BOX = 160;
export const SPRITE_COLUMNS = 10;

export interface ThumbnailPlan {
  readonly intervalSeconds: number;
  readonly width: number;
  readonly height: number;
}

export function planThumbnails(durationSeconds: number, width: number, height: number): ThumbnailPlan {
  const intervalSeconds = Math.max(MIN_THUMBNAIL_INTERVAL_SECONDS, Math.ceil(durationSeconds / MAX_THUMBNAILS));
  const scale = THUMBNAIL_BOX / Math.max(width, height);
  const even = (value: number) => Math.max(2, Math.round((value * scale) / 2) * 2);
  return { intervalSeconds, width: even(width), height: even(height) };
}

export interface SpriteGrid {
  readonly columns: number;
  readonly rows: number;
}

export function spriteGrid(count: number): SpriteGrid {
  const columns = Math.min(SPRITE_COLUMNS, Math.max(1, count));
  return { columns, rows: Math.max(1, Math.ceil(count / columns)) };
}

/**
 * The WebVTT index of a sprite: cue i covers [i x interval, (i+1) x interval), the last one
 * to the end, and points at its cell with a `#xywh=` media fragment.
 */
export function thumbnailVtt(options: {
  readonly spriteUrl: string;
  readonly count: number;
  readonly plan: ThumbnailPlan;
  readonly durationSeconds: number;
}): string {
  const { plan, count } = options;
  const { columns } = spriteGrid(count);
  const cues: string[] = [];
  for (let i = 0; i < count; i += 1) {
    const start = i * plan.intervalSeconds;
    const end = i === count - 1 ? Math.max(options.durationSeconds, start + 0.001) : (i + 1) * plan.intervalSeconds;
    const x = (i % columns) * plan.width;
    const y = Math.floor(i / columns) * plan.height;
    cues.push(`${vttTime(start)} --> ${vttTime(end)}\n${options.spriteUrl}#xywh=${x},${y},${plan.width},${plan.height}`);
  }
  return `WEBVTT\n\n${cues.join('\n\n')}\n`;
}

function vttTime(totalSeconds: number): string {
  const millis = Math.round(totalSeconds * 1000);
  const h = Math.floor(millis / 3_600_000);
  const m = Math.floor((millis % 3_600_000) / 60_000);
  const s = Math.floor((millis % 60_000) / 1000);
  const ms = millis % 1000;
  const pad = (value: number, width = 2) => String(value).padStart(width, '0');
  return `${pad(h)}:${pad(m)}:${pad(s)}.${pad(ms, 3)}`;
}
