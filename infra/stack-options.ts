import { RemovalPolicy } from 'aws-cdk-lib';
import { RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { Node } from 'constructs';
import { z } from 'zod';

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
}

/** CloudWatch Logs accepts only these retention periods. */
const LOG_RETENTION_DAYS = Object.values(RetentionDays).filter(
  (value): value is RetentionDays => typeof value === 'number' && value !== RetentionDays.INFINITE,
);

const wholeNumber = (min: number, max: number) => z.coerce.number().int().min(min).max(max);
const flag = z
  .union([z.boolean(), z.enum(['true', 'false'])])
  .transform((value) => value === true || value === 'true');
const email = z.email().optional();

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
  logRetentionDays: z.coerce
    .number()
    .refine((days) => LOG_RETENTION_DAYS.includes(days as RetentionDays), {
      message: `one of ${LOG_RETENTION_DAYS.join(', ')}`,
    })
    .default(RetentionDays.ONE_MONTH),
  // Same bounds as the local configuration (functions/commons/config.ts).
  eventRetentionDays: wholeNumber(1, 3650).default(90),
  schemaRequestBudget: wholeNumber(0, 100_000).default(200),
  tableRemovalPolicy: z.enum(['retain', 'destroy']).default('retain'),
  reservedConcurrency: flag.default(false),
  webhookSilenceHours: wholeNumber(1, 24).default(6),
  apiExecutionLogging: flag.default(false),
});

export const CONTEXT_KEYS = Object.keys(contextSchema.shape) as (keyof typeof contextSchema.shape)[];

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
    throw new Error(
      `invalid CDK context "${key}": ${issue?.message ?? 'invalid value'} (got ${JSON.stringify(raw[key])})`,
    );
  }
  const options = parsed.data;
  return {
    stackName: options.stackName,
    stage: options.stage,
    sweepRateMinutes: options.sweepRateMinutes,
    alarmEmail: options.alarmEmail,
    alertEmail: options.alertEmail,
    logRetention: options.logRetentionDays as RetentionDays,
    eventRetentionDays: options.eventRetentionDays,
    schemaRequestBudget: options.schemaRequestBudget,
    tableRemovalPolicy:
      options.tableRemovalPolicy === 'destroy' ? RemovalPolicy.DESTROY : RemovalPolicy.RETAIN,
    reservedConcurrency: options.reservedConcurrency,
    webhookSilenceHours: options.webhookSilenceHours,
    apiExecutionLogging: options.apiExecutionLogging,
  };
}
