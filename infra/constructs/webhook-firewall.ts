import { Stack } from 'aws-cdk-lib';
import type { Stage } from 'aws-cdk-lib/aws-apigateway';
import { CfnWebACL, CfnWebACLAssociation } from 'aws-cdk-lib/aws-wafv2';
import { Construct } from 'constructs';

/** AWS WAF counts requests over this window (seconds); the operator's limit is per window. */
export const RATE_WINDOW_SECONDS = 300;

/** Fivetran retries a 429 (for about a day), so a burst over the limit is delayed, not lost. */
export const RATE_LIMITED_STATUS = 429;

export interface WebhookFirewallProps {
  readonly stage: Stage;
  /** Requests per RATE_WINDOW_SECONDS from one source IP to the webhook route. */
  readonly requestsPerWindow: number;
  /** The webhook's path below the stage, e.g. `webhooks/fivetran`. */
  readonly webhookPath: string;
}

/**
 * Opt-in (context `webhookRateLimit`): an AWS WAF web ACL on the stage with one rate-based rule for the
 * public webhook route; everything else passes (the `/api` routes need IAM signatures anyway). A web ACL
 * has a fixed monthly price, which is why it is not on by default.
 */
export class WebhookFirewall extends Construct {
  readonly webAcl: CfnWebACL;

  constructor(scope: Construct, id: string, props: WebhookFirewallProps) {
    super(scope, id);
    const metricPrefix = Stack.of(this).stackName;
    const visibility = (name: string): CfnWebACL.VisibilityConfigProperty => ({
      cloudWatchMetricsEnabled: true,
      metricName: `${metricPrefix}-${name}`,
      sampledRequestsEnabled: true,
    });
    this.webAcl = new CfnWebACL(this, 'WebAcl', {
      description: 'Rate limit on the public Fivetran webhook route',
      scope: 'REGIONAL',
      defaultAction: { allow: {} },
      visibilityConfig: visibility('webacl'),
      rules: [
        {
          name: 'webhook-rate-limit',
          priority: 0,
          action: { block: { customResponse: { responseCode: RATE_LIMITED_STATUS } } },
          statement: {
            rateBasedStatement: {
              limit: props.requestsPerWindow,
              evaluationWindowSec: RATE_WINDOW_SECONDS,
              aggregateKeyType: 'IP',
              // Only the webhook counts: the path WAF sees starts with the stage (`/prod/webhooks/...`).
              scopeDownStatement: {
                byteMatchStatement: {
                  fieldToMatch: { uriPath: {} },
                  positionalConstraint: 'CONTAINS',
                  searchString: `/${props.webhookPath}`.toLowerCase(),
                  textTransformations: [{ priority: 0, type: 'LOWERCASE' }],
                },
              },
            },
          },
          visibilityConfig: visibility('webhook-rate-limit'),
        },
      ],
    });
    new CfnWebACLAssociation(this, 'Association', {
      resourceArn: props.stage.stageArn,
      webAclArn: this.webAcl.attrArn,
    });
  }
}
