import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';

const exec = promisify(execFile);

/**
 * One fixture video and the question it puts to MediaConvert. Each is small and short, so the
 * whole check costs a few output minutes; each is generated here with ffmpeg from lavfi sources,
 * as the processing tests make theirs (test/integration/processFixtures.ts).
 */
export interface FixtureProbe {
  readonly name: string;
  readonly what: string;
  readonly width: number;
  readonly height: number;
  readonly fps: number;
  readonly seconds: number;
  readonly audio: boolean;
  /** Stored sideways with a display matrix that turns it upright, as a phone writes it. */
  readonly rotated?: true;
}

export const FIXTURE_PROBES: readonly FixtureProbe[] = [
  { name: 'landscape-1080p30', what: '1080p at 30 fps with audio: the common case', width: 1920, height: 1080, fps: 30, seconds: 8, audio: true },
  {
    name: 'portrait-rotated',
    what: 'a phone clip: 1280x720 pixels turned upright by its display matrix (top half white, bottom black when upright)',
    width: 720,
    height: 1280,
    fps: 30,
    seconds: 6,
    audio: true,
    rotated: true,
  },
  { name: 'silent', what: '720p without an audio stream', width: 1280, height: 720, fps: 30, seconds: 6, audio: false },
  { name: 'fps120', what: '720p at 120 fps (the ladder lowers the rate)', width: 1280, height: 720, fps: 120, seconds: 4, audio: true },
  { name: 'tiny-odd', what: 'a tiny picture of odd size (131x75)', width: 131, height: 75, fps: 25, seconds: 3, audio: true },
];

/** Long enough to be PROGRESSING when it is cancelled. */
export const CANCEL_PROBE: FixtureProbe = {
  name: 'cancel-progressing',
  what: '1080p30 for 60 s, cancelled while PROGRESSING',
  width: 1920,
  height: 1080,
  fps: 30,
  seconds: 60,
  audio: true,
};

/**
 * Writes the probe's video under `dir` and returns its path. The portrait clip's upright
 * picture is white above and black below, so which way up an output came out can be measured.
 */
export async function makeFixture(probe: FixtureProbe, dir: string, ffmpeg = 'ffmpeg'): Promise<string> {
  const path = join(dir, `${probe.name}.mp4`);
  const { width, height, fps, seconds } = probe;
  const audio = probe.audio ? ['-f', 'lavfi', '-i', `sine=frequency=440:duration=${seconds}`] : [];
  const audioCodec = probe.audio ? ['-c:a', 'aac', '-shortest'] : [];
  const video = ['-c:v', 'libx264', '-preset', 'ultrafast', '-pix_fmt', 'yuv420p'];
  if (!probe.rotated) {
    await run(ffmpeg, ['-f', 'lavfi', '-i', `testsrc2=size=${width}x${height}:rate=${fps}:duration=${seconds}`, ...audio, ...video, ...audioCodec, path]);
    return path;
  }
  const half = `${width}x${height / 2}`;
  const sideways = join(dir, `${probe.name}-sideways.mp4`);
  await run(ffmpeg, [
    '-f', 'lavfi', '-i', `color=white:size=${half}:rate=${fps}:duration=${seconds}`,
    '-f', 'lavfi', '-i', `color=black:size=${half}:rate=${fps}:duration=${seconds}`,
    ...(probe.audio ? ['-f', 'lavfi', '-i', `sine=frequency=440:duration=${seconds}`] : []),
    // Stored turned a quarter clockwise; the rotate tag below turns it back for display.
    '-filter_complex', '[0:v][1:v]vstack,transpose=1[v]',
    '-map', '[v]', ...(probe.audio ? ['-map', '2:a'] : []),
    ...video, ...audioCodec, sideways,
  ]);
  await run(ffmpeg, ['-i', sideways, '-c', 'copy', '-metadata:s:v:0', 'rotate=90', path]);
  return path;
}

async function run(ffmpeg: string, args: string[]): Promise<void> {
  await exec(ffmpeg, ['-hide_banner', '-loglevel', 'error', '-nostdin', '-y', ...args], { maxBuffer: 16 * 1024 * 1024 });
}
