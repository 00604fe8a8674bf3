import { SecretsProvider } from '@aws-lambda-powertools/parameters/secrets';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { eventBridgeSchemaChangeNotifier, schemaChangeDetail } from '../alerts/schema-change-events.ts';
import { AWS_TIMEOUTS, awsClientConfig } from '../aws/client-config.ts';
import { ConfigError } from '../config/env.ts';
import type { LambdaConfigs } from '../config/lambda-config.ts';
import { credentialFromSecret } from '../fivetran/credential-secret.ts';
import { logger } from '../observability/logger.ts';
import { createRepositories } from '../store/repositories.ts';
import { documentClient } from '../store/table/document-client.ts';
import type { CredentialSource, SweepDeps } from '../sweep/run-sweep.ts';
import { deployedConnectionWriter } from './deployed-writer.ts';

/** The API credential is cached this long by Powertools Parameters, and re-read at once after a 401. */
export const CREDENTIAL_MAX_AGE_SECONDS = 300;

export type SweepWiring = Pick<
  SweepDeps,
  | 'repositories'
  | 'writer'
  | 'fivetran'
  | 'schemaRequestBudget'
  | 'requestsPerHour'
  | 'log'
  | 'schemaChangeNotifier'
  | 'lineageNaming'
>;

/** The sweep's clients, repositories and credential for one function instance. */
export function wireSweep(config: LambdaConfigs['sweep']): SweepWiring {
  const aws = awsClientConfig(AWS_TIMEOUTS.sweep);
  const repositories = createRepositories(
    { client: documentClient(new DynamoDBClient(aws)), tableName: config.tableName },
    { retentionDays: config.eventRetentionDays },
  );
  const writer = deployedConnectionWriter(repositories, aws);
  const secrets = new SecretsProvider({ awsSdkV3Client: new SecretsManagerClient(aws) });
  const secretId = config.apiCredentialSecretArn;
  const read = async (forceFetch: boolean) => {
    let value: unknown;
    try {
      value = await secrets.get(secretId, { maxAge: CREDENTIAL_MAX_AGE_SECONDS, forceFetch });
    } catch (error) {
      const name = (error as { cause?: { name?: string } }).cause?.name ?? (error as Error).name;
      throw new ConfigError(`could not read secret ${secretId} from Secrets Manager (${name})`);
    }
    return credentialFromSecret(secretId, value);
  };
  const credential: CredentialSource = { get: () => read(false), refresh: () => read(true) };
  return {
    repositories,
    writer,
    fivetran: { baseUrl: config.fivetranApiUrl, credential, credentialName: `the secret ${secretId}` },
    schemaRequestBudget: config.schemaRequestBudget,
    requestsPerHour: config.requestsPerHour,
    log: logger,
    schemaChangeNotifier: schemaChangeEvents(new EventBridgeClient(aws)),
    lineageNaming: config.lineageNaming,
  };
}

/** `Schema Changed` on the default bus, and a log line with the same detail. */
function schemaChangeEvents(client: EventBridgeClient): NonNullable<SweepWiring['schemaChangeNotifier']> {
  const bus = eventBridgeSchemaChangeNotifier(client);
  return {
    async onSchemaChange(notice) {
      logger.info('schema changed', { schema_change: schemaChangeDetail(notice) });
      await bus.onSchemaChange(notice);
    },
  };
}
