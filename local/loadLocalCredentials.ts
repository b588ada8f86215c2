import { randomBytes } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { LOCAL_ACCESS_KEY_ID, type LocalCredentials } from './localDefaults.js';

/**
 * The key pair local mode's S3 emulator accepts signatures from, kept in the data folder so that
 * part URLs and configured tools keep working across restarts. The access key id is s3rver's
 * built-in one (s3rver 3.7.1 refuses any other); the secret is random per data folder, so a
 * device on the network (`--host 0.0.0.0`) cannot sign requests with a key printed in s3rver's
 * documentation. `--reset` makes a new one.
 */
export async function loadLocalCredentials(file: string): Promise<LocalCredentials> {
  try {
    return parse(await readFile(file, 'utf8'), file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  const credentials: LocalCredentials = { accessKeyId: LOCAL_ACCESS_KEY_ID, secretAccessKey: randomBytes(24).toString('base64url') };
  await mkdir(dirname(file), { recursive: true });
  await writeFile(file, JSON.stringify(credentials), { mode: 0o600 });
  return credentials;
}

function parse(text: string, file: string): LocalCredentials {
  const stored = JSON.parse(text) as Partial<LocalCredentials>;
  if (stored.accessKeyId !== LOCAL_ACCESS_KEY_ID || typeof stored.secretAccessKey !== 'string' || stored.secretAccessKey === '') {
    throw new Error(`${file} does not hold local mode's S3 key (access key id ${LOCAL_ACCESS_KEY_ID} and a secret); delete it to make a new one`);
  }
  return { accessKeyId: stored.accessKeyId, secretAccessKey: stored.secretAccessKey };
}
