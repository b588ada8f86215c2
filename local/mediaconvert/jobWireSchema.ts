import * as z from 'zod/mini';

/**
 * The CreateJob request body, in its wire form (the SDK sends every member in lowerCamelCase;
 * map keys such as "Audio Selector 1" and userMetadata's keys travel unchanged), accepting
 * exactly the subset docs/MEDIACONVERT's contract lets the job builder emit: every object is
 * strict and every enum pinned to the value the builder uses. A job that passes here is one
 * the emulator knows how to run with ffmpeg; anything else is the builder asking MediaConvert
 * for something local mode never exercised, and is refused (400) with the field's path.
 */

const S3_OBJECT_URL = /^s3:\/\/[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]\/(?:[^/]+\/)*[^/]+$/;
/** The builder clips at whole seconds, so the frame part is always 00. */
const WHOLE_SECOND_TIMECODE = /^\d{2}:[0-5]\d:[0-5]\d:00$/;
const ROLE_ARN = /^arn:aws[a-z-]*:iam::\d{12}:role\/[\w+=,.@/-]+$/;
const QUEUE_ARN = /^arn:aws[a-z-]*:mediaconvert:[a-z0-9-]+:\d{12}:queues\/[A-Za-z0-9_-]+$/;
/** "any string that includes up to 64 ASCII characters" (SDK doc of ClientRequestToken). */
const CLIENT_REQUEST_TOKEN = /^[\x20-\x7e]{1,64}$/;

const positiveInt = () => z.int().check(z.positive());
const evenSize = () => positiveInt().check(z.multipleOf(2, 'must be even'));

/** H264CodecLevel values for the levels `h264Level()` can choose (3.0 to 5.2). */
export const H264_CODEC_LEVELS = ['LEVEL_3', 'LEVEL_3_1', 'LEVEL_3_2', 'LEVEL_4', 'LEVEL_4_1', 'LEVEL_4_2', 'LEVEL_5', 'LEVEL_5_1', 'LEVEL_5_2'] as const;

/** The bitrates MediaConvert's AAC encoder accepts (SDK doc of AacSettings.Bitrate). */
export const AAC_BITRATES = [
  6000, 8000, 10000, 12000, 14000, 16000, 20000, 24000, 28000, 32000, 40000, 48000, 56000, 64000, 80000, 96000, 112000,
  128000, 160000, 192000, 224000, 256000, 288000, 320000, 384000, 448000, 512000, 576000, 640000, 768000, 896000, 1024000,
] as const;

export const AUDIO_SELECTOR_NAME = 'Audio Selector 1';

const H264Settings = z.strictObject({
  rateControlMode: z.literal('QVBR'),
  qvbrSettings: z.strictObject({ qvbrQualityLevel: z.union([z.literal(7), z.literal(8), z.literal(9)]) }),
  maxBitrate: positiveInt(),
  codecProfile: z.literal('HIGH'),
  codecLevel: z.enum(H264_CODEC_LEVELS),
  framerateControl: z.literal('SPECIFIED'),
  framerateNumerator: positiveInt(),
  framerateDenominator: positiveInt(),
  framerateConversionAlgorithm: z.literal('DUPLICATE_DROP'),
  gopSize: z.number().check(z.positive()),
  gopSizeUnits: z.literal('SECONDS'),
  gopClosedCadence: z.literal(1),
  minIInterval: z.literal(0),
  sceneChangeDetect: z.literal('TRANSITION_DETECTION'),
  qualityTuningLevel: z.literal('SINGLE_PASS_HQ'),
  parControl: z.literal('SPECIFIED'),
  parNumerator: z.literal(1),
  parDenominator: z.literal(1),
  interlaceMode: z.literal('PROGRESSIVE'),
});

const AudioDescription = z.strictObject({
  audioSourceName: z.optional(z.literal(AUDIO_SELECTOR_NAME)),
  codecSettings: z.strictObject({
    codec: z.literal('AAC'),
    aacSettings: z.strictObject({
      codecProfile: z.literal('LC'),
      codingMode: z.literal('CODING_MODE_2_0'),
      rateControlMode: z.literal('CBR'),
      sampleRate: z.literal(48000),
      bitrate: z.union(AAC_BITRATES.map((bitrate) => z.literal(bitrate))),
    }),
  }),
});

