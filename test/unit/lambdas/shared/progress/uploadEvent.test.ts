import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { WEBSOCKET_LIMITS } from '../../../../../client/protocol.js';
import { MAX_EVENT_ERROR_MESSAGE_CHARACTERS, uploadEvent } from '../../../../../lambdas/shared/progress/uploadEvent.js';
import { VIDEO_LADDER } from '../../../../../lambdas/process-upload/plan/videoLadder.js';
import { IMAGE_VARIANT_WIDTHS } from '../../../../../lambdas/process-upload/ffmpeg/imageVariants.js';
import { FILENAME_MAX_CHARACTERS } from '../../../../../lambdas/shared/validation/filename.js';
import type { MediaInfo, UploadRecord, UploadStatus } from '../../../../../lambdas/shared/uploadRecord.js';
import { uploadRecord } from '../../../support/uploadRecord.js';

const SIZE = 20 * 1024 * 1024 + 5;

function record(overrides: Partial<UploadRecord> = {}): UploadRecord {
  return uploadRecord({ size: SIZE, seq: 4, updatedAt: '2025-03-01T12:05:00.000Z', writeId: 'w-4', ...overrides });
}

/** The longest URL an output can have: a DNS name at its 253-character limit, then the media key. */
function outputUrl(uploadId: string, name: string): string {
  const host = `${'x'.repeat(63)}.${'y'.repeat(63)}.${'z'.repeat(63)}.${'w'.repeat(57)}.net`;
  return `https://${host}/media/${uploadId}/${name}`;
}

/** More than processing can produce for one upload: every rung of the ladder, every image variant and every URL at once. */
function largestMedia(uploadId: string): MediaInfo {
  return {
    kind: 'video',
    durationSeconds: 3599.999,
    width: 3840,
    height: 2160,
    fps: 59.94,
    videoCodec: 'hevc',
    audioCodec: 'aac',
    bitrate: 250_000_000,
    hasAudio: true,
    hlsUrl: outputUrl(uploadId, 'index.m3u8'),
    renditions: VIDEO_LADDER.map((rung) => ({
      width: 3840,
      height: rung.shortSide,
      bandwidth: 99_999_999,
      codecs: 'avc1.640033,mp4a.40.2',
      url: outputUrl(uploadId, `${rung.name}/index.m3u8`),
    })),
    posterUrl: outputUrl(uploadId, 'poster.jpg'),
    thumbnails: { spriteUrl: outputUrl(uploadId, 'thumbnails/sprite.jpg'), vttUrl: outputUrl(uploadId, 'thumbnails/thumbnails.vtt') },
    waveformUrl: outputUrl(uploadId, 'waveform.json'),
    images: [...IMAGE_VARIANT_WIDTHS, 1279].map((width) => ({ width, height: 99_999, url: outputUrl(uploadId, `w${width}.webp`) })),
  };
}

const byteLength = (value: unknown) => Buffer.byteLength(JSON.stringify(value), 'utf8');

