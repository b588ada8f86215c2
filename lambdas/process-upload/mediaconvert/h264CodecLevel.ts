import { H264CodecLevel } from '@aws-sdk/client-mediaconvert';

const KNOWN_LEVELS: ReadonlySet<string> = new Set(Object.values(H264CodecLevel));

/**
 * MediaConvert's name for a planned H.264 level: '3.1' → LEVEL_3_1, '4.0' → LEVEL_4 (a whole
 * level has no `_0`). A level MediaConvert lacks (it stops at 5.2) is refused, not left to AUTO,
 * so the level in the master playlist's CODECS is the one encoded.
 */
export function h264CodecLevel(levelName: string): H264CodecLevel {
  const match = /^(\d)\.(\d)$/.exec(levelName);
  const candidate = match ? `LEVEL_${match[1]}${match[2] === '0' ? '' : `_${match[2]}`}` : undefined;
  if (candidate === undefined || !KNOWN_LEVELS.has(candidate)) {
    throw new RangeError(`H.264 level ${JSON.stringify(levelName)} has no MediaConvert CodecLevel`);
  }
  return candidate as H264CodecLevel;
}
