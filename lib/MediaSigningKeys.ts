import { CustomResource, Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { KeyGroup, PublicKey } from 'aws-cdk-lib/aws-cloudfront';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Secret } from 'aws-cdk-lib/aws-secretsmanager';
import { NagSuppressions } from 'cdk-nag';
import { Construct } from 'constructs';
import { PipelineFunction } from './PipelineFunction.js';

export interface MediaSigningKeysProps {
  /**
   * Names of the signing keys, each a key pair made at deploy. URLs are signed with the first;
   * every key is in the key group, so URLs signed with any of them work until they expire.
   */
  readonly keyNames: readonly string[];
  /** What happens to the secrets when they leave the stack. */
  readonly removalPolicy: RemovalPolicy;
}

/** One signing key: its secret (the private key) and the CloudFront public key made from it. */
export interface MediaSigningKey {
  readonly name: string;
  readonly secret: Secret;
  readonly publicKey: PublicKey;
  /** The public key, PEM (a deploy-time attribute). */
  readonly publicKeyPem: string;
}

/** A key name: it becomes part of construct ids, so it must stay the same for the key to stay. */
const KEY_NAME = /^[A-Za-z0-9]{1,16}$/;
/** CloudFront's limit of public keys in one key group. */
const MAX_KEYS = 5;

/**
 * The key group that CloudFront checks signed media URLs with, and the private keys behind it.
 * Each key pair is made at deploy by a custom resource function (lambdas/make-signing-key) that
 * writes the private key into a Secrets Manager secret of its own and hands only the public key
 * to CloudFormation, so the private key is never in the template, the assets or the stack's
 * outputs. Rotation is a change of `keyNames` (docs/security.md).
 */
export class MediaSigningKeys extends Construct {
  readonly keys: readonly MediaSigningKey[];
  /** The key URLs are signed with: the first of `keyNames`. */
  readonly activeKey: MediaSigningKey;
  readonly keyGroup: KeyGroup;
  /** `{ <public key id>: <PEM> }` of every key in the group, as JSON (a deploy-time value). */
  readonly publicKeysJson: string;
  readonly makerFunction: PipelineFunction;

  constructor(scope: Construct, id: string, props: MediaSigningKeysProps) {
    super(scope, id);
    const names = props.keyNames;
    if (names.length === 0 || names.length > MAX_KEYS) {
      throw new Error(`signingKeys must name 1 to ${MAX_KEYS} keys (a CloudFront key group's limit), got ${names.length}`);
    }
    for (const name of names) {
      if (!KEY_NAME.test(name)) throw new Error(`signingKeys: a key name is 1 to 16 letters or digits, got ${JSON.stringify(name)}`);
    }
    const duplicate = names.find((name, index) => names.indexOf(name) !== index);
    if (duplicate !== undefined) throw new Error(`signingKeys names ${duplicate} twice`);

    this.makerFunction = new PipelineFunction(this, 'MakeKeyFunction', {
      handlerDir: 'make-signing-key',
      description: 'Makes CloudFront signing key pairs at deploy: private key to its secret, public key to CloudFormation',
      timeout: Duration.seconds(30),
      memorySize: 256,
      logRemovalPolicy: props.removalPolicy,
    });

    this.keys = names.map((name) => {
      const secret = new Secret(this, `Key${name}Secret`, {
        description: `Private key (PEM) of media signing key ${name}; made at deploy, read by the functions that sign media URLs`,
        removalPolicy: props.removalPolicy,
      });
      NagSuppressions.addResourceSuppressions(secret, [
        {
          id: 'AwsSolutions-SMG4',
          reason:
            'A CloudFront signing key cannot be rotated in place: the public half is registered in the key group. Rotation adds a key, signs with it, then removes the old one (signingKeys prop, docs/security.md).',
        },
      ]);
      // Exactly the two calls the function makes, on this secret only.
      iam.Grant.addToPrincipal({
        grantee: this.makerFunction,
        actions: ['secretsmanager:GetSecretValue', 'secretsmanager:PutSecretValue'],
        resourceArns: [secret.secretArn],
      });
      const made = new CustomResource(this, `Key${name}`, {
        serviceToken: this.makerFunction.function.functionArn,
        resourceType: 'Custom::MediaSigningKey',
        properties: { SecretId: secret.secretArn },
      });
      made.node.addDependency(this.makerFunction);
      const publicKeyPem = made.getAttString('PublicKey');
      const publicKey = new PublicKey(this, `Key${name}PublicKey`, {
        encodedKey: publicKeyPem,
        comment: `media-pipeline signing key ${name}`,
      });
      return { name, secret, publicKey, publicKeyPem };
    });
    this.activeKey = this.keys[0]!;
    this.keyGroup = new KeyGroup(this, 'KeyGroup', {
      items: this.keys.map((key) => key.publicKey),
      comment: 'media-pipeline: keys that sign media URLs',
    });
    this.publicKeysJson = Stack.of(this).toJsonString(Object.fromEntries(this.keys.map((key) => [key.publicKey.publicKeyId, key.publicKeyPem])));
  }

  /** Grants reading the active key's private key (secretsmanager:GetSecretValue on that secret alone). */
  grantSign(grantee: iam.IGrantable): iam.Grant {
    return iam.Grant.addToPrincipal({ grantee, actions: ['secretsmanager:GetSecretValue'], resourceArns: [this.activeKey.secret.secretArn] });
  }
}
