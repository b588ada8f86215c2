import { describe, expect, it } from 'vitest';
import { createClient } from '../../../client/createClient.js';
import { AbortError } from '../../../client/errors.js';
import { API_URL, FakePipeline, patternBytes } from './fakePipeline.js';

function clientFor(fake: FakePipeline) {
  return createClient({ apiUrl: API_URL, token: fake.token, fetch: fake.fetch, retryDelay: { baseMs: 1, maxMs: 1 } });
}

describe('UploadTask', () => {
  it('cancel aborts the PUTs in flight and deletes the upload', async () => {
    const fake = new FakePipeline({ partSize: 1, putDelayMs: 20 });
    const task = clientFor(fake).startUpload(patternBytes(20), { filename: 'a.mp3', concurrency: 2 });
    // Cancel as the first PUT finishes, while others are still in flight.
    fake.onPut = () => {
      fake.onPut = undefined;
      void task.cancel();
      return undefined;
    };

    await expect(task.result).rejects.toBeInstanceOf(AbortError);
    await expect.poll(() => fake.callsTo('DELETE', /^\/uploads\/up1$/)).toHaveLength(1);
    expect(task.uploadId).toBe('up1');
    expect(fake.upload('up1').status).toBe('cancelled');
    expect(fake.callsTo('POST', /complete$/)).toHaveLength(0);
  });

  it('cancel after the upload completed deletes nothing', async () => {
    const fake = new FakePipeline({ partSize: 4 });
    const task = clientFor(fake).startUpload(patternBytes(8), { filename: 'a.mp3' });
    await task.result;

    await task.cancel();

    expect(fake.callsTo('DELETE', /./)).toHaveLength(0);
    expect(fake.upload('up1').status).toBe('uploaded');
  });

  it('abort leaves the upload on the server, resumable', async () => {
    const fake = new FakePipeline({ partSize: 1, putDelayMs: 20 });
    const task = clientFor(fake).startUpload(patternBytes(20), { filename: 'a.mp3', concurrency: 2 });
    fake.onPut = () => {
      fake.onPut = undefined;
      task.abort();
      return undefined;
    };

    await expect(task.result).rejects.toBeInstanceOf(AbortError);
    expect(fake.callsTo('DELETE', /./)).toHaveLength(0);
    expect(fake.upload('up1').status).toBe('initiated');
  });
});
