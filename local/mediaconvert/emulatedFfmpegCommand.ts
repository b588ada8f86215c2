import { join } from 'node:path';
import type { HlsOutputWire, JobWire } from './jobWireSchema.js';
import { type Destination, parseDestination } from './s3Url.js';

/** One HLS output of the job, with the file names MediaConvert gives it. */
export interface EmulatedVariant {
  readonly nameModifier: string;
  /** `<base><nameModifier>.m3u8` (documented). */
  readonly playlist: string;
  readonly width: number;
  readonly height: number;
  readonly framerate: { readonly numerator: number; readonly denominator: number };
  /** The RFC 6381 codec strings of this output, video first. */
  readonly codecs: readonly string[];
}

export interface EmulatedCommand {
  readonly args: readonly string[];
  /** Where the input is cut (the clip's end timecode in seconds). */
  readonly clipSeconds: number;
  readonly hls: {
    readonly destination: Destination;
    /** Local folder ffmpeg writes the variants and segments to; the master goes there too. */
    readonly dir: string;
    /** `<base>.m3u8` (documented). */
    readonly master: string;
    readonly variants: readonly EmulatedVariant[];
    /** MinFinalSegmentLength: a shorter last segment joins the one before (0: never). */
    readonly minFinalSegmentSeconds: number;
  };
  readonly frames: {
    readonly destination: Destination;
    readonly dir: string;
    readonly width: number;
    readonly height: number;
    readonly maxCaptures: number;
  };
}

/** AAC-LC, what ffmpeg's `aac` encoder writes. */
const AAC_LC = 'mp4a.40.2';
/** High profile (profile_idc 100), no constraint flags: what x264 writes for High. */
const AVC_HIGH = 'avc1.6400';

/**
 * x264's CRF standing in for QVBR's quality level (1-10, higher is better): 7 → 23 (x264's
 * default), each level up 2 CRF steps finer. An approximation for local runs, not a measured
 * equivalence; the MaxBitrate cap is applied exactly (as -maxrate).
 */
export function crfForQvbr(qualityLevel: number): number {
  return 37 - 2 * qualityLevel;
}

/** `LEVEL_3_1` → `{ name: '3.1', idc: 31 }`, `LEVEL_4` → `{ name: '4.0', idc: 40 }`. */
export function h264LevelOf(codecLevel: string): { readonly name: string; readonly idc: number } {
  const match = /^LEVEL_(\d)(?:_(\d))?$/.exec(codecLevel);
  if (!match) throw new RangeError(`Unknown H.264 level ${codecLevel}`);
  const major = Number(match[1]);
  const minor = Number(match[2] ?? 0);
  return { name: `${major}.${minor}`, idc: major * 10 + minor };
}

/** `HH:MM:SS:FF` → seconds (the schema allows only FF = 00). */
export function timecodeSeconds(timecode: string): number {
  const [hours, minutes, secs] = timecode.split(':').map(Number) as [number, number, number];
  return hours * 3600 + minutes * 60 + secs;
}

/** Mirrors the JPEG quality scale (1-100, higher is better) onto ffmpeg's mjpeg -q:v (2 best, 31 worst). */
function jpegQscale(quality: number): number {
  return Math.round(2 + ((100 - quality) * 29) / 100);
}

/**
 * Translates the job itself (not our plan, so a builder bug shows up in the outputs) into one
 * ffmpeg run: the input is read up to the clip's end, autorotated by ffmpeg (Rotate AUTO),
 * split once per HLS output and once for the frame capture.
 * - Each HLS output: the frame rate as the exact fraction (fps filter: duplicate/drop), scaled to
 *   its width × height, H.264 at its profile and level, a CRF near its QVBR level capped at
 *   MaxBitrate, an IDR frame every GopSize seconds on the output clock and nowhere else
 *   (MinIInterval 0: no scene-cut keyframes), AAC stereo at its bitrate and 48 kHz only when the
 *   output has an audio description, cut into segments of SegmentLength rounded up to the next
 *   keyframe (GOP_MULTIPLE).
 * - Segment names `<base><nameModifier>_00001.ts` follow MediaLive's documented pattern:
 *   MediaConvert's own segment names are NOT verified against AWS. Our code reads segment names
 *   from the variant playlists and never guesses them, so this naming is not load-bearing.
 * - Frame capture: the first frame, then one every FramerateDenominator / FramerateNumerator
 *   seconds of the output, at most MaxCaptures, at its size, named `<base>.NNNNNNN.jpg` from 0
 *   (the SDK's doc says 0-based, 7 digits; UNVERIFIED against AWS).
 */
