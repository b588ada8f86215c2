import { createPrivateKey, createPublicKey, generateKeyPairSync, type KeyObject } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';

/** Local mode's stand-in for the stack's key group of one key. */
export interface LocalSigningKey {
  /** Stands in for the CloudFront public key id (`Key-Pair-Id`). */
  readonly keyPairId: string;
  readonly privateKeyPem: string;
  readonly publicKeyPem: string;
  readonly publicKey: KeyObject;
}

export const LOCAL_KEY_PAIR_ID = 'KLOCALMEDIASIGNING';

/**
 * The media signing key of a data folder: made on first start (RSA 2048, as the stack's key
 * maker makes them) and kept, so signed URLs handed out survive a restart until they expire.
 */
export async function openLocalSigningKey(file: string): Promise<LocalSigningKey> {
  let privateKeyPem: string;
  try {
    privateKeyPem = await readFile(file, 'utf8');
    createPrivateKey(privateKeyPem);
  } catch {
    const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    privateKeyPem = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    await mkdir(dirname(file), { recursive: true });
    await writeFile(file, privateKeyPem, { mode: 0o600 });
  }
  const publicKey = createPublicKey(privateKeyPem);
  return { keyPairId: LOCAL_KEY_PAIR_ID, privateKeyPem, publicKeyPem: publicKey.export({ type: 'spki', format: 'pem' }).toString(), publicKey };
}
