import { Duration, type Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildPipelineApp } from '../../lib/buildPipelineApp.js';
import { Cdn, type CdnProps } from '../../lib/Cdn.js';
import { MediaPipeline } from '../../lib/MediaPipeline.js';
import { Storage } from '../../lib/Storage.js';
import { MEDIA_ACCESS_ENV } from '../../lambdas/shared/config.js';
import { roleStatements, type TemplateResources } from './support/roleGrants.js';
import { logicalId, testApp, testStack } from './testApp.js';

function synthCdn(props: Partial<CdnProps> = {}, stack: Stack = testStack()) {
  const storage = new Storage(stack, 'Storage');
  const cdn = new Cdn(stack, 'Cdn', { mediaBucket: storage.mediaBucket, ...props });
  const template = Template.fromStack(stack);
  return { stack, storage, cdn, template, resources: template.toJSON().Resources as TemplateResources };
}

type Behavior = { PathPattern?: string; TargetOriginId: string; TrustedKeyGroups?: unknown[] };

function behaviors(resources: TemplateResources): Behavior[] {
  const distribution = Object.values(resources).find((resource) => resource.Type === 'AWS::CloudFront::Distribution')!;
  const config = (distribution.Properties as { DistributionConfig: { DefaultCacheBehavior: Behavior; CacheBehaviors?: Behavior[] } }).DistributionConfig;
  return [config.DefaultCacheBehavior, ...(config.CacheBehaviors ?? [])];
}

