import { CreateJobCommand, type CreateJobCommandOutput } from '@aws-sdk/client-mediaconvert';
import { describe, expect, it } from 'vitest';
import { buildJob } from '../../../../../lambdas/process-upload/mediaconvert/buildJob.js';
import { planVideo } from '../../../../../lambdas/process-upload/plan/videoPlan.js';
import type { ValidMedia } from '../../../../../lambdas/process-upload/probe/validateMedia.js';
import { sentByMediaConvertClient } from '../../../support/mediaConvertWire.js';

/**
 * What the SDK puts on the wire for a built job: the form the local emulator's strict schema
 * checks. `test/fixtures/mediaconvert/job-4k.wire.json` is the 4K probe's body, kept true here.
 */
const WIRE_FIXTURE = '../../../../fixtures/mediaconvert/job-4k.wire.json';

const media4k: ValidMedia = {
  kind: 'video',
  found: 'video',
  formatName: 'mov,mp4,m4a,3gp,3g2,mj2',
  demuxer: 'mov',
  durationSeconds: 45 * 60,
  width: 3840,
  height: 2160,
  fps: 30,
  rotation: 0,
  videoCodec: 'h264',
  audioCodec: 'aac',
  hasAudio: true,
  videoStreamIndex: 0,
  audioStreamIndex: 1,
};

const job4k = buildJob({
  uploadId: 'upl_01HXYZ',
  plan: planVideo(media4k, () => 4 * 3600),
  media: media4k,
  sourceUri: 's3://media-pipeline-uploads/uploads/upl_01HXYZ/source',
  mediaBucket: 'media-pipeline-media',
  clientRequestToken: 'upl_01HXYZ-process',
  settings: {
    queueArn: 'arn:aws:mediaconvert:eu-west-1:111122223333:queues/media-pipeline-dev',
    roleArn: 'arn:aws:iam::111122223333:role/media-pipeline-dev-MediaConvertRole',
    stackName: 'media-pipeline-dev',
    accelerated: false,
  },
});

/** Members whose keys are data (names of selectors, metadata keys), which the wire keeps as given. */
const MAPS = new Set(['UserMetadata', 'AudioSelectors']);

/** The SDK input with every member name in lowerCamelCase: what restJson1 should send. */
function lowerCamel(value: unknown, isMap = false): unknown {
  if (Array.isArray(value)) return value.map((each) => lowerCamel(each));
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(
    Object.entries(value).map(([key, member]) => [
      isMap ? key : key.charAt(0).toLowerCase() + key.slice(1),
      lowerCamel(member, !isMap && MAPS.has(key)),
    ]),
  );
}

describe('a built job on the wire', () => {
  it('is POSTed as JSON to the jobs route and parsed back from a 201', async () => {
    const { request, output, error } = await sentByMediaConvertClient<CreateJobCommandOutput>(new CreateJobCommand(job4k));
    expect(error).toBeUndefined();
    expect(request).toMatchObject({ method: 'POST', path: '/2017-08-29/jobs' });
    expect(request.headers['content-type']).toBe('application/json');
    expect(request.headers.host).toBe('mediaconvert.us-east-1.amazonaws.com');
    expect(output?.Job).toMatchObject({ Id: '1', Status: 'SUBMITTED' });
  });

  it('carries every member of the job, renamed to lowerCamelCase, map keys as given, values unchanged', async () => {
    const { request } = await sentByMediaConvertClient(new CreateJobCommand(job4k));
    expect(request.json).toEqual(lowerCamel(job4k));
    const wire = request.json as Record<string, any>;
    expect(wire.settings.outputGroups[0].outputGroupSettings.hlsGroupSettings.segmentLength).toBe(6);
    expect(wire.settings.outputGroups[0].outputs[0].videoDescription.codecSettings.h264Settings.codecLevel).toBe('LEVEL_3');
    expect(wire.settings.inputs[0].audioSelectors).toEqual({ 'Audio Selector 1': { defaultSelection: 'DEFAULT' } });
    expect(wire.userMetadata).toEqual({ uploadId: 'upl_01HXYZ', stack: 'media-pipeline-dev' });
    expect(wire.clientRequestToken).toBe('upl_01HXYZ-process');
  });

  it('is the 4K fixture the emulator\'s schema is tested with', async () => {
    const { request } = await sentByMediaConvertClient(new CreateJobCommand(job4k));
    await expect(`${JSON.stringify(request.json, null, 2)}\n`).toMatchFileSnapshot(WIRE_FIXTURE);
  });

  it('reaches local mode\'s emulator at the same path, and a 400 comes back as BadRequestException with its message', async () => {
    const { request, error } = await sentByMediaConvertClient(new CreateJobCommand(job4k), {
      endpoint: 'http://127.0.0.1:4569',
      answer: {
        statusCode: 400,
        headers: { 'content-type': 'application/json', 'x-amzn-errortype': 'BadRequestException' },
        body: JSON.stringify({ message: 'settings.inputs[0].fileInput: required' }),
      },
    });
    expect(request).toMatchObject({ method: 'POST', path: '/2017-08-29/jobs' });
    expect(request.headers.host).toBe('127.0.0.1:4569');
    expect(error).toMatchObject({ name: 'BadRequestException', message: 'settings.inputs[0].fileInput: required', $metadata: { httpStatusCode: 400 } });
  });
});
