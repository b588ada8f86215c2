import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { ListObjectsV2Command, PutObjectCommand, S3Client, type S3ClientConfig } from '@aws-sdk/client-s3';
import {
  CancelJobCommand,
  CreateJobCommand,
  type CreateJobCommandInput,
  GetJobCommand,
  type MediaConvertServiceException,
  MediaConvertClient,
} from '@aws-sdk/client-mediaconvert';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildJob } from '../../lambdas/process-upload/mediaconvert/buildJob.js';
import { planVideo } from '../../lambdas/process-upload/plan/videoPlan.js';
import type { ValidMedia } from '../../lambdas/process-upload/probe/validateMedia.js';
import type { JobStateChangeEvent } from '../../local/mediaconvert/jobStateChangeEvent.js';
import { type MediaConvertEmulator, startMediaConvertEmulator } from '../../local/mediaconvert/MediaConvertEmulator.js';
import { resolveLocalFfmpeg } from '../../local/resolveLocalFfmpeg.js';
import { MEDIA_BUCKET_CORS, UPLOADS_BUCKET_CORS } from '../../local/s3/bucketCors.js';
import { type S3Emulator, startS3Emulator } from '../../local/s3/startS3Emulator.js';
import { documentedEvent, jsonKeyPaths } from '../support/jsonKeyPaths.js';
import { ffprobeJson, makePortraitVideo, makeVideo } from './processFixtures.js';
import { readObject } from './support/localHttp.js';

const UPLOADS = 'mc-uploads';
const MEDIA = 'mc-media';
const REGION = 'us-east-1';
const CREDENTIALS = { accessKeyId: 'S3RVER', secretAccessKey: 'mediaconvert-emulator-test' };

let dir: string;
let s3Emulator: S3Emulator;
let s3: S3Client;
let emulator: MediaConvertEmulator;
let mc: MediaConvertClient;
const events: JobStateChangeEvent[] = [];
const logged: string[] = [];
let failDeliveries = 0;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'mediaconvert-emulator-'));
  const ffmpeg = resolveLocalFfmpeg();
  if ('problem' in ffmpeg) throw new Error(`the emulator needs ffmpeg: ${ffmpeg.problem}`);
  s3Emulator = await startS3Emulator({
    host: '127.0.0.1',
    port: 0,
    directory: join(dir, 's3'),
    buckets: [
      { name: UPLOADS, cors: UPLOADS_BUCKET_CORS },
      { name: MEDIA, cors: MEDIA_BUCKET_CORS },
    ],
    credentials: CREDENTIALS,
    onEvent: () => undefined,
  });
  const s3Config: S3ClientConfig = {
    endpoint: `http://127.0.0.1:${s3Emulator.port}`,
    region: REGION,
    credentials: CREDENTIALS,
    forcePathStyle: true,
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
  };
  s3 = new S3Client(s3Config);
  emulator = await startMediaConvertEmulator({
    s3: s3Config,
    ffmpeg: ffmpeg.ffmpeg,
    ffprobe: ffmpeg.ffprobe,
    deliver: async (event) => {
      if (failDeliveries > 0) {
        failDeliveries -= 1;
        throw new Error('target unavailable');
      }
      events.push(event);
    },
    log: { info: (line) => logged.push(line), warn: (line) => logged.push(`warn: ${line}`), error: (line) => logged.push(`error: ${line}`) },
    region: REGION,
    statusUpdateIntervalMs: 200,
    deliveryRetryDelaysMs: [10, 10],
  });
  mc = new MediaConvertClient({ endpoint: emulator.endpoint, region: REGION, credentials: CREDENTIALS });
});

