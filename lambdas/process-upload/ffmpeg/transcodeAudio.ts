import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ProcessingError } from '../../shared/errors.js';
import { AUDIO_KBPS, AUDIO_RENDITION, audioHlsArgs, WAVEFORM_SAMPLE_RATE } from './audioHlsArgs.js';
import { FAILURE_CODES } from '../../shared/failureCodes.js';
import { progressPercent } from './ffmpegProgress.js';
import { AAC_LC_CODEC } from '../plan/h264Codec.js';
import { foldShortFinalSegment } from '../hls/foldShortFinalSegment.js';
import { masterPlaylist } from '../hls/masterPlaylist.js';
import { measureRendition } from '../hls/mediaPlaylist.js';
import { runFfmpeg } from './runFfmpeg.js';
import type { ValidMedia } from '../probe/validateMedia.js';
import { WaveformPeaks } from './WaveformPeaks.js';
import type { MediaInfo } from '../../shared/uploadRecord.js';
import { checkEncodedDuration } from './checkEncodedDuration.js';
import { MASTER_PLAYLIST } from '../plan/outputNames.js';
import { READ_LIMIT_MARGIN_SECONDS } from '../plan/videoPlan.js';
import type { WorkContext } from '../WorkContext.js';

export const WAVEFORM = 'waveform.json';

/**
 * Audio: one ffmpeg run makes the HLS rendition and streams low-rate PCM for the waveform
 * peaks; a one-variant master playlist states the codec so players can check it up front.
 */
export async function transcodeAudio(work: WorkContext, media: ValidMedia): Promise<MediaInfo> {
  const { audioStreamIndex } = media;
  if (audioStreamIndex === undefined) throw new ProcessingError(FAILURE_CODES.unsupportedMedia, 'The file holds no audio stream');
  await mkdir(join(work.outputDir, AUDIO_RENDITION), { recursive: true });
  const waveform = new WaveformPeaks(WAVEFORM_SAMPLE_RATE);

  await runFfmpeg(
    audioHlsArgs({
      source: work.source,
      outputDir: work.outputDir,
      audioStreamIndex,
      readLimitSeconds: work.limits.maxDurationSeconds.audio + READ_LIMIT_MARGIN_SECONDS,
    }),
    {
      ffmpeg: work.ffmpeg,
      step: 'the audio rendition',
      timeoutMs: work.timeLeftMs(),
      signal: work.progress.signal,
      onFd3Data: (chunk) => waveform.push(chunk),
      onProgress: (p) => {
        if (media.durationSeconds !== undefined) work.progress.report(progressPercent(p.outTimeSeconds, media.durationSeconds));
      },
    },
  );

  const playlist = join(work.outputDir, AUDIO_RENDITION, 'index.m3u8');
  await foldShortFinalSegment(playlist);
  const stats = await measureRendition(playlist, await readFile(playlist, 'utf8'));
  checkEncodedDuration({
    kind: 'audio',
    statedSeconds: media.durationSeconds,
    encodedSeconds: stats.durationSeconds,
    maxSeconds: work.limits.maxDurationSeconds.audio,
  });
  await writeFile(
    join(work.outputDir, MASTER_PLAYLIST),
    masterPlaylist([
      {
        uri: `${AUDIO_RENDITION}/index.m3u8`,
        bandwidth: stats.peakBandwidth,
        averageBandwidth: stats.averageBandwidth,
        codecs: [AAC_LC_CODEC],
      },
    ]),
  );
  await writeFile(join(work.outputDir, WAVEFORM), JSON.stringify(waveform.result()));

  return {
    kind: 'audio',
    durationSeconds: Math.round((media.durationSeconds ?? stats.durationSeconds) * 1000) / 1000,
    audioCodec: media.audioCodec,
    bitrate: media.bitrate ?? AUDIO_KBPS * 1000,
    hasAudio: true,
    hlsUrl: work.outputUrl(MASTER_PLAYLIST),
    waveformUrl: work.outputUrl(WAVEFORM),
  };
}
