import { chmod, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeVideo } from './processFixtures.js';
import { ProcessHarness } from './processHarness.js';

/**
 * A probe writes no progress, so a cancel used to go unnoticed until it ended. Here ffprobe
 * hangs (as on a file built to keep it busy) and the upload is cancelled, or deleted, while it
 * does: the run must stop it within the cancel check's interval, publish nothing and be done.
 */
describe('a cancel during the probe', () => {
  let dir: string;
  let h: ProcessHarness;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'process-cancel-probe-'));
    const hangingProbe = join(dir, 'ffprobe');
    await writeFile(hangingProbe, `#!/bin/sh\necho $$ > "${dir}/probe.pid"\nexec sleep 120\n`);
    await chmod(hangingProbe, 0o755);
    h = await ProcessHarness.start({ FFMPEG_PATH: 'ffmpeg', FFPROBE_PATH: hangingProbe });
  });

  afterAll(async () => {
    await h?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  async function probeStarted(): Promise<number> {
    for (let attempt = 0; attempt < 200; attempt += 1) {
      const pid = Number((await readFile(join(dir, 'probe.pid'), 'utf8').catch(() => '')).trim());
      if (pid > 0) return pid;
      await new Promise((wait) => setTimeout(wait, 50));
    }
    throw new Error('ffprobe never started');
  }

  function running(pid: number): boolean {
    try {
      process.kill(pid, 0);
      return true;
    } catch {
      return false;
    }
  }

  // The bound is liveness, not speed: without the check the probe would run to its 60 s limit.
  it.each([
    ['cancelled', 'cancel'],
    ['deleted', 'delete'],
  ] as const)('stops the hanging probe when the upload is %s, and publishes nothing', async (_, how) => {
    await rm(join(dir, 'probe.pid'), { force: true });
    const uploadId = await h.upload(await makeVideo(join(dir, 'clip.mp4'), { width: 160, height: 120, seconds: 1 }), {
      contentType: 'video/mp4',
      kind: 'video',
    });
    const delivered = h.deliver(uploadId);
    const pid = await probeStarted();
    await h.cancel(uploadId, how);
    await expect(delivered).resolves.toEqual({ batchItemFailures: [] });
    expect(running(pid)).toBe(false);
    expect(await h.outputKeys(uploadId)).toEqual([]);
    if (how === 'cancel') expect((await h.record(uploadId)).status).toBe('cancelled');
    else expect(await h.record(uploadId)).toBeUndefined();
  }, 30_000);
});
