/**
 * The CDK app (cdk.json: `npx tsx infra/app.ts`). Options come from CDK context; see stack-options.ts
 * and the operator's guide.
 */
import { App, Tags } from 'aws-cdk-lib';
import { FivetranMetadataStack } from './fivetran-metadata-stack.ts';
import { addNagChecks } from './nag.ts';
import { readStackOptions } from './stack-options.ts';

const app = new App();
const options = readStackOptions(app.node);

// Environment-agnostic on purpose: the template needs no lookups, so synth runs offline and the same
// template deploys to whichever account and region the CLI credentials point at.
new FivetranMetadataStack(app, options.stackName, {
  options,
  description: 'fivetran-metadata: Fivetran webhooks and REST sweeps into DynamoDB',
});
Tags.of(app).add('application', 'fivetran-metadata');

addNagChecks(app);
app.synth();
