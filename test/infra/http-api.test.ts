import type { Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { STAGE_THROTTLE, WEBHOOK_THROTTLE } from '../../infra/constructs/metadata-api.ts';
import { RATE_LIMITED_STATUS, RATE_WINDOW_SECONDS } from '../../infra/constructs/webhook-firewall.ts';
import { buildStack, logicalIdOf, resources } from './stack-fixture.ts';

interface Method {
  readonly path: string;
  readonly httpMethod: string;
  readonly authorization: string;
  readonly functionId: string;
}

/** Every API Gateway method with its full path, its authorization and the function it invokes. */
function methods(template: Template): Method[] {
  const all = resources(template);
  const pathOf = (ref: unknown): string => {
    const id = (ref as { Ref?: string }).Ref;
    const resource = id ? all[id] : undefined;
    if (resource?.Type !== 'AWS::ApiGateway::Resource') return '';
    return `${pathOf(resource.Properties.ParentId)}/${resource.Properties.PathPart as string}`;
  };
  return Object.values(all)
    .filter((r) => r.Type === 'AWS::ApiGateway::Method')
    .map((r) => {
      const props = r.Properties ?? {};
      const uri = JSON.stringify((props.Integration as { Uri: unknown }).Uri);
      return {
        path: pathOf(props.ResourceId) || '/',
        httpMethod: props.HttpMethod as string,
        authorization: props.AuthorizationType as string,
        functionId: /"Fn::GetAtt":\["([A-Za-z0-9]+)","Arn"\]/.exec(uri)?.[1] ?? '',
      };
    })
    .sort((a, b) => a.path.localeCompare(b.path));
}

function stageProps(template: Template): Record<string, unknown> {
  return Object.values(template.findResources('AWS::ApiGateway::Stage'))[0]?.Properties ?? {};
}

describe('REST API', () => {
  let template: Template;
  beforeAll(() => {
    template = buildStack().template;
  });

  it('routes the public webhook and the IAM-authorized /api routes to their functions, and nothing else', () => {
    // Prepare
    const webhook = logicalIdOf(template, 'AWS::Lambda::Function', 'Webhook');
    const api = logicalIdOf(template, 'AWS::Lambda::Function', 'Api');

    // Act
    const routes = methods(template);

    // Assess
    expect(routes).toEqual([
      { path: '/api', httpMethod: 'ANY', authorization: 'AWS_IAM', functionId: api },
      { path: '/api/{proxy+}', httpMethod: 'ANY', authorization: 'AWS_IAM', functionId: api },
      { path: '/webhooks/fivetran', httpMethod: 'POST', authorization: 'NONE', functionId: webhook },
    ]);
  });

  it('lets API Gateway invoke each function only from its own route on the stage', () => {
    // Prepare
    const permissions = Object.values(template.findResources('AWS::Lambda::Permission')).map(
      (p) => p.Properties as { FunctionName: { 'Fn::GetAtt': [string] }; SourceArn: unknown },
    );

    // Act
    const sourceArns = permissions.map((p) => JSON.stringify(p.SourceArn));

    // Assess: no test-invoke permissions, and no wildcard method or path.
    expect(permissions).toHaveLength(3);
    expect(sourceArns.filter((arn) => arn.includes('test-invoke-stage'))).toEqual([]);
    expect(sourceArns.some((arn) => arn.includes('/POST/webhooks/fivetran'))).toBe(true);
    expect(sourceArns.some((arn) => arn.includes('/*/api/*'))).toBe(true);
  });

  it('is regional and passes every body base64-encoded, so the signature sees the exact bytes', () => {
    template.hasResourceProperties('AWS::ApiGateway::RestApi', {
      EndpointConfiguration: { Types: ['REGIONAL'] },
      BinaryMediaTypes: ['*/*'],
    });
  });

  it('traces the stage with X-Ray and, by default, asks for no stage logging a fresh account cannot take', () => {
    // Prepare / Act
    const props = stageProps(template);
    const settings = props.MethodSettings as Record<string, unknown>[];

    // Assess: both stage logs need the account-level CloudWatch role, which a fresh account lacks.
    expect(props.TracingEnabled).toBe(true);
    expect(props.AccessLogSetting).toBeUndefined();
    expect(settings.map((s) => s.LoggingLevel ?? 'inherited')).toEqual(['OFF', 'inherited']);
    expect(
      Object.keys(template.findResources('AWS::Logs::LogGroup')).filter((id) => id.startsWith('Http')),
    ).toEqual([]);
  });

  it('writes one structured JSON access log line per request when asked (accessLogging=true)', () => {
    // Prepare
    const tpl = buildStack({ accessLogging: 'true' }).template;
    const props = stageProps(tpl);
    const accessLogs = logicalIdOf(tpl, 'AWS::Logs::LogGroup', 'HttpAccessLogs');

    // Act
    const setting = props.AccessLogSetting as { DestinationArn: unknown; Format: string };
    const format = JSON.parse(setting.Format) as Record<string, string>;

    // Assess
    expect(props.StageName).toBe('prod');
    expect(props.TracingEnabled).toBe(true);
    expect(JSON.stringify(setting.DestinationArn)).toContain(`":log-group:",{"Ref":"${accessLogs}"}`);
    expect(format).toMatchObject({
      requestId: '$context.requestId',
      status: '$context.status',
      resourcePath: '$context.resourcePath',
      integrationLatencyMs: '$context.integrationLatency',
      xrayTraceId: '$context.xrayTraceId',
    });
    expect(Object.values(format).join(' ')).not.toMatch(/body|authorization/i);
  });

  it('throttles the stage and gives the webhook its own, larger limit; never logs bodies', () => {
    // Prepare / Act
    const settings = stageProps(template).MethodSettings as Record<string, unknown>[];

    // Assess
    expect(settings).toEqual([
      {
        ResourcePath: '/*',
        HttpMethod: '*',
        ThrottlingRateLimit: STAGE_THROTTLE.rateLimit,
        ThrottlingBurstLimit: STAGE_THROTTLE.burstLimit,
        LoggingLevel: 'OFF',
        DataTraceEnabled: false,
      },
      {
        ResourcePath: '/~1webhooks~1fivetran',
        HttpMethod: 'POST',
        ThrottlingRateLimit: WEBHOOK_THROTTLE.rateLimit,
        ThrottlingBurstLimit: WEBHOOK_THROTTLE.burstLimit,
        DataTraceEnabled: false,
      },
    ]);
    expect(WEBHOOK_THROTTLE.rateLimit).toBeGreaterThan(STAGE_THROTTLE.rateLimit);
  });

  it('does not take over the account-wide API Gateway CloudWatch role unless asked', () => {
    // Prepare / Act
    const tpl = buildStack({ apiGatewayCloudWatchRole: 'true', accessLogging: 'true' }).template;
    const account = resources(tpl)[logicalIdOf(tpl, 'AWS::ApiGateway::Account', 'HttpApiAccount')];
    const roleArn = account?.Properties.CloudWatchRoleArn as { 'Fn::GetAtt': [string] } | undefined;
    const roleId = roleArn?.['Fn::GetAtt'][0] ?? '';
    const role = resources(tpl)[roleId];

    // Assess
    template.resourceCountIs('AWS::ApiGateway::Account', 0);
    tpl.resourceCountIs('AWS::ApiGateway::Account', 1);
    // Kept on teardown: other APIs in the region may log through it.
    expect(account?.DeletionPolicy).toBe('Retain');
    expect(role?.DeletionPolicy).toBe('Retain');
    expect(JSON.stringify(role?.Properties.AssumeRolePolicyDocument)).toContain('apigateway.amazonaws.com');
    expect(JSON.stringify(role?.Properties.ManagedPolicyArns)).toContain(
      'service-role/AmazonAPIGatewayPushToCloudWatchLogs',
    );
    // The stage waits for the account setting, or its first deploy would fail on the missing role.
    const stageId = logicalIdOf(tpl, 'AWS::ApiGateway::Stage', 'HttpApiDeploymentStage');
    const dependsOn = [resources(tpl)[stageId]?.DependsOn ?? []].flat() as string[];
    expect(dependsOn.some((id) => resources(tpl)[id]?.Type === 'AWS::ApiGateway::Account')).toBe(true);
  });

  it('puts an AWS WAF rate limit on the webhook route only when webhookRateLimit is set', () => {
    // Prepare / Act
    const tpl = buildStack({ webhookRateLimit: '1500' }).template;
    const acl = Object.values(tpl.findResources('AWS::WAFv2::WebACL'))[0]?.Properties ?? {};
    const association = Object.values(tpl.findResources('AWS::WAFv2::WebACLAssociation'))[0]?.Properties;
    const rules = acl.Rules as Record<string, unknown>[];

    // Assess
    template.resourceCountIs('AWS::WAFv2::WebACL', 0);
    expect(acl).toMatchObject({ Scope: 'REGIONAL', DefaultAction: { Allow: {} } });
    expect(rules).toHaveLength(1);
    expect(rules[0]).toMatchObject({
      Action: { Block: { CustomResponse: { ResponseCode: RATE_LIMITED_STATUS } } },
      Statement: {
        RateBasedStatement: {
          Limit: 1500,
          EvaluationWindowSec: RATE_WINDOW_SECONDS,
          AggregateKeyType: 'IP',
          ScopeDownStatement: {
            ByteMatchStatement: {
              FieldToMatch: { UriPath: {} },
              PositionalConstraint: 'CONTAINS',
              SearchString: '/webhooks/fivetran',
              TextTransformations: [{ Priority: 0, Type: 'LOWERCASE' }],
            },
          },
        },
      },
    });
    const stageId = logicalIdOf(tpl, 'AWS::ApiGateway::Stage', 'HttpApiDeploymentStage');
    expect(JSON.stringify(association?.ResourceArn)).toContain(`{"Ref":"${stageId}"}`);
    expect(association?.WebACLArn).toEqual({
      'Fn::GetAtt': [logicalIdOf(tpl, 'AWS::WAFv2::WebACL', 'HttpFirewall'), 'Arn'],
    });
  });

  it('turns on ERROR execution logs into a log group with retention when asked', () => {
    // Prepare / Act
    const tpl = buildStack({ apiExecutionLogging: 'true', stage: 'v1' }).template;
    const api = logicalIdOf(tpl, 'AWS::ApiGateway::RestApi', 'HttpApi');

    // Assess
    expect((stageProps(tpl).MethodSettings as Record<string, unknown>[])[0]).toMatchObject({
      LoggingLevel: 'ERROR',
      DataTraceEnabled: false,
    });
    tpl.hasResourceProperties('AWS::Logs::LogGroup', {
      LogGroupName: { 'Fn::Join': ['', ['API-Gateway-Execution-Logs_', { Ref: api }, '/v1']] },
      RetentionInDays: 30,
    });
    tpl.resourceCountIs('AWS::ApiGateway::Account', 0);
  });

  it('outputs the webhook URL and the API URL on the configured stage', () => {
    // Prepare
    const tpl = buildStack({ stage: 'staging' }).template;
    const outputs = tpl.toJSON().Outputs as Record<string, { Value: { 'Fn::Join': [string, unknown[]] } }>;
    const stage = logicalIdOf(tpl, 'AWS::ApiGateway::Stage', 'HttpApiDeploymentStage');

    // Act
    const [webhookUrl, apiUrl] = [outputs.WebhookUrl, outputs.ApiUrl].map(
      (o) => o?.Value['Fn::Join'][1] ?? [],
    );

    // Assess
    expect(resources(tpl)[stage]?.Properties?.StageName).toBe('staging');
    expect(webhookUrl?.slice(-3)).toEqual(['/', { Ref: stage }, '/webhooks/fivetran']);
    expect(apiUrl?.slice(-3)).toEqual(['/', { Ref: stage }, '/api']);
    expect(webhookUrl?.[0]).toBe('https://');
  });
});
