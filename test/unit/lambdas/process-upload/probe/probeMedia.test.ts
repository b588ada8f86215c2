import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { logger } from '../../../../../lambdas/shared/logger.js';
import { probeMedia } from '../../../../../lambdas/process-upload/probe/probeMedia.js';
import { parseOrientation, probeImageOrientation } from '../../../../../lambdas/process-upload/probe/probeImageOrientation.js';
import { fakeBinary } from '../../../support/fakeBinary.js';

const URL_INPUT = 'http://127.0.0.1:40001/9f2c';
const SOURCE = { url: URL_INPUT, demuxer: 'jpeg_pipe' };
const JSON_OUT = JSON.stringify({
  streams: [{ index: 0, codec_type: 'audio', codec_name: 'mp3', extra: 'ignored' }],
  format: { format_name: 'mp3', duration: '3.030204' },
});

describe('probeMedia', () => {
  beforeEach(() => {
    vi.spyOn(logger, 'warn').mockImplementation(() => undefined);
  });
  afterEach(() => vi.restoreAllMocks());

  it('asks ffprobe for format and streams as JSON, allowing only the accepted demuxers over http, and parses them', async () => {
    const ffprobe = await fakeBinary(`printf '%s\\n' "$@" > "$0.args"; echo '${JSON_OUT}'`);
    const probe = await probeMedia(URL_INPUT, { ffprobe, timeoutMs: 5000 });
    expect(probe).toEqual({ streams: [{ index: 0, codec_type: 'audio', codec_name: 'mp3' }], format: { format_name: 'mp3', duration: '3.030204' } });
    const { readFile } = await import('node:fs/promises');
    expect((await readFile(`${ffprobe}.args`, 'utf8')).trim().split('\n')).toEqual([
      '-max_alloc', '536870912', '-v', 'error',
      '-protocol_whitelist', 'http,tcp', '-format_whitelist', 'mov,matroska,mpegts,mp3,aac,wav,flac,ogg,png_pipe,jpeg_pipe,webp_pipe,gif',
      '-rw_timeout', '30000000', '-reconnect', '1', '-i', URL_INPUT,
      '-print_format', 'json', '-show_format', '-show_streams',
    ]);
  });

  it('fails a file ffprobe cannot read as UNSUPPORTED_MEDIA, keeping its stderr for the logs only', async () => {
    const ffprobe = await fakeBinary(`echo '[mov,mp4 @ 0x1] moov atom not found' >&2; echo 'x: Invalid data found when processing input' >&2; exit 1`);
    await expect(probeMedia(URL_INPUT, { ffprobe, timeoutMs: 5000 })).rejects.toMatchObject({
      code: 'UNSUPPORTED_MEDIA',
      message: 'The file could not be read as audio, video or an image: it is damaged, truncated, or not a media file',
      retryable: false,
    });
    expect(logger.warn).toHaveBeenCalledWith('ffprobe failed', {
      exit: 'exit code 1',
      stderr: ['[mov,mp4 @ 0x1] moov atom not found', 'x: Invalid data found when processing input'],
    });
  });

  it.each([
    ['a signal', 'kill -SEGV $$'],
    ['exit status 139 from a wrapper', 'exit 139'],
  ])('takes a crash (%s) for a fault on our side to retry, never for unreadable media', async (_, script) => {
    const ffprobe = await fakeBinary(script);
    await expect(probeMedia(URL_INPUT, { ffprobe, timeoutMs: 5000 })).rejects.toMatchObject({
      code: 'PROCESSING_FAILED',
      retryable: true,
    });
    expect(logger.warn).toHaveBeenCalledWith('ffprobe failed', expect.objectContaining({ exit: expect.stringMatching(/SIGSEGV|exit code 139/) }));
  });

  it.each([
    'Server returned 503 Service Unavailable',
    'Server returned 403 Forbidden (access denied)',
    'Connection timed out',
  ])('makes a fetch failure (%s) a retryable SOURCE_UNAVAILABLE', async (stderr) => {
    const ffprobe = await fakeBinary(`echo "[https @ 0x1] ${stderr}" >&2; exit 1`);
    await expect(probeMedia(URL_INPUT, { ffprobe, timeoutMs: 5000 })).rejects.toMatchObject({ code: 'SOURCE_UNAVAILABLE', retryable: true });
  });

  it('fails a probe that hangs past its time limit for good: a file made to keep ffprobe busy gets no retry', async () => {
    const ffprobe = await fakeBinary('exec sleep 30');
    await expect(probeMedia(URL_INPUT, { ffprobe, timeoutMs: 100 })).rejects.toMatchObject({
      code: 'UNSUPPORTED_MEDIA',
      retryable: false,
    });
  });

  it('fails output that is not the JSON it asked for as UNSUPPORTED_MEDIA', async () => {
    const ffprobe = await fakeBinary(`echo '{"streams": "nope"}'`);
    await expect(probeMedia(URL_INPUT, { ffprobe, timeoutMs: 5000 })).rejects.toMatchObject({ code: 'UNSUPPORTED_MEDIA' });
  });
});

describe('probeImageOrientation', () => {
  beforeEach(() => {
    vi.spyOn(logger, 'warn').mockImplementation(() => undefined);
  });
  afterEach(() => vi.restoreAllMocks());

  it('reads the EXIF Orientation tag ffprobe reports on the first frame (it pads the value)', async () => {
    const ffprobe = await fakeBinary(`echo '{"frames":[{"tags":{"Orientation":"    6"}}]}'`);
    expect(await probeImageOrientation(SOURCE, { ffprobe, timeoutMs: 5000 })).toBe(6);
  });

  it('takes an image without the tag, with a bad value, or that ffprobe cannot read as upright (1)', async () => {
    expect(parseOrientation('{"frames":[{}]}')).toBe(1);
    expect(parseOrientation('{"frames":[{"tags":{"Orientation":"9"}}]}')).toBe(1);
    expect(parseOrientation('not json')).toBe(1);
    const ffprobe = await fakeBinary('exit 1');
    expect(await probeImageOrientation(SOURCE, { ffprobe, timeoutMs: 5000 })).toBe(1);
  });

  it('reads the image with its probed demuxer forced', async () => {
    const ffprobe = await fakeBinary(`printf '%s\\n' "$@" > "$0.args"; echo '{"frames":[{}]}'`);
    await probeImageOrientation(SOURCE, { ffprobe, timeoutMs: 5000 });
    const { readFile } = await import('node:fs/promises');
    expect((await readFile(`${ffprobe}.args`, 'utf8')).split('\n')).toEqual(
      expect.arrayContaining(['-format_whitelist', 'jpeg_pipe', '-f', 'jpeg_pipe', '-i', URL_INPUT]),
    );
  });

  it('retries a crash instead of taking the image as upright', async () => {
    const ffprobe = await fakeBinary('kill -SEGV $$');
    await expect(probeImageOrientation(SOURCE, { ffprobe, timeoutMs: 5000 })).rejects.toMatchObject({ code: 'PROCESSING_FAILED', retryable: true });
  });
});
