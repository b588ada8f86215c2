import type { CreateJobCommandInput, OutputGroup } from '@aws-sdk/client-mediaconvert';
import { describe, expect, it } from 'vitest';
import { buildJob, type JobInput } from '../../../../../lambdas/process-upload/mediaconvert/buildJob.js';
import { planVideo, type VideoPlan } from '../../../../../lambdas/process-upload/plan/videoPlan.js';
import type { ValidMedia } from '../../../../../lambdas/process-upload/probe/validateMedia.js';

/** MediaConvert's own duration limit (issue 10: 4 h by default). */
const MEDIACONVERT_MAX_SECONDS = 4 * 3600;
const UPLOAD_ID = 'upl_01HXYZ';
const SETTINGS = {
  queueArn: 'arn:aws:mediaconvert:eu-west-1:111122223333:queues/media-pipeline-dev',
  roleArn: 'arn:aws:iam::111122223333:role/media-pipeline-dev-MediaConvertRole',
  stackName: 'media-pipeline-dev',
  accelerated: false,
};

function video(overrides: Partial<ValidMedia> = {}): ValidMedia {
  return {
    kind: 'video',
    found: 'video',
    formatName: 'mov,mp4,m4a,3gp,3g2,mj2',
    demuxer: 'mov',
    durationSeconds: 11 * 60,
    width: 1920,
    height: 1080,
    fps: 30,
    rotation: 0,
    videoCodec: 'h264',
    audioCodec: 'aac',
    hasAudio: true,
    videoStreamIndex: 0,
    audioStreamIndex: 1,
    ...overrides,
  };
}

function inputFor(media: ValidMedia, overrides: Partial<JobInput> = {}): JobInput {
  return {
    uploadId: UPLOAD_ID,
    plan: planVideo(media, () => MEDIACONVERT_MAX_SECONDS),
    media,
    sourceUri: `s3://media-pipeline-uploads/uploads/${UPLOAD_ID}/source`,
    mediaBucket: 'media-pipeline-media',
    clientRequestToken: '0123456789abcdef',
    settings: SETTINGS,
    ...overrides,
  };
}

function group(job: CreateJobCommandInput, type: 'HLS_GROUP_SETTINGS' | 'FILE_GROUP_SETTINGS'): OutputGroup {
  const found = job.Settings?.OutputGroups?.filter((each) => each.OutputGroupSettings?.Type === type) ?? [];
  expect(found).toHaveLength(1);
  return found[0]!;
}

function h264(job: CreateJobCommandInput) {
  return (group(job, 'HLS_GROUP_SETTINGS').Outputs ?? []).map((output) => output.VideoDescription?.CodecSettings?.H264Settings);
}

interface Probe {
  readonly media: ValidMedia;
  readonly rungs: readonly string[];
  readonly sizes: readonly [number, number][];
  readonly levels: readonly string[];
  /** Per rung, as numerator and denominator. */
  readonly framerates: readonly (readonly [number, number])[];
  readonly audioBitrates: readonly number[] | undefined;
  readonly thumbnails: { readonly width: number; readonly height: number; readonly interval: number; readonly captures: number };
  /** Where reading stops: the stated length plus the 1 s margin, rounded up. */
  readonly endTimecode: string;
}