const HlsOutput = z.strictObject({
  nameModifier: z.string().check(z.regex(/^[A-Za-z0-9_-]{1,64}$/, 'must be 1-64 letters, digits, _ or -')),
  containerSettings: z.strictObject({ container: z.literal('M3U8') }),
  videoDescription: z.strictObject({
    width: evenSize(),
    height: evenSize(),
    scalingBehavior: z.literal('DEFAULT'),
    afdSignaling: z.literal('NONE'),
    respondToAfd: z.literal('NONE'),
    codecSettings: z.strictObject({ codec: z.literal('H_264'), h264Settings: H264Settings }),
  }),
  audioDescriptions: z.optional(z.tuple([AudioDescription])),
});

const HlsGroup = z.strictObject({
  name: z.optional(z.string()),
  outputGroupSettings: z.strictObject({
    type: z.literal('HLS_GROUP_SETTINGS'),
    hlsGroupSettings: z.strictObject({
      destination: z.string().check(z.regex(S3_OBJECT_URL, 'must be s3://bucket/prefix/base (a base name, no trailing slash)')),
      segmentLength: positiveInt(),
      segmentLengthControl: z.literal('GOP_MULTIPLE'),
      minSegmentLength: z.literal(0),
      minFinalSegmentLength: z.optional(z.number().check(z.nonnegative())),
      segmentControl: z.literal('SEGMENTED_FILES'),
      manifestDurationFormat: z.literal('FLOATING_POINT'),
      codecSpecification: z.literal('RFC_6381'),
      outputSelection: z.literal('MANIFESTS_AND_SEGMENTS'),
      directoryStructure: z.literal('SINGLE_DIRECTORY'),
      streamInfResolution: z.literal('INCLUDE'),
      programDateTime: z.literal('EXCLUDE'),
      manifestCompression: z.literal('NONE'),
      clientCache: z.literal('ENABLED'),
      imageBasedTrickPlay: z.optional(z.literal('NONE')),
    }),
  }),
  outputs: z.array(HlsOutput).check(z.minLength(1)),
});

const FrameCaptureGroup = z.strictObject({
  name: z.optional(z.string()),
  outputGroupSettings: z.strictObject({
    type: z.literal('FILE_GROUP_SETTINGS'),
    fileGroupSettings: z.strictObject({
      destination: z.string().check(z.regex(S3_OBJECT_URL, 'must be s3://bucket/prefix/base (a base name, no trailing slash)')),
    }),
  }),
  outputs: z.tuple([
    z.strictObject({
      containerSettings: z.strictObject({ container: z.literal('RAW') }),
      extension: z.literal('jpg'),
      videoDescription: z.strictObject({
        width: evenSize(),
        height: evenSize(),
        codecSettings: z.strictObject({
          codec: z.literal('FRAME_CAPTURE'),
          frameCaptureSettings: z.strictObject({
            framerateNumerator: z.literal(1),
            framerateDenominator: positiveInt(),
            maxCaptures: positiveInt().check(z.maximum(100)),
            quality: z.literal(80),
          }),
        }),
      }),
    }),
  ]),
});

const Input = z.strictObject({
  fileInput: z.string().check(z.regex(S3_OBJECT_URL, 'must be an s3://bucket/key URL')),
  timecodeSource: z.literal('ZEROBASED'),
  inputClippings: z.tuple([z.strictObject({ endTimecode: z.string().check(z.regex(WHOLE_SECOND_TIMECODE, 'must be HH:MM:SS:00')) })]),
  videoSelector: z.strictObject({ rotate: z.literal('AUTO') }),
  audioSelectors: z.optional(z.strictObject({ [AUDIO_SELECTOR_NAME]: z.strictObject({ defaultSelection: z.literal('DEFAULT') }) })),
});

