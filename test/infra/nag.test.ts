import { Annotations, Match } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { buildPipelineApp } from '../../lib/buildPipelineApp.js';
import { testApp, type TestAppOptions } from './testApp.js';

/** Every unacknowledged AwsSolutions finding of the app bin/app.ts deploys, errors and warnings. */
function findings(options: TestAppOptions): string[] {
  const stack = buildPipelineApp(testApp(options));
  const annotations = Annotations.fromStack(stack);
  const nag = Match.stringLikeRegexp('AwsSolutions-.*');
  return [...annotations.findError('*', nag), ...annotations.findWarning('*', nag)].map(
    (finding) => `${finding.id}: ${String(finding.entry.data).split('\n')[0]}`,
  );
}

describe('cdk-nag AwsSolutions over the whole app', () => {
  it('finds nothing unacknowledged in the default app, bundled as cdk synth bundles it', () => {
    expect(findings({ bundle: true })).toEqual([]);
  });

  it('finds nothing unacknowledged with an external issuer and destroyable storage', () => {
    const context = { jwtIssuer: 'https://issuer.example.com', jwtAudience: 'media-app', removalPolicy: 'destroy' };
    expect(findings({ context })).toEqual([]);
  });

  it('finds nothing unacknowledged with signed media access and a rotation in progress (two keys)', () => {
    expect(findings({ context: { access: 'signed', signingKeys: '2,1' } })).toEqual([]);
  });

  it('finds nothing unacknowledged with webhooks (their queue, dead letters, rules and deliverer)', () => {
    const webhooks = JSON.stringify([
      { id: 'backend', url: 'https://hooks.example.com/media', secretArn: 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:media-webhook-AbCdEf', events: ['Upload Ready'] },
    ]);
    expect(findings({ context: { webhooks } })).toEqual([]);
  });

  it('finds nothing unacknowledged with threat protection on', () => {
    expect(findings({ context: { threatProtection: 'true' } })).toEqual([]);
  });

  it('finds nothing unacknowledged with the GuardDuty malware scan on', () => {
    expect(findings({ context: { malwareScan: 'true' } })).toEqual([]);
  });
});