const PROBES: Record<string, Probe> = {
  '4K 3840x2160 at 30 fps with audio, 45 min': {
    media: video({ width: 3840, height: 2160, durationSeconds: 45 * 60, bitrate: 40_000_000 }),
    rungs: ['240p', '360p', '480p', '720p', '1080p'],
    sizes: [[426, 240], [640, 360], [854, 480], [1280, 720], [1920, 1080]],
    levels: ['LEVEL_3', 'LEVEL_3', 'LEVEL_3_1', 'LEVEL_3_1', 'LEVEL_4'],
    framerates: Array(5).fill([30, 1]),
    audioBitrates: [64_000, 96_000, 128_000, 128_000, 128_000],
    // 2,700 s over 100 thumbnails: every 27 s, 100 frames.
    thumbnails: { width: 160, height: 90, interval: 27, captures: 100 },
    endTimecode: '00:45:01:00',
  },
  'rotated portrait phone video (1080x1920 displayed, rotation 90) at 29.97 fps': {
    media: video({ width: 1080, height: 1920, rotation: 90, fps: 30000 / 1001, durationSeconds: 12 * 60 + 5 }),
    rungs: ['240p', '360p', '480p', '720p', '1080p'],
    sizes: [[240, 426], [360, 640], [480, 854], [720, 1280], [1080, 1920]],
    levels: ['LEVEL_3', 'LEVEL_3', 'LEVEL_3_1', 'LEVEL_3_1', 'LEVEL_4'],
    framerates: Array(5).fill([30000, 1001]),
    audioBitrates: [64_000, 96_000, 128_000, 128_000, 128_000],
    thumbnails: { width: 90, height: 160, interval: 8, captures: 91 },
    endTimecode: '00:12:06:00',
  },
  'video without audio': {
    media: video({ hasAudio: false, audioStreamIndex: undefined, audioCodec: undefined }),
    rungs: ['240p', '360p', '480p', '720p', '1080p'],
    sizes: [[426, 240], [640, 360], [854, 480], [1280, 720], [1920, 1080]],
    levels: ['LEVEL_3', 'LEVEL_3', 'LEVEL_3_1', 'LEVEL_3_1', 'LEVEL_4'],
    framerates: Array(5).fill([30, 1]),
    audioBitrates: undefined,
    thumbnails: { width: 160, height: 90, interval: 7, captures: 95 },
    endTimecode: '00:11:01:00',
  },
  '1080p at 120 fps (renditions at 60, those up to 480p at 30)': {
    media: video({ fps: 120 }),
    rungs: ['240p', '360p', '480p', '720p', '1080p'],
    sizes: [[426, 240], [640, 360], [854, 480], [1280, 720], [1920, 1080]],
    // Rungs up to 480 lines at half the rate.
    levels: ['LEVEL_3', 'LEVEL_3', 'LEVEL_3_1', 'LEVEL_3_2', 'LEVEL_4_2'],
    framerates: [[30, 1], [30, 1], [30, 1], [60, 1], [60, 1]],
    audioBitrates: [64_000, 96_000, 128_000, 128_000, 128_000],
    thumbnails: { width: 160, height: 90, interval: 7, captures: 95 },
    endTimecode: '00:11:01:00',
  },
  'tiny odd size 322x181': {
    media: video({ width: 322, height: 181, durationSeconds: 13 * 60 + 7.5 }),
    rungs: ['180p'],
    sizes: [[322, 180]],
    levels: ['LEVEL_3'],
    framerates: [[30, 1]],
    audioBitrates: [64_000],
    thumbnails: { width: 160, height: 90, interval: 8, captures: 99 },
    endTimecode: '00:13:09:00',
  },
};

