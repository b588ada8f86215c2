import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { ProcessingError } from '../../shared/errors.js';
import { FAILURE_CODES } from '../../shared/failureCodes.js';
import { POSTER } from '../plan/outputNames.js';
import { topRendition, type VideoPlan } from '../plan/videoPlan.js';
import type { WorkContext } from '../WorkContext.js';
import { posterArgs } from './posterArgs.js';
import { runFfmpeg } from './runFfmpeg.js';

/**
 * Takes the poster, publishes it and writes its URL onto the record (stage `transcode`), before
 * anything else is encoded. It is made in the scratch folder, so the final publish does not
 * upload it again. A video that states no duration gets the first frame. Returns the poster's URL.
 */
export async function publishPoster(work: WorkContext, plan: VideoPlan): Promise<string> {
  const output = join(work.scratchDir, POSTER);
  await makePoster(work, output, plan);
  const posterUrl = await work.publishNow(output, POSTER);
  await work.progress.reportMedia({ kind: 'video', posterUrl });
  return posterUrl;
}

async function makePoster(work: WorkContext, output: string, plan: VideoPlan): Promise<void> {
  const size = topRendition(plan);
  const videoStreamIndex = plan.videoStreamIndex;
  const poster = (atSeconds: number) =>
    runFfmpeg(posterArgs({ source: work.source, output, videoStreamIndex, atSeconds, width: size.width, height: size.height }), {
      ffmpeg: work.ffmpeg,
      step: 'the poster',
      timeoutMs: work.timeLeftMs(),
      signal: work.progress.signal,
    });
  await poster(plan.posterAtSeconds);
  // A seek that lands past the last frame (a stated duration longer than the picture) writes nothing.
  if (!(await nonEmpty(output))) await poster(0);
  if (!(await nonEmpty(output))) throw new ProcessingError(FAILURE_CODES.transcodeFailed, 'No picture could be taken from the video for its poster');
}

async function nonEmpty(path: string): Promise<boolean> {
  try {
    return (await stat(path)).size > 0;
  } catch {
    return false;
  }
}
