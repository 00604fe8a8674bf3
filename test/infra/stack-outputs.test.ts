import { describe, expect, it } from 'vitest';
import { OUTPUT_KEYS } from '../../infra/stack-outputs.ts';
import { buildStack, logicalIdOf } from './stack-fixture.ts';

type Outputs = Record<string, { Value: unknown; Export?: unknown }>;

/** A template value with every Ref / Fn::GetAtt / Fn::Join spelled out as `<LogicalId>` text. */
function render(value: unknown): string {
  if (typeof value === 'string') return value;
  const object = value as Record<string, unknown>;
  if ('Ref' in object) return `<${object.Ref as string}>`;
  if ('Fn::GetAtt' in object) return `<${(object['Fn::GetAtt'] as string[]).join('.')}>`;
  if ('Fn::Join' in object) {
    const [separator, parts] = object['Fn::Join'] as [string, unknown[]];
    return parts.map(render).join(separator);
  }
  throw new Error(`cannot render ${JSON.stringify(value)}`);
}

describe('Stack outputs', () => {
  const { template } = buildStack();
  const outputs = template.toJSON().Outputs as Outputs;

  it("keeps its output keys (the CLI, the guide and operators' scripts read them), without exports", () => {
    // Prepare / Act
    const keys = Object.keys(outputs).sort();

    // Assess: a renamed key breaks `--stack` resolution; an export would pin the stack to its consumers.
    expect(keys).toEqual(Object.values(OUTPUT_KEYS).sort());
    expect(keys).toEqual(
      [
        'AlarmTopicArn',
        'AlertSecretArn',
        'ApiCredentialSecretArn',
        'ApiUrl',
        'DashboardUrl',
        'FailedWorkQueueUrl',
        'Region',
        'RegisterWebhookCommand',
        'TableName',
        'WebhookSecretArn',
        'WebhookUrl',
      ].sort(),
    );
    for (const output of Object.values(outputs)) expect(output.Export).toBeUndefined();
  });

  it('prints the one registration command that stores the secret where the deployed webhook reads it', () => {
    // Prepare
    const credential = logicalIdOf(template, 'AWS::SecretsManager::Secret', 'SecretsApiCredential');
    const signing = logicalIdOf(template, 'AWS::SecretsManager::Secret', 'SecretsWebhookSigningSecret');
    const table = logicalIdOf(template, 'AWS::DynamoDB::GlobalTable', 'Table');

    // Act
    const command = render(outputs.RegisterWebhookCommand?.Value);
    const webhookUrl = render(outputs.WebhookUrl?.Value);

    // Assess
    expect(command).toBe(
      [
        'npx fivetran-metadata webhook register',
        `--url ${webhookUrl}`,
        `--secret-id <${credential}>`,
        `--webhook-secret-id <${signing}>`,
        `--table <${table}>`,
        '--region <AWS::Region>',
      ].join(' '),
    );
    expect(render(outputs.WebhookSecretArn?.Value)).toBe(`<${signing}>`);
    expect(render(outputs.ApiCredentialSecretArn?.Value)).toBe(`<${credential}>`);
    expect(render(outputs.TableName?.Value)).toBe(`<${table}>`);
    expect(render(outputs.Region?.Value)).toBe('<AWS::Region>');
  });
});
