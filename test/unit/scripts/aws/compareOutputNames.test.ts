import { describe, expect, it } from 'vitest';
import { compareOutputNames, nameShape, shapesOf } from '../../../../scripts/aws/compareOutputNames.js';

describe('nameShape', () => {
  it('folds the counter before the extension into its width', () => {
    expect(nameShape('master_720p_00001.ts')).toEqual({ shape: 'master_720p_{n:5}.ts', counter: 1 });
    expect(nameShape('thumbnails/frame.0000000.jpg')).toEqual({ shape: 'thumbnails/frame.{n:7}.jpg', counter: 0 });
    expect(nameShape('master_720p10.ts')).toEqual({ shape: 'master_720p10.ts', counter: undefined });
  });

  it('leaves names without a counter as they are (720p is part of a word)', () => {
    expect(nameShape('master_720p.m3u8')).toEqual({ shape: 'master_720p.m3u8', counter: undefined });
    expect(nameShape('master.m3u8')).toEqual({ shape: 'master.m3u8', counter: undefined });
  });
});

describe('shapesOf', () => {
  it('counts each shape with its first and last counter and whether none is missing', () => {
    const shapes = shapesOf(['seg_1.ts', 'seg_2.ts', 'seg_4.ts', 'a.m3u8']);
    expect(shapes.get('seg_{n:1}.ts')).toEqual({ shape: 'seg_{n:1}.ts', count: 3, first: 1, last: 4, contiguous: false });
    expect(shapes.get('a.m3u8')).toEqual({ shape: 'a.m3u8', count: 1, first: undefined, last: undefined, contiguous: true });
  });
});

describe('compareOutputNames', () => {
  const emulator = ['master.m3u8', 'master_240p.m3u8', 'master_240p_00001.ts', 'master_240p_00002.ts', 'thumbnails/frame.0000000.jpg', 'thumbnails/frame.0000001.jpg'];

  it('finds no difference in identical listings', () => {
    expect(compareOutputNames(emulator, [...emulator].reverse())).toMatchObject({ identical: true, onlyAws: [], onlyEmulator: [], differences: [] });
  });

  it('tells another naming (a shape on one side only) from another count or start', () => {
    const aws = ['master.m3u8', 'master_240p.m3u8', 'master_240p_00001.ts', 'thumbnails/frame.0000001.jpg', 'thumbnails/frame.0000002.jpg', 'master_240p_1.ts'];
    const comparison = compareOutputNames(aws, emulator);
    expect(comparison.identical).toBe(false);
    expect(comparison.onlyAws).toEqual(['master_240p_1.ts', 'thumbnails/frame.0000002.jpg']);
    expect(comparison.onlyEmulator).toEqual(['master_240p_00002.ts', 'thumbnails/frame.0000000.jpg']);
    expect(comparison.differences).toEqual([
      'only AWS writes master_240p_{n:1}.ts (1 from 1 to 1)',
      'master_240p_{n:5}.ts: AWS writes 1 from 1 to 1, the emulator 2 from 1 to 2',
      'thumbnails/frame.{n:7}.jpg: AWS writes 2 from 1 to 2, the emulator 2 from 0 to 1',
    ]);
  });

  it('says what only the emulator writes', () => {
    expect(compareOutputNames(['master.m3u8'], ['master.m3u8', 'extra.m3u8']).differences).toEqual(['only the emulator writes extra.m3u8']);
  });
});
