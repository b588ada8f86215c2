import { ProcessingError } from '../../shared/errors.js';
import { FAILURE_CODES } from '../../shared/failureCodes.js';
import { imageVariantArgs, imageVariantName, planImageVariants, uprightSize } from './imageVariants.js';
import { probeImageOrientation } from '../probe/probeImageOrientation.js';
import { PROBE_TIMEOUT_MS } from '../probe/probeMedia.js';
import { runFfmpeg } from './runFfmpeg.js';
import type { ValidMedia } from '../probe/validateMedia.js';
import type { MediaInfo } from '../../shared/uploadRecord.js';
import type { WorkContext } from '../WorkContext.js';

/** Images: resized WebP variants, turned upright by the EXIF orientation, never upscaled. */
export async function resizeImage(work: WorkContext, media: ValidMedia): Promise<MediaInfo> {
  const { width: storedWidth, height: storedHeight, videoStreamIndex } = media;
  if (storedWidth === undefined || storedHeight === undefined || videoStreamIndex === undefined) {
    throw new ProcessingError(FAILURE_CODES.unsupportedMedia, 'The image states no size');
  }
  const orientation = await probeImageOrientation(work.source, {
    ffprobe: work.ffprobe,
    timeoutMs: Math.min(PROBE_TIMEOUT_MS, work.timeLeftMs()),
    signal: work.progress.signal,
  });
  const { width, height } = uprightSize(storedWidth, storedHeight, orientation);
  const variants = planImageVariants(width, height);
  await runFfmpeg(imageVariantArgs({ source: work.source, outputDir: work.outputDir, videoStreamIndex, orientation, variants }), {
    ffmpeg: work.ffmpeg,
    step: 'the image variants',
    timeoutMs: work.timeLeftMs(),
    signal: work.progress.signal,
  });
  return {
    kind: 'image',
    width,
    height,
    images: variants.map((v) => ({ width: v.width, height: v.height, url: work.outputUrl(imageVariantName(v)) })),
  };
}
