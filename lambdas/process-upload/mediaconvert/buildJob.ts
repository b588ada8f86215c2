import type { AudioDescription, CreateJobCommandInput, Input, Output, OutputGroup } from '@aws-sdk/client-mediaconvert';
import type { ThumbnailPlan } from '../plan/thumbnailPlan.js';
import type { RenditionPlan } from '../plan/videoLadder.js';
import { READ_LIMIT_MARGIN_SECONDS, type VideoPlan } from '../plan/videoPlan.js';
import { aacBitrate } from './aacBitrate.js';
import { endTimecode } from './endTimecode.js';
import { frameRate } from '../plan/frameRate.js';
import { MIN_SEGMENT_SECONDS } from '../hls/foldShortFinalSegment.js';
import { h264CodecLevel } from './h264CodecLevel.js';
import { JOB_TOKEN, jobFolder } from './jobFolder.js';
import { HLS_BASE_NAME, rungNameModifier, THUMBNAIL_FRAME_BASE_NAME } from './jobOutputNames.js';
import { qvbrQualityLevel } from './qvbrQualityLevel.js';
import { thumbnailCaptureCount } from './thumbnailCaptureCount.js';

/** What a job needs from the MediaConvert settings (`MEDIACONVERT_SETTINGS`). */
export interface JobSettings {
  readonly queueArn: string;
  readonly roleArn: string;
  /** Carried in UserMetadata, so the status function tells this stack's jobs from another's. */
  readonly stackName: string;
  readonly accelerated: boolean;
}

/** The probed original, as displayed (rotation applied): a `ValidMedia` fits. */
export interface JobSourceMedia {
  readonly width?: number | undefined;
  readonly height?: number | undefined;
  readonly durationSeconds?: number | undefined;
}

export interface JobInput {
  readonly uploadId: string;
  readonly plan: VideoPlan;
  /** Checks that no rendition is larger than the original, and counts the thumbnails. */
  readonly media: JobSourceMedia;
  /** The original, `s3://<uploads bucket>/<key>`. */
  readonly sourceUri: string;
  readonly mediaBucket: string;
  /**
   * The submission's token (16 hex digits): MediaConvert answers a repeat within a minute with
   * the first job, and the job writes under its own folder named from it (jobFolder.ts).
   */
  readonly clientRequestToken: string;
  readonly settings: JobSettings;
}

/** MediaConvert's name for the one audio selector; AAC outputs take their sound from it. */
export const AUDIO_SELECTOR = 'Audio Selector 1';
const UPLOAD_ID = /^[A-Za-z0-9_-]{1,64}$/;
const S3_URI = /^s3:\/\/[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]\/.+$/;
const BUCKET = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;
const THUMBNAIL_JPEG_QUALITY = 80;

/**
 * The MediaConvert job for a planned video: one HLS group (a rendition per rung, written under
 * `media/{uploadId}/job-{token}/master`) and one frame-capture group for the thumbnails, from the same plan
 * as the ffmpeg commands. Settings are inline because the ladder is per source; a job template
 * would fork the plan. Anything the plan should never produce (an odd or upscaled size, a level
 * or AAC bitrate MediaConvert lacks) throws a RangeError naming the value, before anything is
 * submitted.
 */
export function buildJob(input: JobInput): CreateJobCommandInput {
  const { uploadId, plan, settings } = input;
  if (!UPLOAD_ID.test(uploadId)) throw new RangeError(`Upload id ${JSON.stringify(uploadId)} is not a valid upload id`);
  if (!JOB_TOKEN.test(input.clientRequestToken)) {
    throw new RangeError(`Client request token ${JSON.stringify(input.clientRequestToken)} is not 16 hex digits`);
  }
  if (!S3_URI.test(input.sourceUri)) throw new RangeError(`Source ${JSON.stringify(input.sourceUri)} is not an s3://bucket/key URI`);
  if (!BUCKET.test(input.mediaBucket)) throw new RangeError(`Media bucket ${JSON.stringify(input.mediaBucket)} is not a bucket name`);
  const source = sourceOf(input.media);
  checkClock(plan);
  const hasAudio = plan.audioStreamIndex !== undefined;
  const outputRoot = `s3://${input.mediaBucket}/${jobFolder(uploadId, input.clientRequestToken)}`;
  return {
    Role: settings.roleArn,
    Queue: settings.queueArn,
    ClientRequestToken: input.clientRequestToken,
    // The token lets whoever hears of a job the record does not name (a duplicate) find its folder.
    UserMetadata: { uploadId, stack: settings.stackName, token: input.clientRequestToken },
    StatusUpdateInterval: 'SECONDS_15',
    AccelerationSettings: { Mode: settings.accelerated ? 'PREFERRED' : 'DISABLED' },
    Settings: {
      TimecodeConfig: { Source: 'ZEROBASED' },
      Inputs: [jobInput(input.sourceUri, plan, source, hasAudio)],
      OutputGroups: [
        hlsGroup(`${outputRoot}${HLS_BASE_NAME}`, plan, source, hasAudio),
        thumbnailGroup(`${outputRoot}${THUMBNAIL_FRAME_BASE_NAME}`, thumbnailsOf(plan), source.durationSeconds),
      ],
    },
  };
}