describe('Cdn with access: signed', () => {
  let s: ReturnType<typeof synthCdn>;
  beforeAll(() => {
    s = synthCdn({ access: 'signed' });
  });

  it('trusts one key group, made of a public key whose PEM comes from the deploy-time key maker', () => {
    const keyGroup = logicalId(s.cdn.signingKeys!.keyGroup);
    s.template.hasResourceProperties('AWS::CloudFront::KeyGroup', { KeyGroupConfig: Match.objectLike({ Items: [{ Ref: logicalId(s.cdn.signingKeys!.activeKey.publicKey) }] }) });
    s.template.hasResourceProperties('AWS::CloudFront::PublicKey', {
      PublicKeyConfig: Match.objectLike({ EncodedKey: { 'Fn::GetAtt': [Match.stringLikeRegexp('SigningKeysKey1'), 'PublicKey'] } }),
    });
    s.template.hasResourceProperties('Custom::MediaSigningKey', { SecretId: { Ref: logicalId(s.cdn.signingKeys!.activeKey.secret) } });
    expect(keyGroup).toBeTruthy();
  });

  it('leaves no public path to media: every behaviour that reaches the media bucket or the playlist function needs a signature of that key group', () => {
    const keyGroup = { Ref: logicalId(s.cdn.signingKeys!.keyGroup) };
    const all = behaviors(s.resources);
    expect(all.map((behavior) => behavior.PathPattern ?? '(default)')).toEqual(['(default)', 'media/*.m3u8', 'media/*.vtt']);
    for (const behavior of all) expect(behavior.TrustedKeyGroups, behavior.PathPattern ?? 'default').toEqual([keyGroup]);
  });

  it('serves playlists from the function through Origin Access Control, invocable by this distribution only', () => {
    s.template.hasResourceProperties('AWS::Lambda::Url', { AuthType: 'AWS_IAM', TargetFunctionArn: { 'Fn::GetAtt': [logicalId(s.cdn.playlistFunction!.function), 'Arn'] } });
    s.template.hasResourceProperties('AWS::CloudFront::OriginAccessControl', {
      OriginAccessControlConfig: Match.objectLike({ OriginAccessControlOriginType: 'lambda', SigningBehavior: 'always', SigningProtocol: 'sigv4' }),
    });
    const permissions = Object.values(s.resources).filter((resource) => resource.Type === 'AWS::Lambda::Permission');
    expect(permissions.map((permission) => (permission.Properties as { Action: string }).Action).sort()).toEqual(['lambda:InvokeFunction', 'lambda:InvokeFunctionUrl']);
    for (const permission of permissions) {
      expect(permission.Properties).toMatchObject({
        Principal: 'cloudfront.amazonaws.com',
        // The URL's FunctionArn attribute: the playlist function's ARN.
        FunctionName: { 'Fn::GetAtt': [expect.stringMatching(/^CdnPlaylistFunctionFunctionUrl/), 'FunctionArn'] },
        SourceArn: { 'Fn::Join': ['', expect.arrayContaining([{ Ref: logicalId(s.cdn.distribution) }])] },
      });
    }
  });

  it('keys cached playlists and thumbnail tracks by the grant copies only: one viewer’s grant is never served to another, and junk parameters are no new key', () => {
    s.template.hasResourceProperties('AWS::CloudFront::CachePolicy', {
      CachePolicyConfig: Match.objectLike({
        ParametersInCacheKeyAndForwardedToOrigin: Match.objectLike({
          QueryStringsConfig: { QueryStringBehavior: 'whitelist', QueryStrings: ['grant-policy', 'grant-signature', 'grant-key-pair-id'] },
        }),
      }),
    });
  });

  it('sends thumbnail tracks to the playlist function, which signs the sprite each cue names', () => {
    const [m3u8, vtt] = behaviors(s.resources).filter((behavior) => behavior.PathPattern !== undefined);
    expect(vtt).toEqual({ ...m3u8, PathPattern: 'media/*.vtt' });
  });

  it('gives the playlist function only GetObject on outputs and the public keys, never the private key', () => {
    const actions = roleStatements(s.resources, logicalId(s.cdn.playlistFunction!.role)).flatMap((statement) => [statement.Action].flat());
    expect(actions.filter((action) => !String(action).startsWith('logs:') && !String(action).startsWith('xray:'))).toEqual(['s3:GetObject']);
    const variables = (s.resources[logicalId(s.cdn.playlistFunction!.function)]!.Properties as { Environment: { Variables: Record<string, unknown> } }).Environment.Variables;
    expect(Object.keys(variables)).toContain(MEDIA_ACCESS_ENV.publicKeys);
    expect(Object.keys(variables)).not.toContain(MEDIA_ACCESS_ENV.signingKeySecret);
  });

  it('lets the key maker read and write its own secret and nothing else; the private key is not in the template', () => {
    const secret = { Ref: logicalId(s.cdn.signingKeys!.activeKey.secret) };
    const statements = roleStatements(s.resources, logicalId(s.cdn.signingKeys!.makerFunction.role)).filter((statement) =>
      [statement.Action].flat().some((action) => String(action).startsWith('secretsmanager:')),
    );
    expect(statements).toEqual([expect.objectContaining({ Action: ['secretsmanager:GetSecretValue', 'secretsmanager:PutSecretValue'], Resource: secret })]);
    expect(JSON.stringify(s.template.toJSON())).not.toMatch(/PRIVATE KEY/);
  });

  it('makes one key and secret per name, all in the key group, the first one signing (rotation)', () => {
    const rotated = synthCdn({ access: 'signed', signingKeys: ['2', '1'] });
    const keys = rotated.cdn.signingKeys!;
    expect(keys.keys.map((key) => key.name)).toEqual(['2', '1']);
    expect(keys.activeKey.name).toBe('2');
    rotated.template.resourceCountIs('AWS::SecretsManager::Secret', 2);
    rotated.template.hasResourceProperties('AWS::CloudFront::KeyGroup', {
      KeyGroupConfig: Match.objectLike({ Items: keys.keys.map((key) => ({ Ref: logicalId(key.publicKey) })) }),
    });
    // The ids of key 1 do not move when key 2 is added: its secret and public key stay.
    expect(logicalId(keys.keys[1]!.secret)).toBe(logicalId(s.cdn.signingKeys!.activeKey.secret));
  });

  it('refuses bad key names and more keys than a key group holds, naming them', () => {
    expect(() => synthCdn({ access: 'signed', signingKeys: [] })).toThrow('signingKeys must name 1 to 5 keys');
    expect(() => synthCdn({ access: 'signed', signingKeys: ['a', 'b', 'c', 'd', 'e', 'f'] })).toThrow('got 6');
    expect(() => synthCdn({ access: 'signed', signingKeys: ['key-1'] })).toThrow('"key-1"');
    expect(() => synthCdn({ access: 'signed', signingKeys: ['1', '1'] })).toThrow('names 1 twice');
    expect(() => synthCdn({ signingKeys: ['1'] })).toThrow("need access: 'signed'");
  });

  it('fails synth on an access that is neither public nor signed, naming the prop and the value', () => {
    expect(() => synthCdn({ access: 'private' as never })).toThrow(`access must be one of 'public', 'signed', got "private"`);
  });
});