describe.each(Object.entries(PROBES))('buildJob: %s', (_name, probe) => {
  const input = inputFor(probe.media);
  const { plan } = input;
  const job = buildJob(input);
  const hls = group(job, 'HLS_GROUP_SETTINGS');
  const outputs = hls.Outputs ?? [];

  it('builds the job in the snapshot', () => {
    expect(job).toMatchSnapshot();
  });

  it('makes one HLS rendition per planned rung, named _<rung>, at the planned size', () => {
    expect(plan.renditions.map((r) => r.name)).toEqual(probe.rungs);
    expect(outputs.map((o) => o.NameModifier)).toEqual(probe.rungs.map((rung) => `_${rung}`));
    expect(outputs.map((o) => [o.VideoDescription?.Width, o.VideoDescription?.Height])).toEqual(probe.sizes);
    expect(outputs.every((o) => o.ContainerSettings?.Container === 'M3U8')).toBe(true);
  });

  it('never upscales the displayed picture, and every size is even', () => {
    const { width, height } = probe.media;
    for (const output of outputs) {
      const { Width = 0, Height = 0 } = output.VideoDescription ?? {};
      expect(Width).toBeLessThanOrEqual(width!);
      expect(Height).toBeLessThanOrEqual(height!);
      expect(Width % 2).toBe(0);
      expect(Height % 2).toBe(0);
      expect(output.VideoDescription?.ScalingBehavior).toBe('DEFAULT');
    }
  });

  it('applies the rotation metadata, keeping a portrait video portrait', () => {
    expect(job.Settings?.Inputs?.[0]?.VideoSelector).toEqual({ Rotate: 'AUTO' });
    const portrait = probe.media.height! > probe.media.width!;
    for (const output of outputs) expect(output.VideoDescription!.Height! > output.VideoDescription!.Width!).toBe(portrait);
  });

  it('puts a keyframe every plan.keyframeSeconds, on the cadence only, dividing the segment length', () => {
    const segmentLength = hls.OutputGroupSettings?.HlsGroupSettings?.SegmentLength;
    expect(segmentLength).toBe(plan.segmentSeconds);
    expect(hls.OutputGroupSettings?.HlsGroupSettings?.SegmentLengthControl).toBe('GOP_MULTIPLE');
    for (const settings of h264(job)) {
      expect(settings).toMatchObject({ GopSize: plan.keyframeSeconds, GopSizeUnits: 'SECONDS', GopClosedCadence: 1, MinIInterval: 0 });
      expect(segmentLength! % settings!.GopSize!).toBe(0);
    }
  });

  it('encodes H.264 High at each rung\'s level, frame rate and bitrate cap', () => {
    const settings = h264(job);
    expect(settings.map((s) => s?.CodecLevel)).toEqual(probe.levels);
    for (const [i, s] of settings.entries()) {
      const rung = plan.renditions[i]!;
      expect(s).toMatchObject({
        RateControlMode: 'QVBR',
        MaxBitrate: rung.videoKbps * 1000,
        CodecProfile: 'HIGH',
        FramerateControl: 'SPECIFIED',
        FramerateNumerator: probe.framerates[i]?.[0],
        FramerateDenominator: probe.framerates[i]?.[1],
      });
    }
  });

  it('reads the original only as far as it states (plus the margin, within the read limit), counting from its first frame', () => {
    expect(plan.readLimitSeconds).toBe(MEDIACONVERT_MAX_SECONDS + 1);
    expect(job.Settings?.TimecodeConfig).toEqual({ Source: 'ZEROBASED' });
    expect(job.Settings?.Inputs).toHaveLength(1);
    expect(job.Settings?.Inputs?.[0]).toMatchObject({
      FileInput: `s3://media-pipeline-uploads/uploads/${UPLOAD_ID}/source`,
      TimecodeSource: 'ZEROBASED',
      InputClippings: [{ EndTimecode: probe.endTimecode }],
    });
  });

  it(probe.audioBitrates ? 'encodes stereo AAC-LC at each rung\'s bitrate from the default track' : 'selects and encodes no audio', () => {
    const input = job.Settings?.Inputs?.[0];
    if (probe.audioBitrates === undefined) {
      expect(input).not.toHaveProperty('AudioSelectors');
      for (const output of outputs) expect(output).not.toHaveProperty('AudioDescriptions');
      return;
    }
    expect(input?.AudioSelectors).toEqual({ 'Audio Selector 1': { DefaultSelection: 'DEFAULT' } });
    expect(outputs.map((o) => o.AudioDescriptions?.length)).toEqual(probe.rungs.map(() => 1));
    expect(outputs.map((o) => o.AudioDescriptions?.[0]?.AudioSourceName)).toEqual(probe.rungs.map(() => 'Audio Selector 1'));
    expect(outputs.map((o) => o.AudioDescriptions?.[0]?.CodecSettings?.AacSettings?.Bitrate)).toEqual(probe.audioBitrates);
  });

  it('writes the HLS outputs and the thumbnail frames under the upload\'s media prefix', () => {
    expect(hls.OutputGroupSettings?.HlsGroupSettings?.Destination).toBe(`s3://media-pipeline-media/media/${UPLOAD_ID}/job-0123456789abcdef/master`);
    expect(group(job, 'FILE_GROUP_SETTINGS').OutputGroupSettings?.FileGroupSettings?.Destination).toBe(
      `s3://media-pipeline-media/media/${UPLOAD_ID}/job-0123456789abcdef/thumbnails/frame`,
    );
  });

  it('captures a thumbnail frame at 0 s and every planned interval, at the planned size', () => {
    const thumbnails = group(job, 'FILE_GROUP_SETTINGS').Outputs ?? [];
    expect(thumbnails).toHaveLength(1);
    expect(thumbnails[0]).toEqual({
      ContainerSettings: { Container: 'RAW' },
      Extension: 'jpg',
      VideoDescription: {
        Width: probe.thumbnails.width,
        Height: probe.thumbnails.height,
        CodecSettings: {
          Codec: 'FRAME_CAPTURE',
          FrameCaptureSettings: {
            FramerateNumerator: 1,
            FramerateDenominator: probe.thumbnails.interval,
            MaxCaptures: probe.thumbnails.captures,
            Quality: 80,
          },
        },
      },
    });
    expect(plan.thumbnails).toEqual({ width: probe.thumbnails.width, height: probe.thumbnails.height, intervalSeconds: probe.thumbnails.interval });
  });

  it('runs on the stack\'s queue as its role, tagged with the upload and the stack, idempotent by the caller\'s token', () => {
    expect(job).toMatchObject({
      Queue: SETTINGS.queueArn,
      Role: SETTINGS.roleArn,
      UserMetadata: { uploadId: UPLOAD_ID, stack: 'media-pipeline-dev', token: '0123456789abcdef' },
      ClientRequestToken: '0123456789abcdef',
      StatusUpdateInterval: 'SECONDS_15',
      AccelerationSettings: { Mode: 'DISABLED' },
    });
    expect(job).not.toHaveProperty('JobTemplate');
  });
});

