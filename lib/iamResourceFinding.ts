import { type IConstruct } from 'constructs';
import { Stack } from 'aws-cdk-lib';

/**
 * The finding id cdk-nag's AwsSolutions-IAM5 reports for a wildcard resource, e.g.
 * `Resource::<UploadsBucket1A2B3C4D.Arn>/uploads/*\/source`. cdk-nag flattens the resolved
 * CloudFormation expression (Join, GetAtt, Ref) this same way; an acknowledgment that names the
 * exact finding covers that one grant and nothing else.
 */
export function iamResourceFinding(scope: IConstruct, arn: string): string {
  return `Resource::${flatten(Stack.of(scope).resolve(arn))}`;
}

function flatten(node: unknown): string {
  if (node === undefined) return '';
  if (typeof node === 'string') return node.replace(/\$\{/g, '<').replace(/\}/g, '>');
  if (isObject(node)) {
    const join = node['Fn::Join'];
    if (Array.isArray(join)) {
      const [delimiter, items] = join as [string, unknown[]];
      return items.map(flatten).join(delimiter);
    }
    if ('Fn::Sub' in node) return flatten(node['Fn::Sub']);
    const getAtt = node['Fn::GetAtt'];
    if (Array.isArray(getAtt)) return `<${flatten(getAtt[0])}.${flatten(getAtt[1])}>`;
    if ('Fn::ImportValue' in node) return flatten(node['Fn::ImportValue']);
    if ('Ref' in node) return `<${flatten(node.Ref)}>`;
  }
  return JSON.stringify(node);
}

function isObject(node: unknown): node is Record<string, unknown> {
  return typeof node === 'object' && node !== null;
}
