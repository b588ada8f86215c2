import { hlsOutputArgs, transcodeInputArgs } from './ffmpegCommon.js';
import type { SourceInput } from '../probe/sourceInput.js';

export interface AudioHlsInput {
  readonly source: SourceInput;
  /** Each rendition goes to `<outputDir>/<name>/index.m3u8` and its segments; the folders must exist. */
  readonly outputDir: string;
  readonly audioStreamIndex: number;
  /** Stop reading after this long (just past the duration limit, whatever the source states). */
  readonly readLimitSeconds?: number;
}

/** One AAC-LC stereo rendition of an audio upload. */
export interface AudioRendition {
  /** Folder under the upload's media prefix. */
  readonly name: string;
  readonly kbps: number;
}

/**
 * Two renditions, so players switch by bandwidth: 128 kbit/s, transparent for most listening, and
 * 64 kbit/s for mobile data and weak signal, half the bytes. Both AAC-LC, which every HLS player
 * decodes (ffmpeg's own encoder makes no HE-AAC, which would sound better at 64 kbit/s). The
 * first is the one players start with.
 */
export const AUDIO_RENDITIONS: readonly AudioRendition[] = [
  { name: 'audio-128k', kbps: 128 },
  { name: 'audio-64k', kbps: 64 },
];
export const AUDIO_SEGMENT_SECONDS = 10;
/** Sample rate of the PCM the waveform is computed from: plenty for peaks, 16 KB per second. */
export const WAVEFORM_SAMPLE_RATE = 8000;

/**
 * One ffmpeg run for audio: every HLS rendition (AAC-LC stereo, 10 s segments), and mono 16-bit
 * PCM at a low rate on file descriptor 3 for the waveform, so the original is read and decoded
 * once. A cover-art picture in the file is not mapped.
 */
export function audioHlsArgs(options: AudioHlsInput): string[] {
  const stream = `0:${options.audioStreamIndex}`;
  return [
    ...transcodeInputArgs(options.source, options.readLimitSeconds),
    ...AUDIO_RENDITIONS.flatMap((rendition) => [
      '-map', stream,
      '-c:a', 'aac',
      '-b:a', `${rendition.kbps}k`,
      '-ac', '2',
      ...hlsOutputArgs(`${options.outputDir}/${rendition.name}`, String(AUDIO_SEGMENT_SECONDS)),
    ]),
    '-map', stream,
    '-ac', '1',
    '-ar', String(WAVEFORM_SAMPLE_RATE),
    '-c:a', 'pcm_s16le',
    '-f', 's16le',
    'pipe:3',
  ];
}
