import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { crfForQvbr, emulatedFfmpegCommand, h264LevelOf, timecodeSeconds } from '../../../../local/mediaconvert/emulatedFfmpegCommand.js';
import { type JobWire, parseJobWire } from '../../../../local/mediaconvert/jobWireSchema.js';

function job4k(): JobWire {
  const result = parseJobWire(JSON.parse(readFileSync(new URL('../../../fixtures/mediaconvert/job-4k.wire.json', import.meta.url), 'utf8')));
  if (!result.ok) throw new Error(result.message);
  return result.job;
}

/** The options ffmpeg applies to the output file `file` (everything after the previous output). */
function outputOptions(args: readonly string[], file: string): string[] {
  const end = args.indexOf(file);
  const outputs = args.map((arg, i) => (arg.endsWith('.m3u8') || arg.endsWith('.jpg') ? i : -1)).filter((i) => i >= 0 && i < end);
  return args.slice((outputs.at(-1) ?? args.indexOf('-filter_complex') + 1) + 1, end);
}

describe('emulatedFfmpegCommand', () => {
  const job = job4k();
  const command = emulatedFfmpegCommand(job, '/work/input', '/work');
  const { args } = command;

  it('reads the input only up to the clip end timecode', () => {
    expect(command.clipSeconds).toBe(45 * 60 + 1);
    expect(args.slice(args.indexOf('-t'), args.indexOf('-i') + 2)).toEqual(['-t', '2701', '-i', '/work/input']);
  });

  it('writes the master and variant playlists under the names MediaConvert documents', () => {
    expect(command.hls.master).toBe('master.m3u8');
    expect(command.hls.destination).toEqual({ bucket: 'media-pipeline-media', prefix: 'media/upl_01HXYZ/job-0123456789abcdef/', base: 'master' });
    expect(command.hls.variants.map((variant) => variant.playlist)).toEqual(['master_240p.m3u8', 'master_360p.m3u8', 'master_480p.m3u8', 'master_720p.m3u8', 'master_1080p.m3u8']);
  });

  it("encodes each HLS output from the job's own settings: size, frame rate, level, cap, GOP and audio", () => {
    const top = job.settings.outputGroups[0].outputs[4];
    if (!top) throw new Error('the 4K fixture lost its top rung');
    const h264 = top.videoDescription.codecSettings.h264Settings;
    const graph = args[args.indexOf('-filter_complex') + 1] as string;
    expect(graph).toContain(`[s4]fps=${h264.framerateNumerator}/${h264.framerateDenominator},scale=${top.videoDescription.width}:${top.videoDescription.height},setsar=1`);
    const options = outputOptions(args, '/work/hls/master_1080p.m3u8');
    const value = (name: string) => options[options.indexOf(name) + 1];
    expect(value('-map')).toBe('[v4]');
    expect(value('-profile:v')).toBe('high');
    expect(value('-level:v')).toBe(h264LevelOf(h264.codecLevel).name);
    expect(value('-maxrate')).toBe(`${h264.maxBitrate / 1000}k`);
    expect(value('-crf')).toBe(String(crfForQvbr(h264.qvbrSettings.qvbrQualityLevel)));
    expect(value('-force_key_frames')).toBe(`expr:gte(t,n_forced*${h264.gopSize})`);
    expect(value('-sc_threshold')).toBe('0');
    expect(value('-b:a')).toBe(`${(top.audioDescriptions?.[0].codecSettings.aacSettings.bitrate ?? 0) / 1000}k`);
    expect(value('-ac')).toBe('2');
    expect(value('-ar')).toBe('48000');
    expect(value('-hls_time')).toBe(String(job.settings.outputGroups[0].outputGroupSettings.hlsGroupSettings.segmentLength));
    expect(value('-hls_segment_filename')).toBe('/work/hls/master_1080p_%05d.ts');
    expect(command.hls.variants[4]?.codecs).toEqual(['avc1.640028', 'mp4a.40.2']);
  });

  it('maps no audio into an output without audio descriptions', () => {
    const silent = job4k();
    delete (silent.settings.inputs[0] as { audioSelectors?: unknown }).audioSelectors;
    for (const output of silent.settings.outputGroups[0].outputs) delete (output as { audioDescriptions?: unknown }).audioDescriptions;
    const silentArgs = emulatedFfmpegCommand(silent, '/work/input', '/work').args;
    expect(silentArgs).not.toContain('0:a:0');
    expect(silentArgs).not.toContain('-c:a');
  });

  it('captures the first frame then one every Denominator/Numerator seconds, at most MaxCaptures, numbered from 0', () => {
    const capture = job.settings.outputGroups[1].outputs[0].videoDescription;
    const graph = args[args.indexOf('-filter_complex') + 1] as string;
    expect(graph).toContain(`[sf]fps=1/${capture.codecSettings.frameCaptureSettings.framerateDenominator},scale=${capture.width}:${capture.height}`);
    const options = outputOptions(args, '/work/frames/frame.%07d.jpg');
    expect(options.slice(options.indexOf('-frames:v'), options.indexOf('-frames:v') + 2)).toEqual(['-frames:v', '100']);
    expect(options.slice(options.indexOf('-start_number'), options.indexOf('-start_number') + 2)).toEqual(['-start_number', '0']);
  });
});

describe('job value conversions', () => {
  it('reads levels, timecodes and QVBR levels', () => {
    expect(h264LevelOf('LEVEL_3_1')).toEqual({ name: '3.1', idc: 31 });
    expect(h264LevelOf('LEVEL_4')).toEqual({ name: '4.0', idc: 40 });
    expect(h264LevelOf('LEVEL_5_2')).toEqual({ name: '5.2', idc: 52 });
    expect(timecodeSeconds('01:02:03:00')).toBe(3723);
    expect([7, 8, 9].map(crfForQvbr)).toEqual([23, 21, 19]);
  });
});
