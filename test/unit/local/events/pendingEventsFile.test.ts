import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { savePendingEvents, takePendingEvents } from '../../../../local/events/pendingEventsFile.js';

let dir: string;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'pending-events-'));
});

afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('pendingEventsFile', () => {
  it('gives back the saved messages once, then removes the file', async () => {
    const file = join(dir, 'pending-events.json');
    const messages = [{ messageId: 'm-1', body: '{"Records":[]}', sentTimestamp: 1, receiveCount: 2 }];

    await savePendingEvents(file, messages);

    await expect(takePendingEvents(file)).resolves.toEqual(messages);
    expect(existsSync(file)).toBe(false);
    await expect(takePendingEvents(file)).resolves.toEqual([]);
  });

  it('writes no file when nothing is pending', async () => {
    const file = join(dir, 'pending-events.json');
    await savePendingEvents(file, []);
    expect(existsSync(file)).toBe(false);
  });
});
