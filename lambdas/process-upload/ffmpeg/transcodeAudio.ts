import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ProcessingError } from '../../shared/errors.js';
import { AUDIO_RENDITIONS, audioHlsArgs, WAVEFORM_SAMPLE_RATE } from './audioHlsArgs.js';
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
 * Audio: one ffmpeg run makes the HLS renditions and streams low-rate PCM for the waveform
 * peaks; the master playlist lists both renditions with their measured bandwidths and the codec,
 * so players choose by bandwidth and can check the codec up front.
 */
export async function transcodeAudio(work: WorkContext, media: ValidMedia): Promise<MediaInfo> {
  const { audioStreamIndex } = media;
  if (audioStreamIndex === undefined) throw new ProcessingError(FAILURE_CODES.unsupportedMedia, 'The file holds no audio stream');
  await Promise.all(AUDIO_RENDITIONS.map((r) => mkdir(join(work.outputDir, r.name), { recursive: true })));
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
      step: 'the audio renditions',
      timeoutMs: work.timeLeftMs(),
      signal: work.progress.signal,
      onFd3Data: (chunk) => waveform.push(chunk),
      onProgress: (p) => {
        if (media.durationSeconds !== undefined) work.progress.report(progressPercent(p.outTimeSeconds, media.durationSeconds));
      },
    },
  );

  const stats = await Promise.all(
    AUDIO_RENDITIONS.map(async (r) => {
      const playlist = join(work.outputDir, r.name, 'index.m3u8');
      await foldShortFinalSegment(playlist);
      return measureRendition(playlist, await readFile(playlist, 'utf8'));
    }),
  );
  const encodedSeconds = Math.max(...stats.map((s) => s.durationSeconds));
  checkEncodedDuration({
    kind: 'audio',
    statedSeconds: media.durationSeconds,
    encodedSeconds,
    maxSeconds: work.limits.maxDurationSeconds.audio,
  });
  await writeFile(
    join(work.outputDir, MASTER_PLAYLIST),
    masterPlaylist(
      AUDIO_RENDITIONS.map((r, i) => ({
        uri: `${r.name}/index.m3u8`,
        bandwidth: stats[i]?.peakBandwidth ?? 0,
        averageBandwidth: stats[i]?.averageBandwidth ?? 0,
        codecs: [AAC_LC_CODEC],
      })),
    ),
  );
  await writeFile(join(work.outputDir, WAVEFORM), JSON.stringify(waveform.result()));

  return {
    kind: 'audio',
    durationSeconds: Math.round((media.durationSeconds ?? encodedSeconds) * 1000) / 1000,
    audioCodec: media.audioCodec,
    bitrate: media.bitrate ?? (AUDIO_RENDITIONS[0]?.kbps ?? 0) * 1000,
    hasAudio: true,
    hlsUrl: work.outputUrl(MASTER_PLAYLIST),
    playable: true,
    waveformUrl: work.outputUrl(WAVEFORM),
  };
}