export function emulatedFfmpegCommand(job: JobWire, inputPath: string, workDir: string): EmulatedCommand {
  const [input] = job.settings.inputs;
  const [hlsGroup, frameGroup] = job.settings.outputGroups;
  const hlsSettings = hlsGroup.outputGroupSettings.hlsGroupSettings;
  const hlsDestination = parseDestination(hlsSettings.destination);
  const framesDestination = parseDestination(frameGroup.outputGroupSettings.fileGroupSettings.destination);
  const clipSeconds = timecodeSeconds(input.inputClippings[0].endTimecode);
  const hlsDir = join(workDir, 'hls');
  const framesDir = join(workDir, 'frames');
  const [frameOutput] = frameGroup.outputs;
  const frameVideo = frameOutput.videoDescription;
  const capture = frameVideo.codecSettings.frameCaptureSettings;

  const outputs = hlsGroup.outputs;
  const graph = [
    `[0:v:0]split=${outputs.length + 1}${outputs.map((_, i) => `[s${i}]`).join('')}[sf]`,
    ...outputs.map((output, i) => {
      const video = output.videoDescription;
      const h264 = video.codecSettings.h264Settings;
      return `[s${i}]fps=${h264.framerateNumerator}/${h264.framerateDenominator},scale=${video.width}:${video.height},setsar=1,format=yuv420p[v${i}]`;
    }),
    // The first frame, then one every Denominator/Numerator seconds (the fps filter at that rate;
    // the layer's ffmpeg has no select filter).
    `[sf]fps=${capture.framerateNumerator}/${capture.framerateDenominator},scale=${frameVideo.width}:${frameVideo.height},setsar=1,format=yuvj420p[vf]`,
  ].join(';');

  const variants = outputs.map((output) => variantOf(output, hlsDestination.base));
  const hlsArgs = outputs.flatMap((output, i) => {
    const h264 = output.videoDescription.codecSettings.h264Settings;
    const level = h264LevelOf(h264.codecLevel);
    const fps = h264.framerateNumerator / h264.framerateDenominator;
    const maxKbps = Math.round(h264.maxBitrate / 1000);
    const aac = output.audioDescriptions?.[0].codecSettings.aacSettings;
    const name = `${hlsDestination.base}${output.nameModifier}`;
    return [
      '-map', `[v${i}]`,
      ...(aac === undefined ? [] : ['-map', '0:a:0']),
      '-c:v', 'libx264',
      '-preset', 'veryfast',
      '-profile:v', h264.codecProfile.toLowerCase(),
      '-level:v', level.name,
      '-crf', String(crfForQvbr(h264.qvbrSettings.qvbrQualityLevel)),
      '-maxrate', `${maxKbps}k`,
      '-bufsize', `${maxKbps * 2}k`,
      '-force_key_frames', `expr:gte(t,n_forced*${h264.gopSize})`,
      '-forced-idr', '1',
      // x264's own keyframe placement off: the cadence above is the only one, as MinIInterval 0 asks.
      '-g', String(Math.ceil(2 * h264.gopSize * fps)),
      '-sc_threshold', '0',
      ...(aac === undefined ? [] : ['-c:a', 'aac', '-b:a', `${aac.bitrate / 1000}k`, '-ar', String(aac.sampleRate), '-ac', '2']),
      '-f', 'hls',
      '-hls_time', String(hlsSettings.segmentLength),
      '-hls_playlist_type', 'vod',
      '-start_number', '1',
      '-hls_segment_filename', join(hlsDir, `${asPattern(name)}_%05d.ts`),
      join(hlsDir, `${name}.m3u8`),
    ];
  });

  const frameArgs = [
    '-map', '[vf]',
    '-frames:v', String(capture.maxCaptures),
    '-c:v', 'mjpeg',
    '-q:v', String(jpegQscale(capture.quality)),
    '-f', 'image2',
    '-start_number', '0',
    join(framesDir, `${asPattern(framesDestination.base)}.%07d.jpg`),
  ];

  return {
    args: [
      '-hide_banner', '-nostdin', '-loglevel', 'error', '-y',
      '-progress', 'pipe:1', '-nostats',
      '-t', String(clipSeconds),
      '-i', inputPath,
      '-filter_complex', graph,
      ...hlsArgs,
      ...frameArgs,
    ],
    clipSeconds,
    hls: { destination: hlsDestination, dir: hlsDir, master: `${hlsDestination.base}.m3u8`, variants, minFinalSegmentSeconds: hlsSettings.minFinalSegmentLength ?? 0 },
    frames: { destination: framesDestination, dir: framesDir, width: frameVideo.width, height: frameVideo.height, maxCaptures: capture.maxCaptures },
  };
}

function variantOf(output: HlsOutputWire, base: string): EmulatedVariant {
  const video = output.videoDescription;
  const h264 = video.codecSettings.h264Settings;
  const level = h264LevelOf(h264.codecLevel);
  return {
    nameModifier: output.nameModifier,
    playlist: `${base}${output.nameModifier}.m3u8`,
    width: video.width,
    height: video.height,
    framerate: { numerator: h264.framerateNumerator, denominator: h264.framerateDenominator },
    codecs: [`${AVC_HIGH}${level.idc.toString(16).padStart(2, '0')}`, ...(output.audioDescriptions === undefined ? [] : [AAC_LC])],
  };
}

/** A file name as a literal inside an ffmpeg numbered-file pattern. */
function asPattern(name: string): string {
  return name.replace(/%/g, '%%');
}
