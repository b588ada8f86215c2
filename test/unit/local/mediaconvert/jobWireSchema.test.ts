import { readFileSync } from 'node:fs';
import { CreateJobCommand } from '@aws-sdk/client-mediaconvert';
import { describe, expect, it } from 'vitest';
import { buildJob } from '../../../../lambdas/process-upload/mediaconvert/buildJob.js';
import { planVideo } from '../../../../lambdas/process-upload/plan/videoPlan.js';
import type { ValidMedia } from '../../../../lambdas/process-upload/probe/validateMedia.js';
import { fieldPath, parseJobWire } from '../../../../local/mediaconvert/jobWireSchema.js';
import { sentByMediaConvertClient } from '../../support/mediaConvertWire.js';

/** The builder's 4K job as the real SDK client serialized it (kept true by the builder's own test). */
const job4k = (): any => JSON.parse(readFileSync(new URL('../../../fixtures/mediaconvert/job-4k.wire.json', import.meta.url), 'utf8'));

const silentPortrait: ValidMedia = {
  kind: 'video',
  found: 'video',
  formatName: 'mov,mp4,m4a,3gp,3g2,mj2',
  demuxer: 'mov',
  durationSeconds: 95,
  width: 1080,
  height: 1920,
  fps: 29.97,
  rotation: 90,
  videoCodec: 'h264',
  hasAudio: false,
  videoStreamIndex: 0,
};

function refusal(job: unknown): string {
  const result = parseJobWire(job);
  if (result.ok) throw new Error('the schema accepted the job');
  return result.message;
}

const H264 = 'settings.outputGroups[0].outputs[1].videoDescription.codecSettings.h264Settings';

describe('parseJobWire', () => {
  it("accepts the builder's 4K job exactly as the SDK sends it", () => {
    expect(parseJobWire(job4k())).toMatchObject({ ok: true, job: { userMetadata: { uploadId: 'upl_01HXYZ' } } });
  });

  it('accepts a built silent, rotated, NTSC-rate, accelerated job as the SDK sends it', async () => {
    const input = buildJob({
      uploadId: 'upl_silent',
      plan: planVideo(silentPortrait, () => 4 * 3600),
      media: silentPortrait,
      sourceUri: 's3://media-pipeline-uploads/uploads/upl_silent/source',
      mediaBucket: 'media-pipeline-media',
      clientRequestToken: 'fedcba9876543210',
      settings: {
        queueArn: 'arn:aws:mediaconvert:us-east-1:000000000000:queues/media-pipeline',
        roleArn: 'arn:aws:iam::000000000000:role/mc',
        stackName: 'media-pipeline-local',
        accelerated: true,
      },
    });
    const { request } = await sentByMediaConvertClient(new CreateJobCommand(input));
    const result = parseJobWire(request.json);
    expect(result).toMatchObject({ ok: true, job: { accelerationSettings: { mode: 'PREFERRED' } } });
    if (result.ok) expect(result.job.settings.inputs[0].audioSelectors).toBeUndefined();
  });

  it('refuses a field outside the subset, naming its path', () => {
    const job = job4k();
    job.settings.outputGroups[0].outputs[1].videoDescription.colorMetadata = 'INSERT';
    expect(refusal(job)).toBe('settings.outputGroups[0].outputs[1].videoDescription.colorMetadata: is not a field the emulator accepts');
    const top = { ...job4k(), priority: 10 };
    expect(refusal(top)).toBe('priority: is not a field the emulator accepts');
  });

  it('refuses an enum value the builder never uses, naming its path and the value', () => {
    const job = job4k();
    job.settings.outputGroups[0].outputs[1].videoDescription.codecSettings.h264Settings.gopSizeUnits = 'FRAMES';
    expect(refusal(job)).toBe(`${H264}.gopSizeUnits: must be "SECONDS" (got "FRAMES")`);
    const level = job4k();
    level.settings.outputGroups[0].outputs[1].videoDescription.codecSettings.h264Settings.codecLevel = 'AUTO';
    expect(refusal(level)).toBe(`${H264}.codecLevel: must be "LEVEL_3" or "LEVEL_3_1" or "LEVEL_3_2" or "LEVEL_4" or "LEVEL_4_1" or "LEVEL_4_2" or "LEVEL_5" or "LEVEL_5_1" or "LEVEL_5_2" (got "AUTO")`);
  });

  it('refuses a missing member, an odd size, an AAC bitrate MediaConvert lacks and a second audio selector', () => {
    const missing = job4k();
    delete missing.settings.outputGroups[0].outputs[0].videoDescription.codecSettings.h264Settings.maxBitrate;
    expect(refusal(missing)).toBe('settings.outputGroups[0].outputs[0].videoDescription.codecSettings.h264Settings.maxBitrate: is required');
    const odd = job4k();
    odd.settings.outputGroups[1].outputs[0].videoDescription.width = 161;
    expect(refusal(odd)).toMatch(/^settings\.outputGroups\[1\]\.outputs\[0\]\.videoDescription\.width: /);
    const bitrate = job4k();
    bitrate.settings.outputGroups[0].outputs[0].audioDescriptions[0].codecSettings.aacSettings.bitrate = 100_000;
    expect(refusal(bitrate)).toBe('settings.outputGroups[0].outputs[0].audioDescriptions[0].codecSettings.aacSettings.bitrate: is not one of the accepted values (got 100000)');
    const selector = job4k();
    selector.settings.inputs[0].audioSelectors['Audio Selector 2'] = { defaultSelection: 'NOT_DEFAULT' };
    expect(refusal(selector)).toBe('settings.inputs[0].audioSelectors["Audio Selector 2"]: is not a field the emulator accepts');
  });

  it('refuses outputs that disagree with the input about sound, and repeated name modifiers', () => {
    const silentInput = job4k();
    delete silentInput.settings.inputs[0].audioSelectors;
    expect(refusal(silentInput)).toBe('settings.outputGroups[0].outputs[0].audioDescriptions: needs settings.inputs[0].audioSelectors');
    const repeated = job4k();
    repeated.settings.outputGroups[0].outputs[2].nameModifier = repeated.settings.outputGroups[0].outputs[1].nameModifier;
    expect(refusal(repeated)).toMatch(/^settings\.outputGroups\[0\]\.outputs\[2\]\.nameModifier: repeats "_/);
  });

  it('refuses a third output group and a destination without a base name', () => {
    const third = job4k();
    third.settings.outputGroups.push(third.settings.outputGroups[1]);
    expect(refusal(third)).toMatch(/^settings\.outputGroups: must be at most 2 items/);
    const slash = job4k();
    slash.settings.outputGroups[0].outputGroupSettings.hlsGroupSettings.destination = 's3://media-pipeline-media/media/upl_01HXYZ/';
    expect(refusal(slash)).toMatch(/^settings\.outputGroups\[0\]\.outputGroupSettings\.hlsGroupSettings\.destination: must be s3:\/\/bucket\/prefix\/base/);
  });
});

describe('fieldPath', () => {
  it('writes the wire path as JavaScript would read it', () => {
    expect(fieldPath(['settings', 'outputGroups', 0, 'outputs', 3, 'nameModifier'])).toBe('settings.outputGroups[0].outputs[3].nameModifier');
    expect(fieldPath(['settings', 'inputs', 0, 'audioSelectors', 'Audio Selector 1'])).toBe('settings.inputs[0].audioSelectors["Audio Selector 1"]');
  });
});
