/** A policy statement as CloudFormation holds it. */
export interface TemplateStatement {
  readonly Effect: string;
  readonly Action?: string | readonly string[];
  readonly NotAction?: unknown;
  readonly Resource?: unknown;
  readonly NotResource?: unknown;
  readonly Condition?: Readonly<Record<string, Readonly<Record<string, unknown>>>>;
}

interface TemplateResource {
  readonly Type: string;
  readonly Properties?: Record<string, any>;
}

export type TemplateResources = Readonly<Record<string, TemplateResource>>;

/**
 * Every statement that applies to a role: its inline policies and every AWS::IAM::Policy or
 * ManagedPolicy attached to it. Managed policies named by ARN cannot be read from the template,
 * so a role with any fails here.
 */
export function roleStatements(resources: TemplateResources, roleId: string): TemplateStatement[] {
  const role = resources[roleId];
  if (role?.Type !== 'AWS::IAM::Role') throw new Error(`${roleId} is not a role in the template`);
  if ((role.Properties?.ManagedPolicyArns ?? []).length > 0) {
    throw new Error(`${roleId} has managed policies, whose actions the template does not show: ${JSON.stringify(role.Properties?.ManagedPolicyArns)}`);
  }
  const inline = (role.Properties?.Policies ?? []).flatMap((policy: { PolicyDocument: { Statement: TemplateStatement[] } }) => policy.PolicyDocument.Statement);
  const attached = Object.values(resources)
    .filter((resource) => ['AWS::IAM::Policy', 'AWS::IAM::ManagedPolicy'].includes(resource.Type))
    .filter((resource) => (resource.Properties?.Roles ?? []).some((ref: unknown) => JSON.stringify(ref) === JSON.stringify({ Ref: roleId })))
    .flatMap((resource) => resource.Properties?.PolicyDocument.Statement as TemplateStatement[]);
  return [...inline, ...attached];
}

export function actionsOf(statement: TemplateStatement): string[] {
  return statement.Action === undefined ? [] : [statement.Action].flat();
}
