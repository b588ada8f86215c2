import { afterAll, beforeAll, describe } from 'vitest';
import { hostileUploadCases } from './hostileUploadsSpec.js';
import { ProcessHarness } from './processHarness.js';

/**
 * The hostile files against the machine's ffmpeg (Debian's, which has the hls, dash and concat
 * demuxers and every protocol built in): the allow-lists on each command, not the layer's
 * smaller build, are what refuse them here. The layer's binaries meet the same files in
 * processLayerX86_64 and processLayerArm64.
 */
describe("the machine's ffmpeg", () => {
  const harness: { current?: ProcessHarness } = {};
  beforeAll(async () => {
    harness.current = await ProcessHarness.start({ FFMPEG_PATH: 'ffmpeg', FFPROBE_PATH: 'ffprobe' });
  });
  afterAll(async () => {
    await harness.current?.stop();
  });

  hostileUploadCases(harness);
});
