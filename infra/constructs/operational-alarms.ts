import { Duration, Stack } from 'aws-cdk-lib';
import type { Stage } from 'aws-cdk-lib/aws-apigateway';
import { Alarm, ComparisonOperator, type IMetric, Stats, TreatMissingData } from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { productMetric } from '../product-metrics.ts';
import type { EncryptedTopic } from './encrypted-topic.ts';

/** Invalid signatures in five minutes that count as a spike (a few stray probes from the internet do not). */
export const SIGNATURE_INVALID_SPIKE = 10;

export interface OperationalAlarmsProps {
  readonly topic: EncryptedTopic;
  readonly functions: Readonly<Record<string, IFunction>>;
  /** What a failure of that function means beyond "read its log", appended to its errors alarm. */
  readonly errorNotes?: Readonly<Record<string, string>>;
  readonly stage: Stage;
  readonly failureQueue: IQueue;
  readonly sweepRate: Duration;
  readonly webhookSilenceHours: number;
}

interface AlarmSpec {
  readonly metric: IMetric;
  readonly threshold: number;
  readonly comparison: ComparisonOperator;
  readonly evaluationPeriods?: number;
  readonly missing?: TreatMissingData;
  readonly description: string;
}

/**
 * Every alarm notifies the alarm topic, on ALARM and on OK. Each description says what it means and
 * where to look first; the operator's guide has the longer version.
 */
export class OperationalAlarms extends Construct {
  readonly alarms: Alarm[] = [];
  private readonly action: SnsAction;

  constructor(scope: Construct, id: string, props: OperationalAlarmsProps) {
    super(scope, id);
    this.action = new SnsAction(props.topic);
    const fiveMinutes = Duration.minutes(5);
    const atLeastOne = ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD;

    for (const [name, fn] of Object.entries(props.functions)) {
      this.add(`${name}-errors`, {
        metric: fn.metricErrors({ period: fiveMinutes, statistic: Stats.SUM }),
        threshold: 1,
        comparison: atLeastOne,
        description:
          props.errorNotes?.[name] ??
          `The ${name} function failed (uncaught error or timeout). Read its log group (the API stage keeps X-Ray traces of the request).`,
      });
      this.add(`${name}-throttles`, {
        metric: fn.metricThrottles({ period: fiveMinutes, statistic: Stats.SUM }),
        threshold: 1,
        comparison: atLeastOne,
        description: `The ${name} function was throttled: account concurrency is exhausted, or its reserved concurrency is too low.`,
      });
    }

    this.add('api-5xx', {
      metric: props.stage.metricServerError({ period: fiveMinutes, statistic: Stats.SUM }),
      threshold: 1,
      comparison: atLeastOne,
      description:
        'API Gateway answered 5xx: for the webhook that means the store was unavailable (Fivetran retries) or the function failed. Read the function logs (and the access log, when accessLogging is on).',
    });

    const sweepPeriod = props.sweepRate;
    this.add('sweep-missing', {
      metric: productMetric('SweepSucceeded', sweepPeriod),
      threshold: 1,
      comparison: ComparisonOperator.LESS_THAN_THRESHOLD,
      evaluationPeriods: 2,
      missing: TreatMissingData.BREACHING,
      description: `No sweep succeeded in two sweep intervals (${2 * sweepPeriod.toMinutes()} min). Check the sweep log, the failed-work queue and the API credential secret (a 401 means the Fivetran key was regenerated or revoked).`,
    });

    this.add('webhook-silent', {
      metric: productMetric('EventStored', Duration.hours(1)),
      threshold: 1,
      comparison: ComparisonOperator.LESS_THAN_THRESHOLD,
      evaluationPeriods: props.webhookSilenceHours,
      missing: TreatMissingData.BREACHING,
      description: `No Fivetran webhook event stored for ${props.webhookSilenceHours} h. Fivetran disables a webhook that keeps failing: run "fivetran-metadata webhook status". Expected right after deploy, until the webhook is registered.`,
    });

    this.add('event-quarantined', {
      metric: productMetric('EventQuarantined', fiveMinutes),
      threshold: 1,
      comparison: atLeastOne,
      description:
        'A signed webhook body could not be read as a Fivetran event and was kept raw (quarantined). Look at GET /api/summary events_quarantined and the webhook log.',
    });

    this.add('signature-invalid-spike', {
      metric: productMetric('SignatureInvalid', fiveMinutes),
      threshold: SIGNATURE_INVALID_SPIKE,
      comparison: atLeastOne,
      description:
        'Many webhook deliveries failed signature verification: the signing secret in Secrets Manager no longer matches the one registered on Fivetran (an unfinished rotation?), or someone is probing the URL.',
    });

    this.add('failed-work-queued', {
      metric: props.failureQueue.metricApproximateNumberOfMessagesVisible({
        period: fiveMinutes,
        statistic: Stats.MAXIMUM,
      }),
      threshold: 1,
      comparison: atLeastOne,
      description:
        'The failed-work queue holds messages: a sweep failed or could not be started, or a health alert could not be mailed. Each message says which; delete it once handled.',
    });
  }

  private add(name: string, spec: AlarmSpec): void {
    const alarm = new Alarm(this, name, {
      alarmName: `${Stack.of(this).stackName}-${name}`,
      alarmDescription: spec.description,
      metric: spec.metric,
      threshold: spec.threshold,
      comparisonOperator: spec.comparison,
      evaluationPeriods: spec.evaluationPeriods ?? 1,
      treatMissingData: spec.missing ?? TreatMissingData.NOT_BREACHING,
    });
    alarm.addAlarmAction(this.action);
    alarm.addOkAction(this.action);
    this.alarms.push(alarm);
  }
}
