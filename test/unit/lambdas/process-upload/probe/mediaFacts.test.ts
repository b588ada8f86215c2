import { describe, expect, it } from 'vitest';
import { describeMedia } from '../../../../../lambdas/process-upload/probe/mediaFacts.js';
import type { ProbeOutput, ProbeStream } from '../../../../../lambdas/process-upload/ffmpeg/probeOutput.js';

const probe = (formatName: string, streams: ProbeStream[], duration?: string): ProbeOutput => ({
  format: { format_name: formatName, duration, bit_rate: '1000000' },
  streams,
});
const h264 = (overrides: Partial<ProbeStream> = {}): ProbeStream => ({
  index: 0,
  codec_type: 'video',
  codec_name: 'h264',
  width: 1920,
  height: 1080,
  avg_frame_rate: '30000/1001',
  ...overrides,
});
const aac: ProbeStream = { index: 1, codec_type: 'audio', codec_name: 'aac' };
const MP4 = 'mov,mp4,m4a,3gp,3g2,mj2';

describe('describeMedia', () => {
  it('reads a video with sound: size, rate, codecs, duration and stream indexes', () => {
    expect(describeMedia(probe(MP4, [h264(), aac], '12.5'))).toEqual({
      kind: 'video',
      found: 'video (h264, 1920x1080)',
      formatName: MP4,
      durationSeconds: 12.5,
      width: 1920,
      height: 1080,
      rotation: 0,
      fps: 30000 / 1001,
      decodeFps: 30000 / 1001,
      videoCodec: 'h264',
      audioCodec: 'aac',
      bitrate: 1_000_000,
      hasAudio: true,
      videoStreamIndex: 0,
      audioStreamIndex: 1,
    });
  });

  it('swaps the size of a quarter-turned phone video, from the display matrix or the legacy rotate tag', () => {
    const matrix = describeMedia(probe(MP4, [h264({ side_data_list: [{ side_data_type: 'Display Matrix', rotation: -90 }] }), aac], '3'));
    expect(matrix).toMatchObject({ width: 1080, height: 1920, rotation: 90 });
    const tag = describeMedia(probe(MP4, [h264({ tags: { rotate: '270' } })], '3'));
    expect(tag).toMatchObject({ width: 1080, height: 1920, rotation: 270, hasAudio: false });
    const upsideDown = describeMedia(probe(MP4, [h264({ side_data_list: [{ rotation: 180 }] })], '3'));
    expect(upsideDown).toMatchObject({ width: 1920, height: 1080, rotation: 180 });
  });

  it('applies a non-square sample aspect ratio to the width', () => {
    expect(describeMedia(probe(MP4, [h264({ width: 720, height: 576, sample_aspect_ratio: '16:11' })], '3'))).toMatchObject({ width: 1047, height: 576 });
  });

  it('takes an mp3 with cover art for audio: the attached picture is not video', () => {
    const cover: ProbeStream = { index: 1, codec_type: 'video', codec_name: 'mjpeg', width: 600, height: 600, disposition: { attached_pic: 1 } };
    expect(describeMedia(probe('mp3', [{ index: 0, codec_type: 'audio', codec_name: 'mp3' }, cover], '200'))).toMatchObject({
      kind: 'audio',
      found: 'audio (mp3)',
      audioStreamIndex: 0,
    });
    expect(describeMedia(probe('mp3', [{ index: 0, codec_type: 'audio', codec_name: 'mp3' }, cover], '200')).videoStreamIndex).toBeUndefined();
  });

  it.each([
    ['png_pipe', 'png'],
    ['jpeg_pipe', 'mjpeg'],
    ['image2', 'mjpeg'],
    ['webp_pipe', 'webp'],
    ['gif', 'gif'],
  ])('takes a %s %s still for an image', (formatName, codec) => {
    expect(describeMedia(probe(formatName, [h264({ codec_name: codec, width: 800, height: 600 })]))).toMatchObject({
      kind: 'image',
      found: `an image (${codec}, 800x600)`,
      durationSeconds: undefined,
    });
  });

  it('takes Motion JPEG in a movie container for video, not an image', () => {
    expect(describeMedia(probe('avi', [h264({ codec_name: 'mjpeg' })], '5')).kind).toBe('video');
  });

  it('finds no media in text read as terminal art, or in a file of data streams only', () => {
    expect(describeMedia(probe('tty', [h264({ codec_name: 'ansi', width: 640, height: 400 })], '1'))).toMatchObject({ kind: undefined, found: 'no audio, video or image' });
    expect(describeMedia(probe('mpegts', [{ index: 0, codec_type: 'data', codec_name: 'klv' }])).kind).toBeUndefined();
  });

  it('takes the longest stream duration when the container states none, and none when nothing does', () => {
    expect(describeMedia(probe('matroska,webm', [h264({ duration: '4.2' }), { ...aac, duration: '4.5' }])).durationSeconds).toBe(4.5);
    expect(describeMedia(probe('matroska,webm', [h264(), aac])).durationSeconds).toBeUndefined();
  });

  it('ignores implausible frame rates (a time base) in favour of the next candidate', () => {
    expect(describeMedia(probe(MP4, [h264({ avg_frame_rate: '0/0', r_frame_rate: '25/1' })], '1')).fps).toBe(25);
    expect(describeMedia(probe(MP4, [h264({ avg_frame_rate: '1000/1', r_frame_rate: '1000/1' })], '1')).fps).toBeUndefined();
  });

  it('keeps the average rate a file states as what decoding it costs, however implausible, and none for 0/0', () => {
    expect(describeMedia(probe(MP4, [h264({ avg_frame_rate: '2000/1', r_frame_rate: '2000/1' })], '5')).decodeFps).toBe(2000);
    expect(describeMedia(probe(MP4, [h264({ avg_frame_rate: '0/0', r_frame_rate: '1000/1' })], '5')).decodeFps).toBeUndefined();
  });
});
