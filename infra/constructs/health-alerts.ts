import { Duration } from 'aws-cdk-lib';
import { EventBus, EventField, Rule, RuleTargetInput } from 'aws-cdk-lib/aws-events';
import { SnsTopic } from 'aws-cdk-lib/aws-events-targets';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { EncryptedTopic } from './encrypted-topic.ts';

/** What the functions put on the default event bus when a connection's health changes. */
export const HEALTH_EVENT_SOURCE = 'fivetran-metadata';
export const HEALTH_EVENT_DETAIL_TYPE = 'Connection Health Changed';
/** The sweep's other event on the default bus (same source): a connection's schema configuration changed. */
export const SCHEMA_CHANGE_DETAIL_TYPE = 'Schema Changed';

export interface HealthAlertsProps {
  readonly email: string;
  readonly key: IKey;
  /** Events EventBridge could not hand to SNS after its retries. */
  readonly deadLetterQueue: IQueue;
}

/**
 * Opt-in (context `alertEmail`): every health-change event on the default bus is mailed through an
 * encrypted SNS topic. Other consumers can add their own rules on the same source and detail type.
 */
export class HealthAlerts extends Construct {
  readonly topic: EncryptedTopic;
  readonly rule: Rule;

  constructor(scope: Construct, id: string, props: HealthAlertsProps) {
    super(scope, id);
    this.topic = new EncryptedTopic(this, 'Topic', {
      displayName: 'Fivetran connection health changes',
      key: props.key,
      email: props.email,
      deadLetterQueue: props.deadLetterQueue,
    });
    this.topic.allowPublishFrom('events.amazonaws.com');
    this.rule = new Rule(this, 'Rule', {
      description: 'Forwards Fivetran connection health changes to the alert topic',
      eventBus: EventBus.fromEventBusName(this, 'DefaultBus', 'default'),
      eventPattern: { source: [HEALTH_EVENT_SOURCE], detailType: [HEALTH_EVENT_DETAIL_TYPE] },
      targets: [
        new SnsTopic(this.topic, {
          message: alertMessage(),
          deadLetterQueue: props.deadLetterQueue,
          retryAttempts: 8,
          maxEventAge: Duration.hours(24),
        }),
      ],
    });
  }
}

/** A readable first line for the mail, then the whole event detail. */
function alertMessage(): RuleTargetInput {
  const field = (path: string) => EventField.fromPath(`$.detail.${path}`);
  return RuleTargetInput.fromMultilineText(
    [
      `Fivetran connection ${field('connection_id')} (${field('service')}, schema ${field('schema')}) is now ${field('health')}, was ${field('previous')}.`,
      `Changed at ${field('changed_at')}.`,
      `Detail: ${EventField.fromPath('$.detail')}`,
    ].join('\n'),
  );
}
