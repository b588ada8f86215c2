import type { MediaKind } from '../../shared/mediaPolicy.js';
import type { ProbeOutput, ProbeStream } from '../ffmpeg/probeOutput.js';

/** What a probe says about a file, already interpreted: the kind, and dimensions as displayed. */
export interface MediaFacts {
  /** The real kind, or undefined when the file holds no audio, video or image. */
  readonly kind: MediaKind | undefined;
  /** What was found, in words a user understands ("video (h264, 1920x1080)"). */
  readonly found: string;
  readonly formatName: string;
  /** Undefined when neither the container nor a stream states it (e.g. browser-recorded WebM). */
  readonly durationSeconds: number | undefined;
  /** Width as displayed: sample aspect ratio applied, swapped for a quarter-turn rotation. */
  readonly width?: number;
  readonly height?: number;
  /** Clockwise rotation the player applies (from the display matrix or the legacy `rotate` tag). */
  readonly rotation: 0 | 90 | 180 | 270;
  readonly fps?: number;
  readonly videoCodec?: string;
  readonly audioCodec?: string;
  /** Overall bitrate in bits per second, when the container states it. */
  readonly bitrate?: number;
  readonly hasAudio: boolean;
  /** Index of the picture stream ffmpeg maps (`0:<index>`): not a cover-art attachment. */
  readonly videoStreamIndex?: number;
  /** Index of the first audio stream. */
  readonly audioStreamIndex?: number;
  /**
   * The frames per second the file's average rate says the decoder will produce, however
   * implausible (a crafted 2000 fps): what decoding it costs. Undefined when it states none
   * (browser WebM: 0/0).
   */
  readonly decodeFps?: number;
}

const IMAGE_CODECS = new Set(['png', 'apng', 'mjpeg', 'jpegls', 'webp', 'gif', 'bmp', 'tiff', 'jpeg2000', 'qoi']);
/** Frame rates above this are timestamps' time bases, not real rates (Matroska's 1000/1). */
const MAX_PLAUSIBLE_FPS = 480;

/** Interprets ffprobe's format and streams. */
export function describeMedia(probe: ProbeOutput): MediaFacts {
  const formatName = probe.format.format_name;
  const visual = probe.streams.find((s) => s.codec_type === 'video' && s.disposition?.attached_pic !== 1);
  const audio = probe.streams.find((s) => s.codec_type === 'audio');
  const durationSeconds = durationOf(probe);
  const bitrate = positiveNumber(probe.format.bit_rate);
  const base = {
    formatName,
    durationSeconds,
    bitrate,
    hasAudio: audio !== undefined,
    audioCodec: audio?.codec_name,
    audioStreamIndex: audio?.index,
  };

  // ffprobe reads text named like ANSI art (.ans, .nfo) as a `tty` "video"; it is not media.
  if (visual && formatName !== 'tty' && visual.width && visual.height) {
    const rotation = rotationOf(visual);
    const { width, height } = displaySize(visual, rotation);
    const codec = visual.codec_name ?? 'unknown codec';
    const kind: MediaKind = isImage(visual, formatName) ? 'image' : 'video';
    const found = `${kind === 'image' ? 'an image' : 'video'} (${codec}, ${width}x${height})`;
    const fps = kind === 'video' ? fpsOf(visual) : undefined;
    const statedRate = ratio(visual.avg_frame_rate, '/');
    const decodeFps = kind === 'video' && statedRate !== undefined && statedRate > 0 ? statedRate : undefined;
    return { ...base, kind, found, width, height, rotation, fps, decodeFps, videoCodec: visual.codec_name, videoStreamIndex: visual.index };
  }
  if (audio) {
    return { ...base, kind: 'audio', found: `audio (${audio.codec_name ?? 'unknown codec'})`, rotation: 0 };
  }
  return { ...base, kind: undefined, found: 'no audio, video or image', rotation: 0 };
}

function isImage(stream: ProbeStream, formatName: string): boolean {
  const imageFormat = formatName === 'image2' || formatName.endsWith('_pipe') || formatName === 'gif' || formatName === 'apng';
  return imageFormat && IMAGE_CODECS.has(stream.codec_name ?? '');
}

function durationOf(probe: ProbeOutput): number | undefined {
  const fromFormat = positiveNumber(probe.format.duration);
  if (fromFormat !== undefined) return fromFormat;
  const fromStreams = probe.streams.map((s) => positiveNumber(s.duration)).filter((d): d is number => d !== undefined);
  return fromStreams.length > 0 ? Math.max(...fromStreams) : undefined;
}

function rotationOf(stream: ProbeStream): 0 | 90 | 180 | 270 {
  const matrix = stream.side_data_list?.find((side) => typeof side.rotation === 'number');
  // The display matrix states the counter-clockwise angle; the legacy tag the clockwise one.
  const clockwise = matrix?.rotation !== undefined ? -matrix.rotation : Number(stream.tags?.rotate ?? 0);
  if (!Number.isFinite(clockwise)) return 0;
  const quarter = (((Math.round(clockwise / 90) * 90) % 360) + 360) % 360;
  return quarter as 0 | 90 | 180 | 270;
}

function displaySize(stream: ProbeStream, rotation: number): { width: number; height: number } {
  const storedWidth = stream.width ?? 0;
  const storedHeight = stream.height ?? 0;
  const sar = ratio(stream.sample_aspect_ratio, ':');
  const width = sar !== undefined && sar > 0 ? Math.round(storedWidth * sar) : storedWidth;
  return rotation === 90 || rotation === 270 ? { width: storedHeight, height: width } : { width, height: storedHeight };
}

function fpsOf(stream: ProbeStream): number | undefined {
  for (const candidate of [stream.avg_frame_rate, stream.r_frame_rate]) {
    const fps = ratio(candidate, '/');
    if (fps !== undefined && fps > 0 && fps <= MAX_PLAUSIBLE_FPS) return fps;
  }
  return undefined;
}

function ratio(value: string | undefined, separator: string): number | undefined {
  if (value === undefined) return undefined;
  const [num, den] = value.split(separator).map(Number);
  if (num === undefined || den === undefined || !Number.isFinite(num) || !Number.isFinite(den) || den === 0) return undefined;
  return num / den;
}

function positiveNumber(value: string | undefined): number | undefined {
  const number = value === undefined ? Number.NaN : Number(value);
  return Number.isFinite(number) && number > 0 ? number : undefined;
}