describe('buildJob settings', () => {
  it('asks for acceleration only where the settings allow it, and then only where MediaConvert finds it worthwhile', () => {
    const job = buildJob(inputFor(video(), { settings: { ...SETTINGS, accelerated: true } }));
    expect(job.AccelerationSettings).toEqual({ Mode: 'PREFERRED' });
  });

  it('clips at the read limit of whatever limit the path has, rounded up to a whole second', () => {
    const media = video({ durationSeconds: 3600 });
    const job = buildJob(inputFor(media, { plan: planVideo(media, () => 1799.5) }));
    expect(job.Settings?.Inputs?.[0]?.InputClippings).toEqual([{ EndTimecode: '00:30:01:00' }]);
  });

  it('reads no further than the original states (plus the margin): MediaConvert bills every minute it encodes, so a file hiding hours behind a short stated length costs its stated length', () => {
    const media = video({ width: 3840, height: 2160, durationSeconds: 5.2 });
    const job = buildJob(inputFor(media));
    expect(job.Settings?.Inputs?.[0]?.InputClippings).toEqual([{ EndTimecode: '00:00:07:00' }]);
  });
});

describe('buildJob refuses what the plan should never produce', () => {
  const media = video();
  const plan = planVideo(media, () => MEDIACONVERT_MAX_SECONDS);
  const withRung = (index: number, change: object): VideoPlan => ({
    ...plan,
    renditions: plan.renditions.map((rung, i) => (i === index ? { ...rung, ...change } : rung)),
  });

  it.each([
    ['an odd width', withRung(2, { width: 853 }), 'Rendition 480p is 853x480; H.264 4:2:0 needs even, positive sides'],
    ['an odd height', withRung(0, { height: 241 }), 'Rendition 240p is 426x241; H.264 4:2:0 needs even, positive sides'],
    ['an upscale', withRung(4, { width: 2560, height: 1440 }), 'Rendition 1080p is 2560x1440, larger than the 1920x1080 original'],
    ['an AAC bitrate MediaConvert lacks', withRung(1, { audioKbps: 100 }), 'AAC bitrate 100 kbit/s is not one MediaConvert accepts'],
    ['an H.264 level MediaConvert lacks', withRung(4, { level: { name: '6.0', idc: 60 } }), 'H.264 level "6.0" has no MediaConvert CodecLevel'],
    ['a frame rate finer than the plan states', withRung(0, { fps: 29.97003 }), 'Frame rate 29.97003 has more than 3 decimals'],
    ['a keyframe interval that does not divide the segment', { ...plan, keyframeSeconds: 4 }, 'Keyframe interval 4 s does not divide the 6 s segment'],
    ['a fractional segment length', { ...plan, segmentSeconds: 6.5 }, 'Segment length 6.5 s is not a whole number of seconds'],
    ['no thumbnail grid', { ...plan, thumbnails: undefined }, 'The plan has no thumbnail grid'],
    ['a fractional thumbnail interval', { ...plan, thumbnails: { width: 160, height: 90, intervalSeconds: 2.5 } }, 'Thumbnail interval 2.5 s'],
  ])('%s, naming the value', (_what, badPlan, message) => {
    expect(() => buildJob(inputFor(media, { plan: badPlan }))).toThrow(RangeError);
    expect(() => buildJob(inputFor(media, { plan: badPlan }))).toThrow(message);
  });

  it('refuses an audio bitrate MediaConvert lacks only where audio is encoded', () => {
    const silent = video({ hasAudio: false, audioStreamIndex: undefined });
    const silentPlan = planVideo(silent, () => MEDIACONVERT_MAX_SECONDS);
    const odd = { ...silentPlan, renditions: silentPlan.renditions.map((rung) => ({ ...rung, audioKbps: 100 })) };
    expect(() => buildJob(inputFor(silent, { plan: odd }))).not.toThrow();
  });

  it.each([
    ['an original of unknown size', { media: video({ width: undefined }) }, 'The original states ?x1080 for 660 s'],
    ['an original of unknown length', { media: video({ durationSeconds: undefined }) }, 'The original states 1920x1080 for ? s'],
    ['a token that is not 16 hex digits', { clientRequestToken: 'x'.repeat(65) }, `Client request token "${'x'.repeat(65)}" is not 16 hex digits`],
    ['a token that could leave its folder', { clientRequestToken: '../0123456789abc' }, 'Client request token "../0123456789abc" is not 16 hex digits'],
    ['an upload id that is not one', { uploadId: '../other' }, 'Upload id "../other" is not a valid upload id'],
    ['a source that is not an S3 URI', { sourceUri: 'https://example.com/a.mp4' }, 'Source "https://example.com/a.mp4" is not an s3://bucket/key URI'],
    ['a media bucket that is not a bucket name', { mediaBucket: 'Media/Bucket' }, 'Media bucket "Media/Bucket" is not a bucket name'],
  ])('refuses %s, naming it', (_what, overrides, message) => {
    expect(() => buildJob(inputFor(media, { plan, ...overrides }))).toThrow(RangeError);
    expect(() => buildJob(inputFor(media, { plan, ...overrides }))).toThrow(message);
  });
});
