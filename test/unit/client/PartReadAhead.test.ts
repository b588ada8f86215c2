import { describe, expect, it } from 'vitest';
import { type HashedPart, PartReadAhead } from '../../../client/PartReadAhead.js';

function hashedPart(n: number): HashedPart {
  return { bytes: new Uint8Array([n]), crc: n };
}

/** A read-ahead over parts 0..count-1 whose reads are recorded and finish when the test says so. */
function readAheadOver(count: number, ahead: number) {
  const started: number[] = [];
  const hashed: number[] = [];
  const finish = new Map<number, { resolve: (part: HashedPart) => void; reject: (error: Error) => void }>();
  const controller = new AbortController();
  const reader = new PartReadAhead<number>({
    parts: Array.from({ length: count }, (_, index) => index),
    read: (part) => {
      started.push(part);
      return new Promise((resolve, reject) => finish.set(part, { resolve, reject }));
    },
    onHashed: (part) => hashed.push(part),
    ahead,
    signal: controller.signal,
  });
  const settle = async () => {
    for (let i = 0; i < 10; i++) await Promise.resolve();
  };
  return { reader, started, hashed, finish, controller, settle };
}

describe('PartReadAhead', () => {
  it('reads one part at a time, in order, up to `ahead` parts past the last one taken', async () => {
    const { reader, started, finish, settle } = readAheadOver(6, 2);

    const first = reader.take(0);
    await settle();
    expect(started).toEqual([0]);
    finish.get(0)?.resolve(hashedPart(0));
    await expect(first).resolves.toEqual(hashedPart(0));
    await settle();
    expect(started).toEqual([0, 1]);
    finish.get(1)?.resolve(hashedPart(1));
    await settle();
    finish.get(2)?.resolve(hashedPart(2));
    await settle();
    // Parts 1 and 2 are read ahead; part 3 waits until part 1 is taken.
    expect(started).toEqual([0, 1, 2]);

    await expect(reader.take(1)).resolves.toEqual(hashedPart(1));
    await settle();
    expect(started).toEqual([0, 1, 2, 3]);
  });

  it('reports each part as hashed before it is taken, so its URL can be signed meanwhile', async () => {
    const { reader, hashed, finish, settle } = readAheadOver(3, 2);

    void reader.take(0);
    for (const part of [0, 1, 2]) {
      await settle();
      finish.get(part)?.resolve(hashedPart(part));
    }
    await settle();

    expect(hashed).toEqual([0, 1, 2]);
  });

  it('rejects the take of a part whose read failed, and reads on', async () => {
    const { reader, started, finish, settle } = readAheadOver(3, 1);
    const unreadable = new Error('unreadable');

    const first = reader.take(0);
    await settle();
    finish.get(0)?.reject(unreadable);

    await expect(first).rejects.toBe(unreadable);
    await settle();
    expect(started).toEqual([0, 1]);
  });

  it('starts no read once the upload is aborted', async () => {
    const { reader, started, finish, controller, settle } = readAheadOver(3, 2);

    void reader.take(0);
    await settle();
    controller.abort();
    finish.get(0)?.resolve(hashedPart(0));
    await settle();

    expect(started).toEqual([0]);
    await expect(reader.take(1)).rejects.toMatchObject({ name: 'AbortError' });
  });
});
