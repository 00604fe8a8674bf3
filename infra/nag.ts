import { Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks, ServerlessChecks } from 'cdk-nag';
import type { IConstruct } from 'constructs';

/**
 * cdk-nag 3 runs as CDK policy validation: after synthesis every stack is checked against the AWS
 * Solutions and Serverless packs, and an unacknowledged finding fails the synth (and so the deploy).
 * Each acknowledgment sits next to the resource it concerns, with its reason.
 */
export function nagPacks(scope: IConstruct): [AwsSolutionsChecks, ServerlessChecks] {
  return [new AwsSolutionsChecks(scope), new ServerlessChecks(scope)];
}

export function addNagChecks(app: IConstruct): void {
  Validations.of(app).addPlugins(...nagPacks(app));
}
