/**
 * `webhook register --stack` as an operator runs it after a deploy: the stack's outputs from CloudFormation,
 * the two secrets in Secrets Manager (aws-sdk-client-mock, an in-memory store), the table in dynalite, and a
 * receiver that verifies with the deployed secret as the webhook function does. Fivetran is the simulator.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CloudFormationClient, DescribeStacksCommand, type Output } from '@aws-sdk/client-cloudformation';
import {
  GetSecretValueCommand,
  PutSecretValueCommand,
  SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createHttpApp } from '#commons/http/app';
import { type HttpServer, startHttpServer } from '#commons/http/node-server';
import { type LocalDynamo, startLocalDynamo } from '#commons/local-store/local-dynamo';
import { WEBHOOK_SECRET_FILE } from '#commons/webhook-secret/local-secret-file';
import { readThroughSecretSource } from '#commons/webhook-secret/secret-source';
import { webhook } from '../../functions/cli/commands/webhook.ts';
import { type Simulator, startSimulator } from '../../functions/simulator/simulator.ts';
import { type Core, openCore } from '../support/core.ts';
import { capture, freePort } from '../support/http-fixture.ts';

const REGION = 'eu-west-1';
const ACCOUNT = '111111111111';
const CREDENTIAL_ARN = `arn:aws:secretsmanager:${REGION}:${ACCOUNT}:secret:ApiCredential-abc`;
const WEBHOOK_SECRET_ARN = `arn:aws:secretsmanager:${REGION}:${ACCOUNT}:secret:WebhookSecret-def`;
const STACK = 'FivetranMetadata';

const cloudFormation = mockClient(CloudFormationClient);
const secretsManager = mockClient(SecretsManagerClient);

describe('CLI webhook against a deployment (--stack)', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'fivetran-metadata-deployed-'));
  const secrets = new Map<string, string>();
  let sim: Simulator;
  let dynamo: LocalDynamo;
  let core: Core;
  let receiver: HttpServer;
  let webhookUrl: string;
  let env: Record<string, string>;

  /** The stack's outputs, as `infra/stack-outputs.ts` names them. */
  const outputs = (overrides: Record<string, string> = {}): Output[] =>
    Object.entries({
      WebhookUrl: webhookUrl,
      ApiUrl: 'https://api.example/prod/',
      ApiCredentialSecretArn: CREDENTIAL_ARN,
      WebhookSecretArn: WEBHOOK_SECRET_ARN,
      TableName: dynamo.tableName,
      Region: REGION,
      ...overrides,
    }).map(([OutputKey, OutputValue]) => ({ OutputKey, OutputValue }));
  const stackAnswer = (stackOutputs: Output[]) => ({
    Stacks: [
      {
        StackName: STACK,
        StackStatus: 'CREATE_COMPLETE' as const,
        CreationTime: new Date(),
        Outputs: stackOutputs,
      },
    ],
  });
  const cli = async (...args: string[]) => {
    const run = capture(env);
    const code = await webhook(args, run.io);
    return { code, out: run.out(), err: run.err() };
  };
  const deployed = ['--stack', STACK, '--region', REGION];
  const ourWebhooks = () => [...sim.account.webhooks.values()];
  const puts = () => secretsManager.commandCalls(PutSecretValueCommand).length;

  beforeAll(async () => {
    // The SDK's default chain reads these for the DynamoDB client; nothing reaches AWS (dynalite).
    Object.assign(process.env, {
      AWS_ACCESS_KEY_ID: 'test',
      AWS_SECRET_ACCESS_KEY: 'test',
      AWS_EC2_METADATA_DISABLED: 'true',
    });
    sim = await startSimulator({
      seed: 'cli-deployed',
      groups: 1,
      connections: 3,
      delivery: { maxAttempts: 1 },
    });
    dynamo = await startLocalDynamo({ tableName: 'fivetran-metadata-prod' });
    core = openCore({ client: dynamo.documentClient, tableName: dynamo.tableName });
    // The deployed receiver: verifies with whatever the webhook signing secret holds now.
    const app = createHttpApp({
      repositories: core.repositories,
      webhook: {
        recorder: core.recorder,
        secrets: readThroughSecretSource({ read: async () => secrets.get(WEBHOOK_SECRET_ARN) ?? '' }),
      },
    });
    receiver = await startHttpServer({ app, host: '127.0.0.1', port: 0 });
    webhookUrl = `${receiver.url}/webhooks/fivetran`;
    // No FIVETRAN_API_KEY: the credential comes from the stack's secret.
    env = { FIVETRAN_API_URL: sim.url, DATA_DIR: dataDir };
  });
  beforeEach(() => {
    secrets.clear();
    secrets.set(CREDENTIAL_ARN, JSON.stringify(sim.credential));
    // The stack generates the signing secret; the CLI replaces it on register.
    secrets.set(WEBHOOK_SECRET_ARN, 'generated-by-the-stack-0123456789abcdef');
    secretsManager.reset();
    secretsManager.on(GetSecretValueCommand).callsFake(({ SecretId }: { SecretId: string }) => {
      const value = secrets.get(SecretId);
      if (value === undefined) {
        throw Object.assign(new Error("Secrets Manager can't find the specified secret."), {
          name: 'ResourceNotFoundException',
        });
      }
      return { SecretString: value };
    });
    secretsManager.on(PutSecretValueCommand).callsFake(({ SecretId, SecretString }) => {
      secrets.set(SecretId, SecretString);
      return {};
    });
    cloudFormation.reset();
    cloudFormation.on(DescribeStacksCommand, { StackName: STACK }).resolves(stackAnswer(outputs()));
    cloudFormation
      .on(DescribeStacksCommand, { StackName: 'Nope' })
      .rejects(Object.assign(new Error('Stack with id Nope does not exist'), { name: 'ValidationError' }));
  });
  afterAll(async () => {
    await receiver.close();
    await sim.close();
    await dynamo.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('refuses --table without --webhook-secret-id before anything is stored or created', async () => {
    // Act
    const result = await cli(
      'register',
      '--url',
      webhookUrl,
      '--table',
      dynamo.tableName,
      '--region',
      REGION,
    );

    // Assess
    expect(result.code).toBe(1);
    expect(result.err).toMatch(
      /without --webhook-secret-id the new signing secret would be stored in this machine's DATA_DIR/,
    );
    expect(result.err).toMatch(/--stack <stack name>/);
    expect(ourWebhooks()).toHaveLength(0);
    expect(secretsManager.calls()).toHaveLength(0);
    expect(existsSync(join(dataDir, WEBHOOK_SECRET_FILE))).toBe(false);
  });

  it('refuses --stack together with the flags it supplies, without asking CloudFormation', async () => {
    // Act
    const result = await cli('register', ...deployed, '--table', dynamo.tableName);

    // Assess
    expect(result.code).toBe(1);
    expect(result.err).toMatch(/--stack supplies .*leave out --table/);
    expect(cloudFormation.calls()).toHaveLength(0);
  });

  it('names a stack that does not exist, and where it looked', async () => {
    // Act
    const result = await cli('register', '--stack', 'Nope', '--region', REGION);

    // Assess
    expect(result.code).toBe(1);
    expect(result.err).toBe(
      `webhook register: no stack Nope in ${REGION}: check the name, and pass --region <the region it was deployed to>\n`,
    );
    expect(ourWebhooks()).toHaveLength(0);
  });

  it('says a table that cannot be read before anything is stored or created', async () => {
    // Prepare
    cloudFormation
      .on(DescribeStacksCommand, { StackName: STACK })
      .resolves(stackAnswer(outputs({ TableName: 'gone' })));

    // Act
    const result = await cli('register', ...deployed, '--endpoint', dynamo.endpoint);

    // Assess
    expect(result.code).toBe(1);
    expect(result.err).toMatch(/^webhook register: table gone does not exist in eu-west-1/);
    expect(puts()).toBe(0);
    expect(ourWebhooks()).toHaveLength(0);
  });

  it('registers from the stack outputs: the secret in the deployed secret, the id in the table; deliveries verify', async () => {
    // Act
    const result = await cli('register', ...deployed, '--endpoint', dynamo.endpoint);
    const [created] = ourWebhooks();
    const [current, previous] = (secrets.get(WEBHOOK_SECRET_ARN) ?? '').split(',');
    const saved = await core.repositories.webhookRegistration.get();
    const connectionId = [...sim.account.connections.values()].find(
      (c) => !c.paused && c.status.setup_state === 'connected',
    )?.id as string;
    await sim.runSync(connectionId);

    // Assess
    expect(result.code).toBe(0);
    expect(result.out).toContain(`for:     stack ${STACK} (${REGION})`);
    expect(created).toMatchObject({ url: webhookUrl, active: true });
    expect(created?.secret).toBe(current);
    expect(previous).toBe('generated-by-the-stack-0123456789abcdef');
    expect(saved).toMatchObject({ webhook_id: created?.id, url: webhookUrl });
    expect(existsSync(join(dataDir, WEBHOOK_SECRET_FILE))).toBe(false);
    expect(cloudFormation.commandCalls(DescribeStacksCommand)[0]?.args[0].input).toEqual({
      StackName: STACK,
    });
    expect(sim.deliveries.log.slice(-3).map((d) => [d.event, d.status])).toEqual([
      ['test_event', 200],
      ['sync_start', 200],
      ['sync_end', 200],
    ]);
    expect(result.out + result.err).not.toContain(current as string);
  });

  it('webhook status --stack finds ours through the stack’s table', async () => {
    // Act
    const result = await cli('status', ...deployed, '--endpoint', dynamo.endpoint);

    // Assess
    expect(result.code).toBe(0);
    expect(result.out).toMatch(new RegExp(`\\* ${ourWebhooks()[0]?.id}\\s+active`));
    expect(result.out).toContain(`table ${dynamo.tableName} (${REGION})`);
  });

  it('rotate-secret --stack rotates the deployed secret; --finish keeps only the new one', async () => {
    // Prepare: the state register left.
    secrets.set(WEBHOOK_SECRET_ARN, `${ourWebhooks()[0]?.secret},older`);
    const before = ourWebhooks()[0]?.secret;

    // Act
    const rotated = await cli('rotate-secret', ...deployed, '--endpoint', dynamo.endpoint);
    const during = (secrets.get(WEBHOOK_SECRET_ARN) ?? '').split(',');
    const finished = await cli('rotate-secret', '--finish', ...deployed);

    // Assess
    expect(rotated.code).toBe(0);
    expect(rotated.out).toContain(`rotate-secret --finish --stack ${STACK} --region ${REGION}`);
    expect(during).toEqual([ourWebhooks()[0]?.secret, before]);
    expect(finished.code).toBe(0);
    expect(secrets.get(WEBHOOK_SECRET_ARN)).toBe(ourWebhooks()[0]?.secret);
  });

  it('a failed creation probe says what to check on our side, and puts the deployed secret back', async () => {
    // Prepare: the stack's URL leads nowhere.
    const nowhere = `http://127.0.0.1:${await freePort()}/webhooks/fivetran`;
    cloudFormation
      .on(DescribeStacksCommand, { StackName: STACK })
      .resolves(stackAnswer(outputs({ WebhookUrl: nowhere })));
    const count = ourWebhooks().length;

    // Act
    const result = await cli('register', ...deployed, '--endpoint', dynamo.endpoint);

    // Assess
    expect(result.code).toBe(1);
    expect(result.err).toMatch(/Fivetran did not create the webhook: its test request to .* failed/);
    expect(result.err).toMatch(/it does not answer this machine either \(ECONNREFUSED\)/);
    expect(result.err).toMatch(/webhook function answers it .* the stack's WebhookSecretArn/);
    expect(result.err).not.toMatch(/unreachable/i);
    expect(ourWebhooks()).toHaveLength(count);
    expect(secrets.get(WEBHOOK_SECRET_ARN)).toBe('generated-by-the-stack-0123456789abcdef');
  });

  it('names a missing AWS login for the stack’s credential secret', async () => {
    // Prepare
    secretsManager.on(GetSecretValueCommand, { SecretId: CREDENTIAL_ARN }).rejects(
      Object.assign(new Error('Could not load credentials from any providers'), {
        name: 'CredentialsProviderError',
      }),
    );

    // Act
    const result = await cli('status', ...deployed, '--endpoint', dynamo.endpoint);

    // Assess
    expect(result.code).toBe(1);
    expect(result.err).toMatch(
      /^webhook status: no AWS login to read the secret arn:aws:secretsmanager:.*: log in first/,
    );
  });

  it('the RegisterWebhookCommand form (every value spelled out) registers the same way, without CloudFormation', async () => {
    // Act
    const result = await cli(
      'register',
      '--url',
      webhookUrl,
      '--secret-id',
      CREDENTIAL_ARN,
      '--webhook-secret-id',
      WEBHOOK_SECRET_ARN,
      '--table',
      dynamo.tableName,
      '--region',
      REGION,
      '--endpoint',
      dynamo.endpoint,
    );
    const newest = ourWebhooks().at(-1);

    // Assess
    expect(result.code).toBe(0);
    expect(cloudFormation.calls()).toHaveLength(0);
    expect(newest?.secret).toBe(secrets.get(WEBHOOK_SECRET_ARN)?.split(',')[0]);
    expect(await core.repositories.webhookRegistration.get()).toMatchObject({ webhook_id: newest?.id });
  });
});