describe('uploadEvent', () => {
  it.each<[UploadStatus, Partial<UploadRecord>, string, number | undefined]>([
    ['initiated', {}, 'created', 0],
    ['initiated', { bytesSent: 0 }, 'progress', 0],
    ['initiated', { bytesSent: 7_000_000 }, 'progress', 7_000_000],
    ['uploaded', {}, 'progress', SIZE],
    ['processing', { stage: 'transcode', progress: 42 }, 'progress', SIZE],
    ['ready', { media: { kind: 'audio', durationSeconds: 3 } }, 'complete', SIZE],
    ['failed', { error: { code: 'UNSUPPORTED_MEDIA', message: 'The file is not a video' } }, 'error', undefined],
    ['cancelled', {}, 'error', undefined],
    ['expired', {}, 'error', undefined],
  ])('makes a record in %s with %o a %s event with bytesSent %s', (status, fields, type, bytesSent) => {
    const event = uploadEvent(record({ status, ...fields }));

    expect(event.type).toBe(type);
    expect(event.status).toBe(status);
    expect(event.bytesSent).toBe(bytesSent);
    expect('bytesSent' in event).toBe(bytesSent !== undefined);
    expect(event.totalBytes).toBe(SIZE);
  });

  it("carries the record's seq, public state and write time, and nothing only the pipeline uses", () => {
    const event = uploadEvent(record({ status: 'processing', stage: 'thumbnails', progress: 90, requeueCount: 1, usageTracked: true }));

    expect(event).toEqual({
      type: 'progress',
      uploadId: '0b8f6a52-3c1e-4d2a-9f7b-5e6d7c8b9a01',
      seq: 4,
      status: 'processing',
      progress: 90,
      stage: 'thumbnails',
      bytesSent: SIZE,
      totalBytes: SIZE,
      filename: 'talk.mp4',
      at: '2025-03-01T12:05:00.000Z',
    });
  });

  it('gives a record written before seq existed seq 0, below every later write', () => {
    expect(uploadEvent(record({ seq: undefined })).seq).toBe(0);
  });

  it('carries the poster a processing video already published, before it is ready', () => {
    const media: MediaInfo = { kind: 'video', posterUrl: 'https://cdn.example.com/media/u1/poster.jpg' };
    expect(uploadEvent(record({ status: 'processing', stage: 'transcode', progress: 5, media }))).toMatchObject({
      type: 'progress',
      status: 'processing',
      stage: 'transcode',
      media,
    });
  });

  it('keeps a short error message whole', () => {
    const event = uploadEvent(record({ status: 'failed', error: { code: 'TOO_LONG', message: 'The video is 7200 s long' } }));

    expect(event.error).toEqual({ code: 'TOO_LONG', message: 'The video is 7200 s long' });
  });

  it(`cuts an error message at ${MAX_EVENT_ERROR_MESSAGE_CHARACTERS} characters`, () => {
    const message = 'ffmpeg: '.padEnd(5_000, 'x');

    const event = uploadEvent(record({ status: 'failed', error: { code: 'TRANSCODE_FAILED', message } }));

    expect(event.error?.message).toBe(message.slice(0, MAX_EVENT_ERROR_MESSAGE_CHARACTERS));
  });

  it('never cuts an error message inside a character, leaving half of a surrogate pair', () => {
    fc.assert(
      fc.property(fc.nat({ max: 1_100 }), fc.string({ unit: 'grapheme', maxLength: 50 }), (padding, tail) => {
        const message = 'a'.repeat(padding) + tail;
        const cut = uploadEvent(record({ status: 'failed', error: { code: 'X', message } })).error?.message ?? '';

        expect(message.startsWith(cut)).toBe(true);
        expect(cut.length).toBeLessThanOrEqual(MAX_EVENT_ERROR_MESSAGE_CHARACTERS);
        expect(cut.length).toBeGreaterThanOrEqual(Math.min(message.length, MAX_EVENT_ERROR_MESSAGE_CHARACTERS - 1));
        expect(cut).not.toMatch(/\p{Surrogate}/u);
      }),
    );
    const emojiAtTheCut = `${'a'.repeat(MAX_EVENT_ERROR_MESSAGE_CHARACTERS - 1)}😀 and more`;
    expect(uploadEvent(record({ status: 'failed', error: { code: 'X', message: emojiAtTheCut } })).error?.message).toBe(
      'a'.repeat(MAX_EVENT_ERROR_MESSAGE_CHARACTERS - 1),
    );
  });

  describe('the largest event the pipeline can produce', () => {
    const uploadId = 'ffffffff-ffff-4fff-bfff-ffffffffffff';
    // 4 UTF-8 bytes per character, the most a filename character can take (control characters are refused).
    const filename = '😀'.repeat(FILENAME_MAX_CHARACTERS);
    // Control characters cost 6 bytes each in JSON (\u0001), the most an error character can.
    const errorMessage = '\u0001'.repeat(50_000);
    const largest = uploadRecord({
      uploadId,
      status: 'failed',
      filename,
      size: Number.MAX_SAFE_INTEGER,
      seq: Number.MAX_SAFE_INTEGER,
      bytesSent: Number.MAX_SAFE_INTEGER,
      progress: 100,
      stage: 'thumbnails',
      media: largestMedia(uploadId),
      error: { code: 'UNSUPPORTED_MEDIA_WITH_A_LONG_CODE', message: errorMessage },
      metadata: Object.fromEntries(Array.from({ length: 10 }, (_, i) => [`key${i}`, 'v'.repeat(1_000)])),
    });

    it('stays under the 32 KB WebSocket frame', () => {
      const event = uploadEvent(largest);

      expect(event.filename).toBe(filename);
      expect(event.media?.renditions).toHaveLength(VIDEO_LADDER.length);
      expect(byteLength(event)).toBeLessThan(WEBSOCKET_LIMITS.maxFrameBytes);
    });

    it('even as a ready event, which carries the size as bytesSent too', () => {
      expect(byteLength(uploadEvent({ ...largest, status: 'ready' }))).toBeLessThan(WEBSOCKET_LIMITS.maxFrameBytes);
    });

    it('owes its bound to the cut of the error message: the whole message would not fit', () => {
      expect(byteLength({ ...uploadEvent(largest), error: largest.error })).toBeGreaterThan(WEBSOCKET_LIMITS.maxFrameBytes);
    });
  });
});