export const JobWire = z
  .strictObject({
    role: z.string().check(z.regex(ROLE_ARN, 'must be an IAM role ARN')),
    queue: z.string().check(z.regex(QUEUE_ARN, 'must be a MediaConvert queue ARN')),
    clientRequestToken: z.optional(z.string().check(z.regex(CLIENT_REQUEST_TOKEN, 'must be 1-64 printable ASCII characters'))),
    userMetadata: z.strictObject({
      uploadId: z.string().check(z.minLength(1)),
      stack: z.string().check(z.minLength(1)),
      token: z.string().check(z.regex(/^[0-9a-f]{16}$/, 'must be 16 hex digits')),
    }),
    statusUpdateInterval: z.literal('SECONDS_15'),
    accelerationSettings: z.strictObject({ mode: z.enum(['DISABLED', 'PREFERRED']) }),
    settings: z.strictObject({
      timecodeConfig: z.strictObject({ source: z.literal('ZEROBASED') }),
      inputs: z.tuple([Input]),
      outputGroups: z.tuple([HlsGroup, FrameCaptureGroup]),
    }),
  })
  .check(
    z.superRefine((job, ctx) => {
      const withAudio = job.settings.inputs[0].audioSelectors !== undefined;
      const [hls] = job.settings.outputGroups;
      const seen = new Set<string>();
      hls.outputs.forEach((output, i) => {
        const path = ['settings', 'outputGroups', 0, 'outputs', i];
        if ((output.audioDescriptions !== undefined) !== withAudio) {
          ctx.addIssue({
            code: 'custom',
            path: [...path, 'audioDescriptions'],
            message: withAudio ? 'required when the input has an audio selector' : 'needs settings.inputs[0].audioSelectors',
          });
        }
        if (seen.has(output.nameModifier)) {
          ctx.addIssue({ code: 'custom', path: [...path, 'nameModifier'], message: `repeats "${output.nameModifier}" (names must be unique)` });
        }
        seen.add(output.nameModifier);
      });
    }),
  );

export type JobWire = z.infer<typeof JobWire>;
export type HlsOutputWire = JobWire['settings']['outputGroups'][0]['outputs'][number];

export type JobWireResult = { readonly ok: true; readonly job: JobWire } | { readonly ok: false; readonly message: string };

/**
 * Checks a parsed CreateJob body. The message names the first problem's path as the wire spells
 * it (`settings.outputGroups[0].outputs[1].videoDescription.codecSettings.h264Settings.gopSizeUnits: …`).
 */
export function parseJobWire(body: unknown): JobWireResult {
  const result = JobWire.safeParse(body, { reportInput: true });
  if (result.success) return { ok: true, job: result.data };
  const issue = result.error.issues[0];
  if (!issue) return { ok: false, message: 'the job is invalid' };
  return { ok: false, message: describeIssue(issue) };
}

function describeIssue(issue: z.core.$ZodIssue): string {
  const where = fieldPath(issue.path);
  switch (issue.code) {
    case 'unrecognized_keys':
      return issue.keys.map((key) => `${fieldPath([...issue.path, key])}: is not a field the emulator accepts`).join('; ');
    case 'invalid_value':
      return `${where}: must be ${issue.values.map((value) => JSON.stringify(value)).join(' or ')}${got(issue.input)}`;
    case 'invalid_union':
      return `${where}: is not one of the accepted values${got(issue.input)}`;
    case 'invalid_type':
      return issue.input === undefined ? `${where}: is required` : `${where}: must be ${issue.expected}${got(issue.input)}`;
    case 'too_small':
      return `${where}: must be at least ${String(issue.minimum)}${issue.origin === 'array' ? ' items' : ''}${got(issue.input)}`;
    case 'too_big':
      return `${where}: must be at most ${String(issue.maximum)}${issue.origin === 'array' ? ' items' : ''}${got(issue.input)}`;
    case 'custom':
      return `${where}: ${issue.message}`;
    default:
      return `${where}: ${issue.message}${got(issue.input)}`;
  }
}

function got(input: unknown): string {
  if (input === undefined || (typeof input === 'object' && input !== null)) return '';
  return ` (got ${JSON.stringify(input).slice(0, 100)})`;
}

/** `['settings', 'outputGroups', 0, 'name']` → `settings.outputGroups[0].name`; odd keys in brackets. */
export function fieldPath(path: readonly PropertyKey[]): string {
  if (path.length === 0) return '(the body)';
  return path
    .map((key, i) => {
      if (typeof key === 'number') return `[${key}]`;
      const name = String(key);
      if (/^[A-Za-z_$][\w$]*$/.test(name)) return i === 0 ? name : `.${name}`;
      return `[${JSON.stringify(name)}]`;
    })
    .join('');
}
