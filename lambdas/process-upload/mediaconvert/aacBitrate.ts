/** The AAC bitrates MediaConvert accepts (SDK doc of `AacSettings.Bitrate`), bits per second. */
export const AAC_BITRATES: readonly number[] = [
  6000, 8000, 10000, 12000, 14000, 16000, 20000, 24000, 28000, 32000, 40000, 48000, 56000, 64000, 80000, 96000, 112000,
  128000, 160000, 192000, 224000, 256000, 288000, 320000, 384000, 448000, 512000, 576000, 640000, 768000, 896000, 1024000,
];

/**
 * A rung's audio bitrate as `AacSettings.Bitrate`. MediaConvert takes only listed values, so a
 * ladder change to one it lacks fails here, naming it, rather than as a rejected job.
 */
export function aacBitrate(kbps: number): number {
  const bitsPerSecond = kbps * 1000;
  if (!AAC_BITRATES.includes(bitsPerSecond)) {
    throw new RangeError(`AAC bitrate ${kbps} kbit/s is not one MediaConvert accepts`);
  }
  return bitsPerSecond;
}
