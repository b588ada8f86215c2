/**
 * The QVBR quality target of a rendition by its lines (short side), after the MediaConvert User
 * Guide's starting values: 7 up to 480 lines, 8 up to 720, 9 above. Each rung's MaxBitrate
 * still caps what the target may spend.
 */
export function qvbrQualityLevel(width: number, height: number): number {
  const lines = Math.min(width, height);
  if (lines <= 480) return 7;
  if (lines <= 720) return 8;
  return 9;
}
