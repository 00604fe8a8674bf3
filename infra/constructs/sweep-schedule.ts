import { type CfnElement, Duration, Stack, Validations } from 'aws-cdk-lib';
import { Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { Schedule, ScheduleExpression, TimeWindow } from 'aws-cdk-lib/aws-scheduler';
import { LambdaInvoke } from 'aws-cdk-lib/aws-scheduler-targets';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';

export interface SweepScheduleProps {
  readonly sweepFunction: IFunction;
  readonly rate: Duration;
  /** Invocations Scheduler could not deliver after its retries. */
  readonly deadLetterQueue: IQueue;
}

/** Retries for an invocation Scheduler cannot deliver (throttled, Lambda unavailable). */
export const SCHEDULER_RETRY_ATTEMPTS = 2;

/**
 * EventBridge Scheduler invokes the sweep (asynchronously) at a fixed rate. A sweep that could not be
 * delivered goes to the dead-letter queue; one that ran and failed goes there too, through the
 * function's own on-failure destination. The lease in the table keeps two sweeps from overlapping.
 */
export class SweepSchedule extends Construct {
  readonly schedule: Schedule;

  constructor(scope: Construct, id: string, props: SweepScheduleProps) {
    super(scope, id);
    // Our own role (rather than the target's implicit one) so its trust and its one finding sit here.
    const role = new Role(this, 'InvokeRole', {
      assumedBy: new ServicePrincipal('scheduler.amazonaws.com', {
        conditions: { StringEquals: { 'aws:SourceAccount': Stack.of(this).account } },
      }),
      description: 'Lets EventBridge Scheduler start the Fivetran sweep',
    });
    Validations.of(role).acknowledge({
      id: `AwsSolutions-IAM5[Resource::<${Stack.of(this).getLogicalId(props.sweepFunction.node.defaultChild as CfnElement)}.Arn>:*]`,
      reason:
        'CDK grants lambda:InvokeFunction on the sweep function and its qualified ARNs (versions/aliases, ":*"); the wildcard covers only this one function.',
    });
    this.schedule = new Schedule(this, 'Schedule', {
      description: `Runs the Fivetran sweep every ${props.rate.toMinutes()} minutes`,
      schedule: ScheduleExpression.rate(props.rate),
      // Exact timing: two missed sweeps raise an alarm, a flexible window would blur that.
      timeWindow: TimeWindow.off(),
      target: new LambdaInvoke(props.sweepFunction, {
        role,
        retryAttempts: SCHEDULER_RETRY_ATTEMPTS,
        // An invocation older than one interval is moot: the next one is already due.
        maxEventAge: Duration.minutes(Math.max(1, props.rate.toMinutes())),
        deadLetterQueue: props.deadLetterQueue,
      }),
    });
  }
}
