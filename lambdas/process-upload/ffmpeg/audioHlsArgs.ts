import { hlsOutputArgs, transcodeInputArgs } from './ffmpegCommon.js';
import type { SourceInput } from '../probe/sourceInput.js';

export interface AudioHlsInput {
  readonly source: SourceInput;
  /** The rendition goes to `<outputDir>/<AUDIO_RENDITION>/index.m3u8` and its segments; the folder must exist. */
  readonly outputDir: string;
  readonly audioStreamIndex: number;
  /** Stop reading after this long (just past the duration limit, whatever the source states). */
  readonly readLimitSeconds?: number;
}

export const AUDIO_RENDITION = 'audio';
export const AUDIO_SEGMENT_SECONDS = 10;
export const AUDIO_KBPS = 128;
/** Sample rate of the PCM the waveform is computed from: plenty for peaks, 16 KB per second. */
export const WAVEFORM_SAMPLE_RATE = 8000;

/**
 * One ffmpeg run for audio: the HLS rendition (AAC-LC 128 kbit/s stereo, 10 s segments), and
 * mono 16-bit PCM at a low rate on file descriptor 3 for the waveform, so the original is read
 * and decoded once. A cover-art picture in the file is not mapped.
 */
export function audioHlsArgs(options: AudioHlsInput): string[] {
  const stream = `0:${options.audioStreamIndex}`;
  const dir = `${options.outputDir}/${AUDIO_RENDITION}`;
  return [
    ...transcodeInputArgs(options.source, options.readLimitSeconds),
    '-map', stream,
    '-c:a', 'aac',
    '-b:a', `${AUDIO_KBPS}k`,
    '-ac', '2',
    ...hlsOutputArgs(dir, String(AUDIO_SEGMENT_SECONDS)),
    '-map', stream,
    '-ac', '1',
    '-ar', String(WAVEFORM_SAMPLE_RATE),
    '-c:a', 'pcm_s16le',
    '-f', 's16le',
    'pipe:3',
  ];
}
