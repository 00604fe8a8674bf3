import { RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import {
  AccessLogField,
  AccessLogFormat,
  AuthorizationType,
  EndpointType,
  LambdaIntegration,
  LogGroupLogDestination,
  MethodLoggingLevel,
  RestApi,
} from 'aws-cdk-lib/aws-apigateway';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { LogGroup, type RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { WebhookFirewall } from './webhook-firewall.ts';

/**
 * Throttling, set on purpose. The stage default covers the operator-facing `/api/*` routes; the webhook
 * gets more room because Fivetran bursts at the top of the hour, when many hourly syncs end together
 * (1,000 connections ≈ 2,000 events within a few minutes). Fivetran retries a 429 for about a day.
 */
export const STAGE_THROTTLE = { rateLimit: 20, burstLimit: 40 } as const;
export const WEBHOOK_THROTTLE = { rateLimit: 100, burstLimit: 200 } as const;

export const WEBHOOK_PATH = 'webhooks/fivetran';

export interface MetadataApiProps {
  readonly stage: string;
  readonly webhookFunction: IFunction;
  readonly apiFunction: IFunction;
  readonly logRetention: RetentionDays;
  /** ERROR-level execution logs; needs the account-level API Gateway CloudWatch role to exist. */
  readonly executionLogging: boolean;
  /** One JSON line per request; needs the same account-level role. */
  readonly accessLogging: boolean;
  /**
   * Set that account-level role from this stack (a role with AWS's AmazonAPIGatewayPushToCloudWatchLogs
   * policy, registered in the region's API Gateway account settings, kept on teardown).
   */
  readonly setAccountLoggingRole: boolean;
  /** Customer-managed key for the API's log groups (controlTower). */
  readonly logKey?: IKey | undefined;
  /** Requests per 5 minutes per IP on the webhook before AWS WAF answers 429; no web ACL when unset. */
  readonly webhookRateLimit?: number | undefined;
}

/** Why the stage does not log by default (cdk-nag acknowledgments and the operator's guide say the same). */
const ACCOUNT_ROLE_NOTE =
  'API Gateway can write stage logs only once the account-level API Gateway CloudWatch role is set in the region, which a fresh account lacks and which this stack does not take over unless asked (-c apiGatewayCloudWatchRole=true)';

/**
 * The REST API: `POST /webhooks/fivetran` is public (Fivetran cannot send credentials; the function
 * verifies the HMAC signature before anything is stored), `/api` and `/api/{proxy+}` require IAM
 * (SigV4) authorization. A REST API rather than an HTTP API for stage and method throttling, X-Ray on
 * the stage, IAM authorization per method and an optional WAF.
 */
export class MetadataApi extends Construct {
  readonly restApi: RestApi;
  readonly accessLogs: LogGroup | undefined;
  readonly firewall: WebhookFirewall | undefined;
  readonly webhookUrl: string;
  readonly apiUrl: string;

  constructor(scope: Construct, id: string, props: MetadataApiProps) {
    super(scope, id);

    this.accessLogs = props.accessLogging
      ? new LogGroup(this, 'AccessLogs', {
          retention: props.logRetention,
          encryptionKey: props.logKey,
          removalPolicy: RemovalPolicy.RETAIN,
        })
      : undefined;

    const webhookMethodPath = `/${WEBHOOK_PATH}/POST`;
    this.restApi = new RestApi(this, 'Api', {
      // API Gateway metrics are keyed by API name: a unique name keeps them apart from other APIs.
      restApiName: Stack.of(this).stackName,
      description: 'Fivetran metadata: signed Fivetran webhooks (public) and the read API (IAM).',
      endpointTypes: [EndpointType.REGIONAL],
      // The account-wide API Gateway logging role is not this stack's to own unless the operator says so.
      cloudWatchRole: props.setAccountLoggingRole,
      // Other APIs in the region may log through it: never delete it with this stack.
      ...(props.setAccountLoggingRole ? { cloudWatchRoleRemovalPolicy: RemovalPolicy.RETAIN } : {}),
      // Every body reaches the functions base64-encoded: the signature covers the exact bytes sent, which
      // a text conversion could alter.
      binaryMediaTypes: ['*/*'],
      deployOptions: {
        stageName: props.stage,
        tracingEnabled: true,
        ...(this.accessLogs ? accessLogSettings(this.accessLogs) : {}),
        throttlingRateLimit: STAGE_THROTTLE.rateLimit,
        throttlingBurstLimit: STAGE_THROTTLE.burstLimit,
        loggingLevel: props.executionLogging ? MethodLoggingLevel.ERROR : MethodLoggingLevel.OFF,
        // Never log bodies: they are Fivetran payloads, and the API answers carry account metadata.
        dataTraceEnabled: false,
        methodOptions: {
          [webhookMethodPath]: {
            throttlingRateLimit: WEBHOOK_THROTTLE.rateLimit,
            throttlingBurstLimit: WEBHOOK_THROTTLE.burstLimit,
          },
        },
      },
    });

    const webhook = this.restApi.root.resourceForPath(WEBHOOK_PATH);
    const webhookMethod = webhook.addMethod(
      'POST',
      new LambdaIntegration(props.webhookFunction, { allowTestInvoke: false }),
      { authorizationType: AuthorizationType.NONE },
    );
    Validations.of(webhookMethod).acknowledge({
      id: 'AwsSolutions-APIG4',
      reason:
        'Fivetran webhooks cannot carry credentials or custom headers: the function authenticates each delivery by its HMAC-SHA256 signature (X-Fivetran-Signature-256) before storing anything, and answers 401 otherwise.',
    });
    Validations.of(webhookMethod).acknowledge({
      id: 'AwsSolutions-COG4',
      reason:
        'Public by design and HMAC-authenticated in the function; Fivetran cannot present a Cognito token.',
    });

    const apiIntegration = new LambdaIntegration(props.apiFunction, { allowTestInvoke: false });
    const iamOnly = { authorizationType: AuthorizationType.IAM };
    const api = this.restApi.root.addResource('api');
    const apiRoot = api.addMethod('ANY', apiIntegration, iamOnly);
    const apiProxy = api.addResource('{proxy+}').addMethod('ANY', apiIntegration, iamOnly);
    for (const method of [apiRoot, apiProxy]) {
      Validations.of(method).acknowledge({
        id: 'AwsSolutions-COG4',
        reason:
          'Authorized with IAM (SigV4): the callers are operators and tools with AWS credentials, not end users in a Cognito user pool.',
      });
    }

    const stage = this.restApi.deploymentStage;
    if (props.executionLogging) {
      // API Gateway would create this group itself, with no retention; owning it sets one.
      new LogGroup(this, 'ExecutionLogs', {
        logGroupName: `API-Gateway-Execution-Logs_${this.restApi.restApiId}/${props.stage}`,
        retention: props.logRetention,
        encryptionKey: props.logKey,
        removalPolicy: RemovalPolicy.RETAIN,
      });
    } else {
      Validations.of(stage).acknowledge({
        id: 'AwsSolutions-APIG6',
        reason: `Execution logging is opt-in (-c apiExecutionLogging=true): ${ACCOUNT_ROLE_NOTE}. The functions log every request they serve.`,
      });
    }
    if (!this.accessLogs) {
      for (const id of ['AwsSolutions-APIG1', 'Serverless-APIGWAccessLogging']) {
        Validations.of(stage).acknowledge({
          id,
          reason: `Access logging is opt-in (-c accessLogging=true): ${ACCOUNT_ROLE_NOTE}. The functions log every request they serve, with its outcome, and API Gateway's metrics feed the alarms.`,
        });
      }
    }
    if (props.setAccountLoggingRole) {
      Validations.of(this.restApi).acknowledge({
        id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AmazonAPIGatewayPushToCloudWatchLogs]',
        reason:
          "The account-level API Gateway logging role carries AWS's own policy for exactly this purpose, kept current by AWS; it serves every API in the region, so it cannot be narrowed to this stack's log groups.",
      });
    }
    Validations.of(this.restApi).acknowledge({
      id: 'AwsSolutions-APIG2',
      reason:
        'No gateway request validation: the webhook signature covers the exact raw bytes and a signed but malformed body must be kept (quarantined) with a 200, not refused by the gateway; /api query parameters are validated by the function (zod), answering 400.',
    });
    this.firewall =
      props.webhookRateLimit === undefined
        ? undefined
        : new WebhookFirewall(this, 'Firewall', {
            stage,
            requestsPerWindow: props.webhookRateLimit,
            webhookPath: WEBHOOK_PATH,
          });
    if (!this.firewall) {
      Validations.of(stage).acknowledge({
        id: 'AwsSolutions-APIG3',
        reason:
          'No WAF by default (a web ACL adds a fixed monthly cost to a low-traffic product): the webhook verifies an HMAC before touching storage, /api requires IAM, and stage/method throttling caps the rate. Opt in with -c webhookRateLimit=<requests per 5 min>, or associate your own web ACL with this stage.',
      });
    }

    // CDK adds an output for the bare base URL; the stack outputs the two URLs an operator uses instead.
    this.restApi.node.tryRemoveChild('Endpoint');
    this.webhookUrl = this.restApi.urlForPath(`/${WEBHOOK_PATH}`);
    this.apiUrl = this.restApi.urlForPath('/api');
  }
}

function accessLogSettings(logGroup: LogGroup): {
  accessLogDestination: LogGroupLogDestination;
  accessLogFormat: AccessLogFormat;
} {
  return { accessLogDestination: new LogGroupLogDestination(logGroup), accessLogFormat: accessLogFormat() };
}

/** One JSON object per request: who, what, how it ended, how long it took (no bodies, no headers). */
function accessLogFormat(): AccessLogFormat {
  return AccessLogFormat.custom(
    JSON.stringify({
      requestId: AccessLogField.contextRequestId(),
      extendedRequestId: AccessLogField.contextExtendedRequestId(),
      requestTime: AccessLogField.contextRequestTime(),
      sourceIp: AccessLogField.contextIdentitySourceIp(),
      userAgent: AccessLogField.contextIdentityUserAgent(),
      caller: AccessLogField.contextIdentityCaller(),
      userArn: AccessLogField.contextIdentityUserArn(),
      httpMethod: AccessLogField.contextHttpMethod(),
      resourcePath: AccessLogField.contextResourcePath(),
      path: AccessLogField.contextPath(),
      protocol: AccessLogField.contextProtocol(),
      status: AccessLogField.contextStatus(),
      responseLength: AccessLogField.contextResponseLength(),
      responseLatencyMs: AccessLogField.contextResponseLatency(),
      integrationStatus: AccessLogField.contextIntegrationStatus(),
      integrationLatencyMs: AccessLogField.contextIntegrationLatency(),
      errorMessage: AccessLogField.contextErrorMessage(),
      errorType: AccessLogField.contextErrorResponseType(),
      xrayTraceId: AccessLogField.contextXrayTraceId(),
    }),
  );
}
