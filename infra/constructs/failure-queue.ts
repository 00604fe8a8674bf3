import { Duration, Validations } from 'aws-cdk-lib';
import { Queue, QueueEncryption, RedrivePermission } from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';

export interface FailureQueueProps {
  /**
   * Say in the template that this queue is a dead-letter queue (a redrive allow policy), as
   * CT.SQS.PR.1 asks of every queue without one of its own. It lets other queues of this account name it
   * as their dead-letter queue; nothing here does, so it is on only with controlTower.
   */
  readonly declareDeadLetterQueue?: boolean;
}

/**
 * Where asynchronous work that failed lands, so nothing fails silently: sweep invocations that
 * EventBridge Scheduler could not deliver, sweeps that failed (the function's on-failure destination),
 * and health alerts EventBridge could not hand to SNS. An alarm fires as soon as it holds a message.
 */
export class FailureQueue extends Queue {
  constructor(scope: Construct, id: string, props: FailureQueueProps = {}) {
    super(scope, id, {
      ...(props.declareDeadLetterQueue
        ? { redriveAllowPolicy: { redrivePermission: RedrivePermission.ALLOW_ALL } }
        : {}),
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      // The longest SQS allows: time to read a failure after a long weekend.
      retentionPeriod: Duration.days(14),
    });
    Validations.of(this).acknowledge({
      id: 'AwsSolutions-SQS3',
      reason:
        'This queue is itself the dead-letter queue of the stack; nothing consumes it, an alarm watches its depth.',
    });
    Validations.of(this).acknowledge({
      id: 'Serverless-SQSRedrivePolicy',
      reason:
        'This queue is itself the dead-letter queue: it has no consumer whose failures would need redriving.',
    });
  }
}
