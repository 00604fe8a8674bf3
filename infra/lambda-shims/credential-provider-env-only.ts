/**
 * Stands in for `@aws-sdk/credential-provider-node` in the Lambda bundles (see lambda-bundling.ts).
 *
 * Lambda hands every function its role's credentials in the environment (AWS_ACCESS_KEY_ID,
 * AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN), and the SDK's default chain takes them from there first
 * (AWS_PROFILE is never set in Lambda). The rest of the chain (SSO, ini files, credential_process, web
 * identity, IMDS and container endpoints, with the STS / SSO OIDC clients they carry) never runs there, yet
 * costs parse time on every cold start. The exports mirror the package's own.
 */
import { fromEnv } from '@aws-sdk/credential-provider-env';
import type { AwsCredentialIdentity, AwsCredentialIdentityProvider } from '@smithy/types';

/** The credentials expire within five minutes (the SDK's own rule, so a refresh happens in time). */
const REFRESH_MARGIN_MS = 300_000;

export const defaultProvider = (init: Parameters<typeof fromEnv>[0] = {}): AwsCredentialIdentityProvider =>
  fromEnv(init);

export const credentialsWillNeedRefresh = (credentials?: AwsCredentialIdentity): boolean =>
  credentials?.expiration !== undefined;

export const credentialsTreatedAsExpired = (credentials?: AwsCredentialIdentity): boolean =>
  credentials?.expiration !== undefined && credentials.expiration.getTime() - Date.now() < REFRESH_MARGIN_MS;