interface Source {
  readonly width: number;
  readonly height: number;
  readonly durationSeconds: number;
}

function sourceOf(media: JobSourceMedia): Source {
  const { width, height, durationSeconds } = media;
  if (width === undefined || height === undefined || durationSeconds === undefined) {
    throw new RangeError(
      `The original states ${width ?? '?'}x${height ?? '?'} for ${durationSeconds ?? '?'} s; a MediaConvert job needs its size and length`,
    );
  }
  return { width, height, durationSeconds };
}

/** Segments start on a keyframe in every rendition only if the keyframe interval divides the segment. */
function checkClock(plan: VideoPlan): void {
  const { segmentSeconds, keyframeSeconds } = plan;
  if (!Number.isInteger(segmentSeconds) || segmentSeconds <= 0) {
    throw new RangeError(`Segment length ${segmentSeconds} s is not a whole number of seconds, as HLS SegmentLength needs`);
  }
  if (!(keyframeSeconds > 0) || !Number.isInteger(segmentSeconds / keyframeSeconds)) {
    throw new RangeError(`Keyframe interval ${keyframeSeconds} s does not divide the ${segmentSeconds} s segment`);
  }
}

function thumbnailsOf(plan: VideoPlan): ThumbnailPlan {
  const { thumbnails } = plan;
  if (thumbnails === undefined) throw new RangeError('The plan has no thumbnail grid; a MediaConvert job needs one');
  if (!Number.isInteger(thumbnails.intervalSeconds)) {
    throw new RangeError(`Thumbnail interval ${thumbnails.intervalSeconds} s is not a whole number of seconds`);
  }
  return thumbnails;
}

function jobInput(sourceUri: string, plan: VideoPlan, source: Source, hasAudio: boolean): Input {
  // MediaConvert bills every output minute it encodes: a file that states seconds but holds
  // hours is read no further than it states (as ffmpeg's run time bounds it on the other path).
  const readSeconds = Math.min(plan.readLimitSeconds, source.durationSeconds + READ_LIMIT_MARGIN_SECONDS);
  return {
    FileInput: sourceUri,
    // Clipping counts from the first frame, whatever timecode the file embeds (else error 1060).
    TimecodeSource: 'ZEROBASED',
    InputClippings: [{ EndTimecode: endTimecode(readSeconds) }],
    VideoSelector: { Rotate: 'AUTO' },
    ...(hasAudio ? { AudioSelectors: { [AUDIO_SELECTOR]: { DefaultSelection: 'DEFAULT' } } } : {}),
  };
}

function hlsGroup(destination: string, plan: VideoPlan, source: Source, hasAudio: boolean): OutputGroup {
  return {
    OutputGroupSettings: {
      Type: 'HLS_GROUP_SETTINGS',
      HlsGroupSettings: {
        Destination: destination,
        SegmentLength: plan.segmentSeconds,
        SegmentLengthControl: 'GOP_MULTIPLE',
        // About ad avails, not segment size: 0 leaves the cadence alone.
        MinSegmentLength: 0,
        // A last segment shorter than this joins the one before, as the ffmpeg path folds it.
        MinFinalSegmentLength: MIN_SEGMENT_SECONDS,
        SegmentControl: 'SEGMENTED_FILES',
        ManifestDurationFormat: 'FLOATING_POINT',
        CodecSpecification: 'RFC_6381',
        OutputSelection: 'MANIFESTS_AND_SEGMENTS',
        DirectoryStructure: 'SINGLE_DIRECTORY',
        StreamInfResolution: 'INCLUDE',
        ProgramDateTime: 'EXCLUDE',
        ManifestCompression: 'NONE',
        ClientCache: 'ENABLED',
      },
    },
    Outputs: plan.renditions.map((rung) => rungOutput(rung, plan, source, hasAudio)),
  };
}

