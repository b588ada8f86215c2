import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { errorsOnlyLog } from '../../../local/localLog.js';
import { type LocalMode, type LocalOptions, startLocal } from '../../../local/startLocal.js';

/** Local mode for one test file, and the temporary folder it keeps its data in. */
export interface TestLocal {
  readonly local: LocalMode;
  /** The file's own temporary folder; local mode's data is in `local-data` under it. */
  readonly dir: string;
  /** Stops local mode and removes the folder. */
  stop(): Promise<void>;
}

/**
 * Local mode as integration tests start it: every server on an ephemeral loopback port, data in a
 * fresh temporary folder named after the test, the periodic jobs run only when a test asks
 * (`runExpiry`, `runSweep`, `runRetention`), and only errors logged. `options` override any of it.
 */
export async function startTestLocal(name: string, options: LocalOptions = {}): Promise<TestLocal> {
  const dir = await mkdtemp(join(tmpdir(), `${name}-`));
  const local = await startLocal({
    port: 0,
    s3Port: 0,
    dynamoDbPort: 0,
    sqsPort: 0,
    dataDir: join(dir, 'local-data'),
    expireIntervalSeconds: 0,
    sweepIntervalSeconds: 0,
    retentionIntervalSeconds: 0,
    log: errorsOnlyLog,
    ...options,
  }).catch(async (error: unknown) => {
    await rm(dir, { recursive: true, force: true });
    throw error;
  });
  return {
    local,
    dir,
    stop: async () => {
      await local.stop();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
