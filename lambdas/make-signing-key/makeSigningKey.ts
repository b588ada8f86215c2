import { createPrivateKey, createPublicKey, generateKeyPairSync } from 'node:crypto';
import { GetSecretValueCommand, PutSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';

const secrets = new SecretsManagerClient({});

/**
 * The public half (PEM) of the signing key kept in `secretId`, making the key first when the
 * secret does not hold one yet (a new secret holds the random string Secrets Manager generated
 * for it). A key once made is never replaced: every update and every retry of the deploy gets the
 * same public key back, so URLs signed with it keep working; rotation adds a new key and secret
 * (docs/security.md). The private key goes from here to the secret and nowhere else: not into
 * the template, the response to CloudFormation, or the logs.
 */
export async function ensureSigningKey(secretId: string): Promise<string> {
  const current = await secrets.send(new GetSecretValueCommand({ SecretId: secretId }));
  const held = privateKeyIn(current.SecretString);
  if (held) return createPublicKey(held).export({ type: 'spki', format: 'pem' }).toString();

  // CloudFront key groups take RSA 2048-bit keys (or ECDSA P-256); RSA is what every signer library supports.
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  await secrets.send(new PutSecretValueCommand({ SecretId: secretId, SecretString: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString() }));
  return publicKey.export({ type: 'spki', format: 'pem' }).toString();
}

function privateKeyIn(text: string | undefined) {
  if (text === undefined || !text.includes('PRIVATE KEY')) return undefined;
  try {
    return createPrivateKey(text);
  } catch {
    return undefined;
  }
}
