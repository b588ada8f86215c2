import { generateKeyPairSync } from 'node:crypto';

/** One RSA 2048 key pair per test file, as CloudFront key groups take them. */
export function testKeyPair() {
  return generateKeyPairSync('rsa', { modulusLength: 2048 });
}
