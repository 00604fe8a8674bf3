/**
 * Builds the stack the way infra/app.ts does, from CDK context, without bundling (the context key
 * `aws:cdk:bundling-stacks: []` makes NodejsFunction skip esbuild): a synth takes about a second.
 */
import { readFileSync } from 'node:fs';
import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { expect } from 'vitest';
import { FivetranMetadataStack } from '../../infra/fivetran-metadata-stack.ts';
import { readStackOptions } from '../../infra/stack-options.ts';

export const STACK_ID = 'FivetranMetadata';

/** The project's own context (feature flags included), as the CDK CLI passes it to infra/app.ts. */
const PROJECT_CONTEXT = (
  JSON.parse(readFileSync(new URL('../../cdk.json', import.meta.url), 'utf8')) as {
    context: Record<string, unknown>;
  }
).context;

export interface BuiltStack {
  readonly app: App;
  readonly stack: FivetranMetadataStack;
  readonly template: Template;
}

export interface BuildOptions {
  /** Run esbuild for real (one test does). */
  readonly bundle?: boolean;
  /** Cloud assembly directory; CDK picks a temp dir when unset. */
  readonly outdir?: string;
}

export function buildStack(context: Record<string, unknown> = {}, build: BuildOptions = {}): BuiltStack {
  const app = new App({
    outdir: build.outdir,
    context: { ...PROJECT_CONTEXT, ...(build.bundle ? {} : { 'aws:cdk:bundling-stacks': [] }), ...context },
  });
  const stack = new FivetranMetadataStack(app, STACK_ID, { options: readStackOptions(app.node) });
  return { app, stack, template: Template.fromStack(stack) };
}

export interface Resource {
  readonly Type: string;
  /** Always present here (an empty object when the template has none). */
  readonly Properties: Record<string, unknown>;
  readonly [key: string]: unknown;
}

export function resources(template: Template): Record<string, Resource> {
  const raw = template.toJSON().Resources as Record<string, { Properties?: object }>;
  return Object.fromEntries(
    Object.entries(raw).map(([id, resource]) => [id, { ...resource, Properties: resource.Properties ?? {} }]),
  ) as Record<string, Resource>;
}

/** The properties of the resource `id`; fails when there is no such resource. */
export function propertiesOf(template: Template, id: string): Record<string, unknown> {
  const resource = resources(template)[id];
  if (!resource) throw new Error(`no resource ${id}`);
  return resource.Properties;
}

/** The single resource of a type whose logical id starts with `prefix`. */
export function logicalIdOf(template: Template, type: string, prefix: string): string {
  const ids = Object.keys(template.findResources(type)).filter((id) => id.startsWith(prefix));
  if (ids.length !== 1)
    throw new Error(`expected one ${type} named ${prefix}*, found ${ids.join(', ') || 'none'}`);
  return ids[0] as string;
}

export interface Statement {
  readonly Effect: string;
  readonly Action: string | string[];
  readonly Resource: unknown;
  readonly Condition?: Record<string, Record<string, unknown>>;
}

/** Every IAM policy statement attached to the execution role of the function `functionPrefix`. */
export function roleStatements(template: Template, functionPrefix: string): Statement[] {
  const all = resources(template);
  const functionId = logicalIdOf(template, 'AWS::Lambda::Function', functionPrefix);
  const roleRef = (propertiesOf(template, functionId).Role as { 'Fn::GetAtt': [string, string] })[
    'Fn::GetAtt'
  ][0];
  const role = propertiesOf(template, roleRef);
  const statements: Statement[] = [];
  for (const resource of Object.values(all)) {
    if (resource.Type !== 'AWS::IAM::Policy') continue;
    const roles = resource.Properties.Roles as { Ref: string }[];
    if (!roles.some((r) => r.Ref === roleRef)) continue;
    statements.push(...(resource.Properties.PolicyDocument as { Statement: Statement[] }).Statement);
  }
  expect(role.ManagedPolicyArns).toBeUndefined();
  return statements;
}

export function actionsOf(statement: Statement): string[] {
  return Array.isArray(statement.Action) ? statement.Action : [statement.Action];
}

/** The statements that grant `action` (exactly, or through a wildcard like `dynamodb:*`). */
export function statementsGranting(statements: Statement[], action: string): Statement[] {
  return statements.filter(
    (s) =>
      s.Effect === 'Allow' &&
      actionsOf(s).some((a) => a === action || (a.endsWith('*') && action.startsWith(a.slice(0, -1)))),
  );
}
