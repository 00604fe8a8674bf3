import { RemovalPolicy } from 'aws-cdk-lib';
import { RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { Node } from 'constructs';
import { z } from 'zod';
import { type AlertOptions, alertContextShape, readAlertOptions } from './alert-options.ts';

/**
 * Every deploy-time option, read from CDK context (`cdk deploy -c sweepRateMinutes=30`, or `context` in
 * cdk.json). Values given on the command line arrive as strings, values from cdk.json as JSON, so each
 * option accepts both. The operator's guide lists the same table.
 */
export interface StackOptions {
  /** CloudFormation stack name; deploy a second copy (e.g. staging) under another name. */
  readonly stackName: string;
  /** API Gateway stage name: the last path segment of the base URL. */
  readonly stage: string;
  readonly sweepRateMinutes: number;
  /** Subscribed to the alarm topic when set. */
  readonly alarmEmail: string | undefined;
  /** When set, health-change events are forwarded to this address. */
  readonly alertEmail: string | undefined;
  readonly logRetention: RetentionDays;
  readonly eventRetentionDays: number;
  readonly schemaRequestBudget: number;
  readonly tableRemovalPolicy: RemovalPolicy.RETAIN | RemovalPolicy.DESTROY;
  /** Opt-in: accounts with the default low concurrency quota cannot reserve any. */
  readonly reservedConcurrency: boolean;
  /** Hours without a stored webhook event before the "webhook silent" alarm fires. */
  readonly webhookSilenceHours: number;
  /** Opt-in API Gateway execution logging (needs the account-level API Gateway CloudWatch role). */
  readonly apiExecutionLogging: boolean;
  /** Opt-in structured access log per request (needs the account-level API Gateway CloudWatch role too). */
  readonly accessLogging: boolean;
  /** The stack sets the account-level API Gateway CloudWatch role itself (for a fresh account). */
  readonly apiGatewayCloudWatchRole: boolean;
  /** Requests per 5 minutes from one IP to the webhook before AWS WAF answers 429; no web ACL when unset. */
  readonly webhookRateLimit: number | undefined;
  /** Shape the template to pass the AWS Control Tower proactive controls (see control-tower.ts). */
  readonly controlTower: boolean;
  /** The target account: binds the stack to it (required with controlTower). */
  readonly account: string | undefined;
  /** Runs the functions in the operator's VPC: subnets and security groups that already exist. */
  readonly lambdaVpc: LambdaVpc | undefined;
  /** Slack, Teams and PagerDuty alerts (alert-options.ts). */
  readonly alerts: AlertOptions;
  /** OPENLINEAGE_URL (and OPENLINEAGE_NAMESPACE): deploys the OpenLineage deliverer when set. */
  readonly openLineage: { readonly url: string; readonly namespace: string | undefined } | undefined;
}

export interface LambdaVpc {
  readonly subnetIds: readonly string[];
  readonly securityGroupIds: readonly string[];
}

/** CT.CLOUDWATCH.PR.2: log groups kept at least a year. */
export const CONTROL_TOWER_MIN_LOG_RETENTION_DAYS = 365;

/** CloudWatch Logs accepts only these retention periods. */
const LOG_RETENTION_DAYS = Object.values(RetentionDays).filter(
  (value): value is RetentionDays => typeof value === 'number' && value !== RetentionDays.INFINITE,
);

const wholeNumber = (min: number, max: number) => z.coerce.number().int().min(min).max(max);
const flag = z
  .union([z.boolean(), z.enum(['true', 'false'])])
  .transform((value) => value === true || value === 'true');
const email = z.email().optional();
/** `-c key=a,b` from the command line, or a JSON list in cdk.json. */
const idList = (pattern: RegExp, what: string) =>
  z
    .union([z.string(), z.array(z.string())])
    .transform((value) =>
      (Array.isArray(value) ? value : value.split(',')).map((id) => id.trim()).filter((id) => id !== ''),
    )
    .pipe(z.array(z.string().regex(pattern, what)).min(1).max(16))
    .optional();

const contextSchema = z.object({
  stackName: z
    .string()
    .regex(/^[A-Za-z][A-Za-z0-9-]{0,127}$/, 'letters, digits and hyphens, starting with a letter')
    .default('FivetranMetadata'),
  stage: z
    .string()
    .regex(/^[A-Za-z0-9_-]{1,64}$/, 'letters, digits, hyphens and underscores')
    .default('prod'),
  // Two missed sweeps must fit CloudWatch's one-day alarm evaluation window.
  sweepRateMinutes: wholeNumber(5, 720).default(15),
  alarmEmail: email,
  alertEmail: email,
  // Default depends on controlTower (see readStackOptions).
  logRetentionDays: z.coerce
    .number()
    .refine((days) => LOG_RETENTION_DAYS.includes(days as RetentionDays), {
      message: `one of ${LOG_RETENTION_DAYS.join(', ')}`,
    })
    .optional(),
  // Same bounds as the local configuration (functions/commons/config.ts).
  eventRetentionDays: wholeNumber(1, 3650).default(90),
  schemaRequestBudget: wholeNumber(0, 100_000).default(200),
  tableRemovalPolicy: z.enum(['retain', 'destroy']).default('retain'),
  reservedConcurrency: flag.default(false),
  webhookSilenceHours: wholeNumber(1, 24).default(6),
  apiExecutionLogging: flag.default(false),
  accessLogging: flag.default(false),
  apiGatewayCloudWatchRole: flag.default(false),
  // AWS WAF accepts 10 to 2,000,000,000 requests per evaluation window.
  webhookRateLimit: wholeNumber(10, 2_000_000_000).optional(),
  controlTower: flag.default(false),
  account: z
    .string()
    .regex(/^\d{12}$/, 'a 12-digit AWS account id')
    .optional(),
  lambdaSubnetIds: idList(/^subnet-[0-9a-f]{8,17}$/, 'subnet ids like subnet-0123456789abcdef0'),
  lambdaSecurityGroupIds: idList(/^sg-[0-9a-f]{8,17}$/, 'security group ids like sg-0123456789abcdef0'),
  ...alertContextShape,
  // Lambda reaches it over the internet: https only, no credentials in the URL (the key is a secret).
  openLineageUrl: z
    .url({ protocol: /^https$/, error: 'an https URL' })
    .refine((url) => !/^https:\/\/[^/]*@/.test(url), 'no credentials in the URL: fill the key secret instead')
    .optional(),
  openLineageNamespace: z
    .string()
    .regex(/^[\x20-\x7e]{1,1024}$/, 'printable text, at most 1,024 characters')
    .optional(),
});

export const CONTEXT_KEYS = Object.keys(contextSchema.shape) as (keyof typeof contextSchema.shape)[];

/** A bad or inconsistent option: synth fails with this one line. */
function invalid(key: string, message: string, value: unknown): Error {
  return new Error(`invalid CDK context "${key}": ${message} (got ${JSON.stringify(value)})`);
}

/** Reads and validates the options; a bad value fails synth with one line naming the option. */
export function readStackOptions(node: Node): StackOptions {
  const raw: Record<string, unknown> = {};
  for (const key of CONTEXT_KEYS) {
    const value = node.tryGetContext(key);
    // An empty string (`-c alarmEmail=`) means "not set".
    if (value !== undefined && value !== '') raw[key] = value;
  }
  const parsed = contextSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const key = String(issue?.path[0] ?? 'context');
    throw invalid(key, issue?.message ?? 'invalid value', raw[key]);
  }
  const options = parsed.data;
  const ct = options.controlTower;
  if (ct && options.account === undefined) {
    throw invalid(
      'account',
      'controlTower=true needs the target account id (CT.LAMBDA.PR.2 asks for a literal SourceAccount on every Lambda permission)',
      raw.account,
    );
  }
  const retentionDays = options.logRetentionDays ?? (ct ? RetentionDays.ONE_YEAR : RetentionDays.ONE_MONTH);
  if (ct && retentionDays < CONTROL_TOWER_MIN_LOG_RETENTION_DAYS) {
    throw invalid(
      'logRetentionDays',
      `controlTower=true keeps logs at least ${CONTROL_TOWER_MIN_LOG_RETENTION_DAYS} days (CT.CLOUDWATCH.PR.2)`,
      raw.logRetentionDays,
    );
  }
  if (options.openLineageNamespace !== undefined && options.openLineageUrl === undefined) {
    throw invalid('openLineageNamespace', 'is set but openLineageUrl is not', raw.openLineageNamespace);
  }
  const subnets = options.lambdaSubnetIds;
  const groups = options.lambdaSecurityGroupIds;
  if ((subnets === undefined) !== (groups === undefined)) {
    const missing = subnets === undefined ? 'lambdaSubnetIds' : 'lambdaSecurityGroupIds';
    throw invalid(missing, 'lambdaSubnetIds and lambdaSecurityGroupIds go together', raw[missing]);
  }
  return {
    stackName: options.stackName,
    stage: options.stage,
    sweepRateMinutes: options.sweepRateMinutes,
    alarmEmail: options.alarmEmail,
    alertEmail: options.alertEmail,
    logRetention: retentionDays as RetentionDays,
    eventRetentionDays: options.eventRetentionDays,
    schemaRequestBudget: options.schemaRequestBudget,
    tableRemovalPolicy:
      options.tableRemovalPolicy === 'destroy' ? RemovalPolicy.DESTROY : RemovalPolicy.RETAIN,
    reservedConcurrency: options.reservedConcurrency,
    webhookSilenceHours: options.webhookSilenceHours,
    // CT.APIGATEWAY.PR.1 asks for execution logging on every method.
    apiExecutionLogging: options.apiExecutionLogging || ct,
    accessLogging: options.accessLogging,
    apiGatewayCloudWatchRole: options.apiGatewayCloudWatchRole,
    webhookRateLimit: options.webhookRateLimit,
    controlTower: ct,
    account: options.account,
    lambdaVpc: subnets && groups ? { subnetIds: subnets, securityGroupIds: groups } : undefined,
    alerts: readAlertOptions(options),
    openLineage: options.openLineageUrl
      ? { url: options.openLineageUrl, namespace: options.openLineageNamespace }
      : undefined,
  };
}