describe('Cdn with the default access (public)', () => {
  it('makes no key group, no playlist function and trusts no key group', () => {
    const s = synthCdn();
    s.template.resourceCountIs('AWS::CloudFront::KeyGroup', 0);
    s.template.resourceCountIs('AWS::Lambda::Function', 0);
    expect(behaviors(s.resources).every((behavior) => behavior.TrustedKeyGroups === undefined)).toBe(true);
    expect(s.cdn.signingKeys).toBeUndefined();
  });
});

describe('MediaPipeline with access: signed', () => {
  const stack = buildPipelineApp(testApp({ context: { access: 'signed', signedUrlLifetime: '2h' } }));
  const pipeline = stack.pipeline;
  const resources = Template.fromStack(stack).toJSON().Resources as TemplateResources;
  const signers = [pipeline.api.functions.get('GetUpload')!, pipeline.api.functions.get('ListUploads')!, pipeline.progress!.functions.get('Message')!, pipeline.progress!.publishFunction];

  it('signs media URLs in every function that hands them out, for the lifetime set, with the active key', () => {
    for (const fn of signers) {
      const variables = (resources[logicalId(fn.function)]!.Properties as { Environment: { Variables: Record<string, unknown> } }).Environment.Variables;
      expect(variables, fn.node.path).toMatchObject({
        [MEDIA_ACCESS_ENV.access]: 'signed',
        [MEDIA_ACCESS_ENV.urlLifetimeSeconds]: '7200',
        [MEDIA_ACCESS_ENV.signingKeyPairId]: { Ref: logicalId(pipeline.cdn.signingKeys!.activeKey.publicKey) },
        [MEDIA_ACCESS_ENV.signingKeySecret]: { Ref: logicalId(pipeline.cdn.signingKeys!.activeKey.secret) },
      });
      const secretStatements = roleStatements(resources, logicalId(fn.role)).filter((statement) => JSON.stringify(statement.Action).includes('secretsmanager'));
      expect(secretStatements, fn.node.path).toEqual([
        expect.objectContaining({ Action: 'secretsmanager:GetSecretValue', Resource: { Ref: logicalId(pipeline.cdn.signingKeys!.activeKey.secret) } }),
      ]);
    }
  });

  it('gives no other function the signing key', () => {
    const others = Object.entries(resources).filter(
      ([id, resource]) =>
        resource.Type === 'AWS::IAM::Policy' &&
        JSON.stringify(resource.Properties).includes('secretsmanager:GetSecretValue') &&
        ![...signers, pipeline.cdn.signingKeys!.makerFunction].some((fn) => JSON.stringify(resource.Properties).includes(logicalId(fn.role))) &&
        id,
    );
    expect(others.map(([id]) => id)).toEqual([]);
  });

  it('refuses a URL lifetime outside 1 minute to 7 days, or one without signed access, naming it', () => {
    const build = (props: ConstructorParameters<typeof MediaPipeline>[2]) => new MediaPipeline(testStack(), 'Pipeline', props);
    expect(() => build({ access: 'signed', signedUrlLifetime: Duration.seconds(30) })).toThrow('signedUrlLifetime must be whole seconds from 1 minute to 7 days, got 30 seconds');
    expect(() => build({ access: 'signed', signedUrlLifetime: Duration.days(8) })).toThrow('got 8 days');
    expect(() => build({ signedUrlLifetime: Duration.hours(1) })).toThrow("needs access: 'signed'");
  });

  it('fails synth on an invalid access from the context, naming it', () => {
    expect(() => buildPipelineApp(testApp({ context: { access: 'private' } }))).toThrow(`access must be one of 'public', 'signed', got "private"`);
  });
});
