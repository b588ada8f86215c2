import { describe, expect, it } from 'vitest';
import { cueAt, parseThumbnailCues } from '../../../../web/demo/thumbnailCues.js';

const VTT_URL = 'http://127.0.0.1:4568/media-pipeline-media/media/u1/thumbnails.vtt';

describe('parseThumbnailCues', () => {
  it('reads every cue of a track as processing writes it, with the sprite URL resolved against the track', () => {
    const vtt = [
      'WEBVTT',
      '',
      '00:00:00.000 --> 00:00:02.000',
      'sprite.jpg#xywh=0,0,160,90',
      '',
      '00:00:02.000 --> 00:00:04.000',
      'sprite.jpg#xywh=160,0,160,90',
      '',
      '00:00:04.000 --> 00:00:05.500',
      'sprite.jpg#xywh=320,0,160,90',
      '',
    ].join('\n');

    const cues = parseThumbnailCues(vtt, VTT_URL);

    expect(cues).toHaveLength(3);
    expect(cues[0]).toEqual({ start: 0, end: 2, url: 'http://127.0.0.1:4568/media-pipeline-media/media/u1/sprite.jpg', x: 0, y: 0, width: 160, height: 90 });
    expect(cues[2]).toMatchObject({ start: 4, end: 5.5, x: 320 });
  });

  it('finds the cue of a moment, and the last one past the end', () => {
    const cues = parseThumbnailCues('WEBVTT\n\n00:00:00.000 --> 00:00:02.000\ns.jpg#xywh=0,0,10,10\n\n00:00:02.000 --> 00:01:02.500\ns.jpg#xywh=10,0,10,10\n', VTT_URL);

    expect(cueAt(cues, 1.9)?.x).toBe(0);
    expect(cueAt(cues, 61)?.x).toBe(10);
    expect(cueAt(cues, 99)?.x).toBe(10);
    expect(cues[1]?.end).toBe(62.5);
  });

  it('skips anything that is not a timing line followed by a sprite cell', () => {
    expect(parseThumbnailCues('WEBVTT\n\nNOTE hello\n\n00:00:00.000 --> 00:00:02.000\nnot a cell\n', VTT_URL)).toEqual([]);
  });
});
