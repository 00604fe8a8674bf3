import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import { ConfigError } from '#commons/config/env';
import { readCredentialSecret } from '#commons/fivetran/credential-secret';

const ARN = 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:fivetran-api-AbCdEf';
const secrets = mockClient(SecretsManagerClient);

afterEach(() => {
  secrets.reset();
});

describe('readCredentialSecret', () => {
  it('reads {"apiKey","apiSecret"} from the secret', async () => {
    // Prepare
    secrets.on(GetSecretValueCommand, { SecretId: ARN }).resolves({
      SecretString: JSON.stringify({ apiKey: 'key-1', apiSecret: 'secret-1' }),
    });

    // Act
    const credential = await readCredentialSecret(ARN, new SecretsManagerClient({ region: 'eu-west-1' }));

    // Assess
    expect(credential).toEqual({ apiKey: 'key-1', apiSecret: 'secret-1' });
    expect(secrets.commandCalls(GetSecretValueCommand)).toHaveLength(1);
  });

  it.each([
    ['empty', ''],
    ['not JSON', 'apiKey=secret-value-xyz'],
    ['missing apiSecret', JSON.stringify({ apiKey: 'secret-value-xyz' })],
    ['blank fields', JSON.stringify({ apiKey: ' ', apiSecret: 'secret-value-xyz' })],
  ])('refuses a secret that is %s, naming the secret but never its value', async (_, value) => {
    // Prepare
    secrets.on(GetSecretValueCommand).resolves({ SecretString: value });

    // Act
    const error = await readCredentialSecret(ARN, new SecretsManagerClient({ region: 'eu-west-1' })).catch(
      (e: unknown) => e,
    );

    // Assess
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as Error).message).toContain(ARN);
    expect((error as Error).message).not.toContain('secret-value-xyz');
  });

  it('reports an unreadable secret as a config error', async () => {
    // Prepare
    const denied = Object.assign(new Error('User is not authorized'), { name: 'AccessDeniedException' });
    secrets.on(GetSecretValueCommand).rejects(denied);

    // Act
    const error = await readCredentialSecret(ARN, new SecretsManagerClient({ region: 'eu-west-1' })).catch(
      (e: unknown) => e,
    );

    // Assess
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as Error).message).toContain('AccessDeniedException');
  });
});
