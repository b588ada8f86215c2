import type { CloudFormationCustomResourceEvent } from 'aws-lambda';
import { logger } from '../shared/logger.js';
import { answerCloudFormation } from './answerCloudFormation.js';
import { ensureSigningKey } from './makeSigningKey.js';

/** The resource's properties (lib/MediaSigningKeys.ts). */
interface SigningKeyProperties {
  readonly SecretId?: unknown;
}

/**
 * `Custom::MediaSigningKey`: on create and update, the key pair in the secret (made on first
 * use) and its public PEM as the attribute `PublicKey`; on delete nothing (the secret is its own
 * resource). The physical id is the secret's ARN, so moving to another secret replaces the resource.
 */
export async function signingKeyResource(event: CloudFormationCustomResourceEvent): Promise<void> {
  const secretId = (event.ResourceProperties as SigningKeyProperties).SecretId;
  // CloudFormation refuses an empty physical id, even in a FAILED answer.
  const physicalResourceId = event.RequestType === 'Create' ? String(secretId || 'media-signing-key') : event.PhysicalResourceId;
  if (event.RequestType === 'Delete') {
    await answerCloudFormation(event, { status: 'SUCCESS', physicalResourceId });
    return;
  }
  try {
    if (typeof secretId !== 'string' || secretId === '') throw new Error(`SecretId must name the signing key's secret, got ${JSON.stringify(secretId)}`);
    const publicKey = await ensureSigningKey(secretId);
    await answerCloudFormation(event, { status: 'SUCCESS', physicalResourceId: secretId, data: { PublicKey: publicKey } });
  } catch (error) {
    logger.error('Could not make or read the media signing key', { secretId: String(secretId), error: error as Error });
    await answerCloudFormation(event, { status: 'FAILED', physicalResourceId, reason: `Could not make or read the media signing key in ${String(secretId)}: ${(error as Error).message}` });
  }
}