afterAll(async () => {
  mc?.destroy();
  await emulator?.close();
  s3?.destroy();
  await s3Emulator?.stop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

interface JobShape {
  readonly uploadId: string;
  readonly audio: boolean;
  readonly clipSeconds: number;
  readonly maxCaptures: number;
}

/** A job as our builder shapes it (docs: MEDIACONVERT contract), small enough for two cores. */
function jobInput(shape: JobShape): CreateJobCommandInput {
  const { uploadId, audio } = shape;
  const rung = (name: string, width: number, height: number, maxBitrate: number) => ({
    NameModifier: `_${name}`,
    ContainerSettings: { Container: 'M3U8' as const },
    VideoDescription: {
      Width: width,
      Height: height,
      ScalingBehavior: 'DEFAULT' as const,
      AfdSignaling: 'NONE' as const,
      RespondToAfd: 'NONE' as const,
      CodecSettings: {
        Codec: 'H_264' as const,
        H264Settings: {
          RateControlMode: 'QVBR' as const,
          QvbrSettings: { QvbrQualityLevel: 7 },
          MaxBitrate: maxBitrate,
          CodecProfile: 'HIGH' as const,
          CodecLevel: 'LEVEL_3_1' as const,
          FramerateControl: 'SPECIFIED' as const,
          FramerateNumerator: 25,
          FramerateDenominator: 1,
          FramerateConversionAlgorithm: 'DUPLICATE_DROP' as const,
          GopSize: 1,
          GopSizeUnits: 'SECONDS' as const,
          GopClosedCadence: 1,
          MinIInterval: 0,
          SceneChangeDetect: 'TRANSITION_DETECTION' as const,
          QualityTuningLevel: 'SINGLE_PASS_HQ' as const,
          ParControl: 'SPECIFIED' as const,
          ParNumerator: 1,
          ParDenominator: 1,
          InterlaceMode: 'PROGRESSIVE' as const,
        },
      },
    },
    ...(audio
      ? {
          AudioDescriptions: [
            {
              AudioSourceName: 'Audio Selector 1',
              CodecSettings: {
                Codec: 'AAC' as const,
                AacSettings: { CodecProfile: 'LC' as const, CodingMode: 'CODING_MODE_2_0' as const, RateControlMode: 'CBR' as const, SampleRate: 48000, Bitrate: 96000 },
              },
            },
          ],
        }
      : {}),
  });
  return {
    Role: 'arn:aws:iam::000000000000:role/media-pipeline-mediaconvert',
    Queue: emulator.queueArn,
    UserMetadata: { uploadId, stack: 'media-pipeline-test', token: 'a1b2c3d4e5f60718' },
    StatusUpdateInterval: 'SECONDS_15',
    AccelerationSettings: { Mode: 'DISABLED' },
    Settings: {
      TimecodeConfig: { Source: 'ZEROBASED' },
      Inputs: [
        {
          FileInput: `s3://${UPLOADS}/uploads/${uploadId}/source`,
          TimecodeSource: 'ZEROBASED',
          InputClippings: [{ EndTimecode: `00:00:${String(shape.clipSeconds).padStart(2, '0')}:00` }],
          VideoSelector: { Rotate: 'AUTO' },
          ...(audio ? { AudioSelectors: { 'Audio Selector 1': { DefaultSelection: 'DEFAULT' as const } } } : {}),
        },
      ],
      OutputGroups: [
        {
          Name: 'HLS',
          OutputGroupSettings: {
            Type: 'HLS_GROUP_SETTINGS',
            HlsGroupSettings: {
              Destination: `s3://${MEDIA}/media/${uploadId}/master`,
              SegmentLength: 2,
              SegmentLengthControl: 'GOP_MULTIPLE',
              MinSegmentLength: 0,
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
          Outputs: [rung('180p', 320, 180, 400_000), rung('360p', 640, 360, 800_000)],
        },
        {
          Name: 'Thumbnails',
          OutputGroupSettings: { Type: 'FILE_GROUP_SETTINGS', FileGroupSettings: { Destination: `s3://${MEDIA}/media/${uploadId}/thumbnails/frame` } },
          Outputs: [
            {
              ContainerSettings: { Container: 'RAW' },
              Extension: 'jpg',
              VideoDescription: {
                Width: 160,
                Height: 90,
                CodecSettings: {
                  Codec: 'FRAME_CAPTURE',
                  FrameCaptureSettings: { FramerateNumerator: 1, FramerateDenominator: 1, MaxCaptures: shape.maxCaptures, Quality: 80 },
                },
              },
            },
          ],
        },
      ],
    },
  };
}

let uploads = 0;
async function upload(file: string | Buffer): Promise<string> {
  uploads += 1;
  const uploadId = `upl${uploads}${Date.now()}`;
  const body = typeof file === 'string' ? await readFile(file) : file;
  await s3.send(new PutObjectCommand({ Bucket: UPLOADS, Key: `uploads/${uploadId}/source`, Body: body }));
  return uploadId;
}

function eventsOf(jobId: string): JobStateChangeEvent[] {
  return events.filter((event) => event.detail.jobId === jobId);
}

/** Waits (bounded) until the job has sent an event with this status. */
async function eventWith(jobId: string, status: string): Promise<JobStateChangeEvent> {
  for (let i = 0; i < 3000; i += 1) {
    const found = eventsOf(jobId).find((event) => event.detail.status === status);
    if (found) return found;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  throw new Error(`no ${status} event for job ${jobId}; got ${eventsOf(jobId).map((event) => event.detail.status).join(', ')}`);
}

async function mediaKeys(uploadId: string): Promise<string[]> {
  const { Contents } = await s3.send(new ListObjectsV2Command({ Bucket: MEDIA, Prefix: `media/${uploadId}/` }));
  return (Contents ?? []).map((object) => (object.Key as string).slice(`media/${uploadId}/`.length)).sort();
}

async function refused(command: Promise<unknown>): Promise<MediaConvertServiceException> {
  try {
    await command;
  } catch (error) {
    return error as MediaConvertServiceException;
  }
  throw new Error('the request was accepted');
}

describe('MediaConvert emulator', () => {
  it('says it is MediaConvert emulated with ffmpeg, and where', () => {
    expect(logged).toContainEqual(expect.stringMatching(new RegExp(`^MediaConvert emulated with ffmpeg \\(\\S+.*\\) at ${emulator.endpoint}$`)));
  });

  it('runs a job to COMPLETE: clipped HLS under MediaConvert names that ffprobe plays, frame captures, documented events', async () => {
    const uploadId = await upload(await makeVideo(join(dir, 'four.mp4'), { width: 640, height: 360, seconds: 4 }));
    const { Job } = await mc.send(new CreateJobCommand(jobInput({ uploadId, audio: true, clipSeconds: 3, maxCaptures: 3 })));
    expect(Job).toMatchObject({ Status: 'SUBMITTED', Queue: emulator.queueArn, UserMetadata: { uploadId, stack: 'media-pipeline-test', token: 'a1b2c3d4e5f60718' } });
    expect(Job?.Arn).toBe(`arn:aws:mediaconvert:${REGION}:000000000000:jobs/${Job?.Id}`);
    expect(Job?.CreatedAt).toBeInstanceOf(Date);

    const complete = await eventWith(Job?.Id as string, 'COMPLETE');
    const statuses = eventsOf(Job?.Id as string).map((event) => event.detail.status);
    expect(statuses[0]).toBe('PROGRESSING');
    expect(statuses.at(-1)).toBe('COMPLETE');
    expect(new Set(statuses)).toEqual(new Set(statuses.filter((status) => status === 'PROGRESSING' || status === 'STATUS_UPDATE' || status === 'COMPLETE')));
    expect(complete).toMatchObject({ source: 'aws.mediaconvert', 'detail-type': 'MediaConvert Job State Change', resources: [Job?.Arn] });

    // The events themselves, as sent, have the documented shapes.
    const opaque = new Set(['userMetadata']);
    const documented = new Set([...jsonKeyPaths(documentedEvent('apple-hls-group'), opaque), ...jsonKeyPaths(documentedEvent('file-group-with-frame-capture-output'), opaque)]);
    expect([...jsonKeyPaths(complete, opaque)].filter((path) => !documented.has(path))).toEqual([]);
    const progressing = eventsOf(Job?.Id as string)[0];
    expect([...jsonKeyPaths(progressing, opaque)].sort()).toEqual([...jsonKeyPaths(documentedEvent('ev_status_progressing'), opaque)].sort());

    const base = `s3://${MEDIA}/media/${uploadId}`;
    const detail = complete.detail as Extract<JobStateChangeEvent['detail'], { status: 'COMPLETE' }>;
    expect(detail.outputGroupDetails).toMatchObject([
      {
        type: 'HLS_GROUP',
        playlistFilePaths: [`${base}/master.m3u8`],
        outputDetails: [
          { outputFilePaths: [`${base}/master_180p.m3u8`], videoDetails: { widthInPx: 320, heightInPx: 180 } },
          { outputFilePaths: [`${base}/master_360p.m3u8`], videoDetails: { widthInPx: 640, heightInPx: 360 } },
        ],
      },
      { type: 'FILE_GROUP', outputDetails: [{ outputFilePaths: [`${base}/thumbnails/frame.0000002.jpg`], videoDetails: { widthInPx: 160, heightInPx: 90 } }] },
    ]);

    const keys = await mediaKeys(uploadId);
    expect(keys).toEqual(expect.arrayContaining(['master.m3u8', 'master_180p.m3u8', 'master_360p.m3u8', 'master_180p_00001.ts', 'master_360p_00001.ts']));
    expect(keys.filter((key) => key.startsWith('thumbnails/'))).toEqual(['thumbnails/frame.0000000.jpg', 'thumbnails/frame.0000001.jpg', 'thumbnails/frame.0000002.jpg']);

    // Played from a copy of what S3 holds, as a player would read it.
    const copy = join(dir, uploadId);
    for (const key of keys) {
      const path = join(copy, key);
      await mkdir(dirname(path), { recursive: true });
      await writeFile(path, await readObject(s3, MEDIA, `media/${uploadId}/${key}`));
    }
    const master = await readFile(join(copy, 'master.m3u8'), 'utf8');
    expect(master).toMatch(/#EXT-X-STREAM-INF:BANDWIDTH=\d+,.*CODECS="avc1\.64001f,mp4a\.40\.2",RESOLUTION=320x180.*\nmaster_180p\.m3u8\n/);
    expect(master).toMatch(/RESOLUTION=640x360.*\nmaster_360p\.m3u8\n/);
    for (const [variant, width, height] of [['master_180p.m3u8', 320, 180], ['master_360p.m3u8', 640, 360]] as const) {
      const probe = await ffprobeJson(join(copy, variant), '-show_entries', 'stream=codec_type,codec_name,profile,level,width,height,sample_rate,channels:format=duration');
      expect(probe.streams).toEqual(
        expect.arrayContaining([
          expect.objectContaining({ codec_type: 'video', codec_name: 'h264', profile: 'High', level: 31, width, height }),
          expect.objectContaining({ codec_type: 'audio', codec_name: 'aac', sample_rate: '48000', channels: 2 }),
        ]),
      );
      // Clipped at 00:00:03:00 of a 4-second original.
      expect(Number(probe.format.duration)).toBeGreaterThan(2.8);
      expect(Number(probe.format.duration)).toBeLessThan(3.3);
    }
    const frame = await ffprobeJson(join(copy, 'thumbnails/frame.0000000.jpg'), '-show_entries', 'stream=width,height');
    expect(frame.streams[0]).toMatchObject({ width: 160, height: 90 });

    const { Job: done } = await mc.send(new GetJobCommand({ Id: Job?.Id }));
    expect(done?.Status).toBe('COMPLETE');
    // GetJob carries no file paths (only the event does).
    expect(done?.OutputGroupDetails?.[0]?.OutputDetails?.[1]).toEqual({ DurationInMs: expect.any(Number), VideoDetails: { WidthInPx: 640, HeightInPx: 360 } });

    const again = await refused(mc.send(new CancelJobCommand({ Id: Job?.Id })));
    expect(again.name).toBe('ConflictException');
    expect(again.$metadata.httpStatusCode).toBe(409);
  });

  it('runs what the job builder makes for a rotated phone video: upright renditions at the built sizes', async () => {
    const uploadId = await upload(await makePortraitVideo(dir, 640, 360, 4));
    const media: ValidMedia = {
      kind: 'video',
      found: 'video',
      formatName: 'mov,mp4,m4a,3gp,3g2,mj2',
      demuxer: 'mov',
      durationSeconds: 4,
      width: 360,
      height: 640,
      fps: 25,
      rotation: 90,
      videoCodec: 'h264',
      audioCodec: 'aac',
      hasAudio: true,
      videoStreamIndex: 0,
      audioStreamIndex: 1,
    };
    const input = buildJob({
      uploadId,
      plan: planVideo(media, () => 4 * 3600),
      media,
      sourceUri: `s3://${UPLOADS}/uploads/${uploadId}/source`,
      mediaBucket: MEDIA,
      clientRequestToken: '0123456789abcdef',
      settings: { queueArn: emulator.queueArn, roleArn: 'arn:aws:iam::000000000000:role/mc', stackName: 'media-pipeline-test', accelerated: false },
    });
    const { Job } = await mc.send(new CreateJobCommand(input));
    const complete = await eventWith(Job?.Id as string, 'COMPLETE');
    const detail = complete.detail as Extract<JobStateChangeEvent['detail'], { status: 'COMPLETE' }>;
    const built = input.Settings?.OutputGroups?.[0]?.Outputs ?? [];
    expect(built.length).toBeGreaterThan(0);
    const copy = join(dir, uploadId);
    for (const key of await mediaKeys(uploadId)) {
      await mkdir(dirname(join(copy, key)), { recursive: true });
      await writeFile(join(copy, key), await readObject(s3, MEDIA, `media/${uploadId}/${key}`));
    }
    for (const [i, output] of built.entries()) {
      const { Width: width, Height: height } = output.VideoDescription ?? {};
      expect(height).toBeGreaterThan(width as number);
      const playlist = `job-0123456789abcdef/master${output.NameModifier}.m3u8`;
      expect(detail.outputGroupDetails[0]?.outputDetails[i]?.outputFilePaths).toEqual([`s3://${MEDIA}/media/${uploadId}/${playlist}`]);
      const probe = await ffprobeJson(join(copy, playlist), '-show_entries', 'stream=codec_type,width,height:format=duration');
      expect(probe.streams).toContainEqual(expect.objectContaining({ codec_type: 'video', width, height }));
      expect(Number(probe.format.duration)).toBeGreaterThan(3.7);
      expect(Number(probe.format.duration)).toBeLessThan(4.3);
    }
  });

  it('cancels a job mid-transcode: ffmpeg is killed, CANCELED, nothing written', async () => {
    const uploadId = await upload(await makeVideo(join(dir, 'ten.mp4'), { width: 640, height: 360, seconds: 10 }));
    const { Job } = await mc.send(new CreateJobCommand(jobInput({ uploadId, audio: true, clipSeconds: 11, maxCaptures: 10 })));
    const id = Job?.Id as string;
    let pid: number | undefined;
    for (let i = 0; i < 3000 && pid === undefined; i += 1) {
      pid = emulator.ffmpegPid(id);
      if (pid === undefined) await new Promise((resolve) => setTimeout(resolve, 10));
    }
    expect(pid).toBeTypeOf('number');
    // Frozen, so it is certainly still mid-job when the cancel arrives.
    process.kill(pid as number, 'SIGSTOP');

    await mc.send(new CancelJobCommand({ Id: id }));
    await eventWith(id, 'CANCELED');
    let alive = true;
    for (let i = 0; i < 500 && alive; i += 1) {
      try {
        process.kill(pid as number, 0);
        await new Promise((resolve) => setTimeout(resolve, 10));
      } catch {
        alive = false;
      }
    }
    expect(alive).toBe(false);
    await emulator.idle();
    expect((await mc.send(new GetJobCommand({ Id: id }))).Job?.Status).toBe('CANCELED');
    expect(eventsOf(id).map((event) => event.detail.status)).not.toContain('COMPLETE');
    expect(await mediaKeys(uploadId)).toEqual([]);
  });

  it('holds jobs in PROGRESSING until released; a cancel while held ends CANCELED and runs nothing', async () => {
    emulator.holdJobs();
    try {
      const uploadId = await upload(join(dir, 'four.mp4'));
      const { Job } = await mc.send(new CreateJobCommand(jobInput({ uploadId, audio: true, clipSeconds: 3, maxCaptures: 3 })));
      const id = Job?.Id as string;
      await eventWith(id, 'PROGRESSING');
      expect((await mc.send(new GetJobCommand({ Id: id }))).Job).toMatchObject({ Status: 'PROGRESSING', CurrentPhase: 'PROBING', JobPercentComplete: 0 });
      // A held job keeps reporting, every statusUpdateIntervalMs, in the documented shape.
      const update = await eventWith(id, 'STATUS_UPDATE');
      expect(update.detail).toMatchObject({ jobProgress: { currentPhase: 'PROBING', jobPercentComplete: 0, phaseProgress: { PROBING: { status: 'PROGRESSING' }, UPLOADING: { status: 'PENDING' } } } });
      const opaque = new Set(['userMetadata']);
      expect([...jsonKeyPaths(update, opaque)].sort()).toEqual([...jsonKeyPaths(documentedEvent('ev_status_status_update'), opaque)].sort());
      await mc.send(new CancelJobCommand({ Id: id }));
      await eventWith(id, 'CANCELED');
      emulator.releaseJobs();
      await emulator.idle();
      expect(eventsOf(id).map((event) => event.detail.status).filter((status) => status !== 'STATUS_UPDATE')).toEqual(['PROGRESSING', 'CANCELED']);
      expect(await mediaKeys(uploadId)).toEqual([]);
    } finally {
      emulator.releaseJobs();
    }
  });

  it('refuses a field outside the builder subset with a 400 naming its path, and starts nothing', async () => {
    const input = jobInput({ uploadId: 'bad', audio: false, clipSeconds: 3, maxCaptures: 3 });
    const h264 = input.Settings?.OutputGroups?.[0]?.Outputs?.[1]?.VideoDescription?.CodecSettings?.H264Settings;
    if (!h264) throw new Error('fixture lost its H264Settings');
    h264.GopSizeUnits = 'FRAMES';
    const wrongEnum = await refused(mc.send(new CreateJobCommand(input)));
    expect(wrongEnum.name).toBe('BadRequestException');
    expect(wrongEnum.$metadata.httpStatusCode).toBe(400);
    expect(wrongEnum.message).toBe('settings.outputGroups[0].outputs[1].videoDescription.codecSettings.h264Settings.gopSizeUnits: must be "SECONDS" (got "FRAMES")');

    const unknown = await refused(mc.send(new CreateJobCommand({ ...jobInput({ uploadId: 'bad', audio: false, clipSeconds: 3, maxCaptures: 3 }), Priority: 10 })));
    expect(unknown.name).toBe('BadRequestException');
    expect(unknown.message).toBe('priority: is not a field the emulator accepts');

    const otherQueue = await refused(
      mc.send(new CreateJobCommand({ ...jobInput({ uploadId: 'bad', audio: false, clipSeconds: 3, maxCaptures: 3 }), Queue: 'arn:aws:mediaconvert:us-east-1:000000000000:queues/Default' })),
    );
    expect(otherQueue.name).toBe('NotFoundException');
    expect(otherQueue.message).toContain('queues/Default');
    expect(events.filter((event) => event.detail.userMetadata.uploadId === 'bad')).toEqual([]);
  });

  it('ends a job forced to fail with an ERROR event carrying the code, delivered despite a failing target', async () => {
    const uploadId = await upload(join(dir, 'four.mp4'));
    emulator.failNextJob({ errorCode: 1040, errorMessage: 'Forced settings error' });
    failDeliveries = 1;
    const { Job } = await mc.send(new CreateJobCommand(jobInput({ uploadId, audio: true, clipSeconds: 3, maxCaptures: 3 })));
    const error = await eventWith(Job?.Id as string, 'ERROR');
    expect(error.detail).toMatchObject({ status: 'ERROR', errorCode: 1040, errorMessage: 'Forced settings error', userMetadata: { uploadId } });
    expect(eventsOf(Job?.Id as string)[0]?.detail.status).toBe('PROGRESSING');
    expect(logged).toContainEqual(expect.stringMatching(/^warn: MediaConvert PROGRESSING event of job .* failed \(target unavailable\); retrying/));
    expect((await mc.send(new GetJobCommand({ Id: Job?.Id }))).Job).toMatchObject({ Status: 'ERROR', ErrorCode: 1040, ErrorMessage: 'Forced settings error' });
    expect(await mediaKeys(uploadId)).toEqual([]);
  });

  it('ends a job whose input ffmpeg cannot read with ERROR 1010 and the tool first error line', async () => {
    const uploadId = await upload(Buffer.from('this is not a video, whatever its name says'));
    const { Job } = await mc.send(new CreateJobCommand(jobInput({ uploadId, audio: true, clipSeconds: 3, maxCaptures: 3 })));
    const error = await eventWith(Job?.Id as string, 'ERROR');
    expect(error.detail).toMatchObject({ errorCode: 1010, errorMessage: expect.stringContaining('Invalid data') });
    expect(await mediaKeys(uploadId)).toEqual([]);
  });

  it('answers a reused client request token with the original job, and unknown jobs and routes with 404', async () => {
    const uploadId = await upload(join(dir, 'four.mp4'));
    emulator.failNextJob({ errorCode: 1999, errorMessage: 'not run' });
    const input = { ...jobInput({ uploadId, audio: true, clipSeconds: 3, maxCaptures: 3 }), ClientRequestToken: `token-${uploadId}` };
    const first = await mc.send(new CreateJobCommand(input));
    const second = await mc.send(new CreateJobCommand(input));
    expect(second.Job?.Id).toBe(first.Job?.Id);
    await emulator.idle();

    const missing = await refused(mc.send(new GetJobCommand({ Id: '1700000000000-nojob0' })));
    expect(missing.name).toBe('NotFoundException');
    const route = await fetch(`${emulator.endpoint}/2017-08-29/queues`);
    expect(route.status).toBe(404);
    expect(route.headers.get('x-amzn-errortype')).toBe('NotFoundException');
    expect(await route.json()).toEqual({ message: expect.stringContaining('/2017-08-29/queues') });
  });
});
