/** MediaConvert timecodes are `HH:MM:SS:FF`: two digits of hours at most. */
const MAX_SECONDS = 100 * 3600 - 1;

/**
 * The `EndTimecode` of an input clipping that stops reading `seconds` in (as ffmpeg's `-t`),
 * rounded up to a whole second: `FF` is a frame number, and frame 0 of the next second keeps
 * the clip from ending short of the limit. With `TimecodeSource: ZEROBASED` this counts from
 * the first frame, whatever timecode the file embeds.
 */
export function endTimecode(seconds: number): string {
  const whole = Math.ceil(seconds);
  if (!Number.isFinite(seconds) || whole <= 0 || whole > MAX_SECONDS) {
    throw new RangeError(`End time ${seconds} s is outside a timecode's 1 s to ${MAX_SECONDS} s`);
  }
  const pad = (value: number) => String(value).padStart(2, '0');
  return `${pad(Math.floor(whole / 3600))}:${pad(Math.floor((whole % 3600) / 60))}:${pad(whole % 60)}:00`;
}