function rungOutput(rung: RenditionPlan, plan: VideoPlan, source: Source, hasAudio: boolean): Output {
  checkSize(rung, source);
  const rate = frameRate(rung.fps);
  return {
    NameModifier: rungNameModifier(rung.name),
    ContainerSettings: { Container: 'M3U8' },
    VideoDescription: {
      Width: rung.width,
      Height: rung.height,
      ScalingBehavior: 'DEFAULT',
      AfdSignaling: 'NONE',
      RespondToAfd: 'NONE',
      CodecSettings: {
        Codec: 'H_264',
        H264Settings: {
          RateControlMode: 'QVBR',
          QvbrSettings: { QvbrQualityLevel: qvbrQualityLevel(rung.width, rung.height) },
          MaxBitrate: rung.videoKbps * 1000,
          CodecProfile: 'HIGH',
          CodecLevel: h264CodecLevel(rung.level.name),
          FramerateControl: 'SPECIFIED',
          FramerateNumerator: rate.numerator,
          FramerateDenominator: rate.denominator,
          FramerateConversionAlgorithm: 'DUPLICATE_DROP',
          GopSize: plan.keyframeSeconds,
          GopSizeUnits: 'SECONDS',
          GopClosedCadence: 1,
          // IDR frames only on the cadence: a scene change never moves a segment boundary.
          MinIInterval: 0,
          SceneChangeDetect: 'TRANSITION_DETECTION',
          QualityTuningLevel: 'SINGLE_PASS_HQ',
          ParControl: 'SPECIFIED',
          ParNumerator: 1,
          ParDenominator: 1,
          InterlaceMode: 'PROGRESSIVE',
        },
      },
    },
    ...(hasAudio ? { AudioDescriptions: [aacStereo(rung)] } : {}),
  };
}

function checkSize(rung: RenditionPlan, source: Source): void {
  const { name, width, height } = rung;
  if (!Number.isInteger(width) || !Number.isInteger(height) || width <= 0 || height <= 0 || width % 2 !== 0 || height % 2 !== 0) {
    throw new RangeError(`Rendition ${name} is ${width}x${height}; H.264 4:2:0 needs even, positive sides`);
  }
  if (width > source.width || height > source.height) {
    throw new RangeError(`Rendition ${name} is ${width}x${height}, larger than the ${source.width}x${source.height} original`);
  }
}

function aacStereo(rung: RenditionPlan): AudioDescription {
  return {
    AudioSourceName: AUDIO_SELECTOR,
    CodecSettings: {
      Codec: 'AAC',
      AacSettings: {
        CodecProfile: 'LC',
        CodingMode: 'CODING_MODE_2_0',
        RateControlMode: 'CBR',
        SampleRate: 48000,
        Bitrate: aacBitrate(rung.audioKbps),
      },
    },
  };
}

/** One frame at 0 s and one per interval, as JPEGs the finishing code tiles into the sprite. */
function thumbnailGroup(destination: string, thumbnails: ThumbnailPlan, durationSeconds: number): OutputGroup {
  return {
    OutputGroupSettings: {
      Type: 'FILE_GROUP_SETTINGS',
      FileGroupSettings: { Destination: destination },
    },
    Outputs: [
      {
        ContainerSettings: { Container: 'RAW' },
        Extension: 'jpg',
        VideoDescription: {
          Width: thumbnails.width,
          Height: thumbnails.height,
          CodecSettings: {
            Codec: 'FRAME_CAPTURE',
            FrameCaptureSettings: {
              FramerateNumerator: 1,
              FramerateDenominator: thumbnails.intervalSeconds,
              MaxCaptures: thumbnailCaptureCount(durationSeconds, thumbnails.intervalSeconds),
              Quality: THUMBNAIL_JPEG_QUALITY,
            },
          },
        },
      },
    ],
  };
}
