import { existsSync, readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { allowListedConfig, CONFIG_ALLOW_LIST, looksLikeSecret } from '#commons/connection/connection-config';

const BASE62 = [...'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789'];
const randomPart = (min: number, max: number) =>
  fc
    .array(fc.constantFrom(...BASE62), { minLength: min, maxLength: max })
    .map((chars) => chars.join(''))
    // A random credential has letters and digits; one without either is not what this models.
    .filter((part) => /\d/.test(part) && /[A-Za-z]/.test(part));

/** Credentials as their issuers shape them, with random bodies. */
const credential = fc.oneof(
  randomPart(24, 40).map((body) => `sk_live_${body}`),
  randomPart(24, 40).map((body) => `rk_test_${body}`),
  fc
    .tuple(fc.integer({ min: 1e11, max: 1e12 - 1 }), randomPart(24, 24))
    .map(([n, body]) => `xoxb-${n}-${n}-${body}`),
  randomPart(36, 36).map((body) => `ghp_${body}`),
  randomPart(20, 20).map((body) => `glpat-${body}`),
  fc.stringMatching(/^[A-Z0-9]{16}$/).map((body) => `AKIA${body}`),
  randomPart(20, 48),
);

/** The enum values Fivetran's OpenAPI documents for the allow-listed keys (from the reference file). */
const DOCUMENTED_ENUMS: Readonly<Record<string, readonly string[]>> = {
  aggregation: ['BY_PAGE', 'BY_PROPERTY', 'Day', 'Lifetime', 'Month', 'Week'],
  auth_method: [
    'API_KEY',
    'AUTHORIZATION_CODE',
    'AWS_IAM',
    'ActiveDirectory',
    'CLIENT_CERTIFICATE',
    'CONNECTION_STRING',
    'ENTRA_ID',
    'EntraIDServicePrincipalCertificate',
    'EntraIDServicePrincipalSecret',
    'HMAC',
    'MANAGED_IDENTITY_SYSTEM',
    'MANAGED_IDENTITY_USER',
    'NONE',
    'OAUTH',
    'PASSWORD',
    'Password',
    'SERVICE_PRINCIPAL_CERTIFICATE',
    'SERVICE_PRINCIPAL_SECRET',
    'TOKEN_BASED',
    'WindowsAuth',
  ],
  auth_type: [
    'ACCESS_KEY',
    'ADVANCED',
    'AUTO',
    'AzureActiveDirectory',
    'BASIC',
    'BasicAuth',
    'CUSTOM_SERVICE_ACCOUNT',
    'ConnectionString',
    'FIVETRAN_SERVICE_ACCOUNT',
    'IAM',
    'IAM_ROLE',
    'MANUAL',
    'MutualTLS',
    'OAUTH',
    'OAUTH2',
    'OAuth',
    'PASSWORD',
    'PERSONAL_ACCESS_TOKEN',
    'PUBLIC_BUCKET',
    'SERVICE_ACCOUNT',
    'SERVICE_PRINCIPAL',
    'STANDARD',
    'ServiceAccount',
    'access_token',
    'api_key',
    'basic',
    'client_credentials',
    'jwt_auth',
    'oauth2',
    'oauth_2',
    'ropc',
  ],
  connection_type: ['Directly', 'PrivateLink', 'ProxyAgent', 'SshTunnel'],
  report_type: [
    'ALL_ADGROUPS',
    'ALL_ADS',
    'ALL_ADVERTISABLES',
    'ALL_AUDIENCE',
    'ALL_CAMPAIGNS',
    'AUDIENCE_COMPOSITION',
    'CONVERSIONS',
    'DISCOVER',
    'FLOODLIGHT',
    'FULL_PATH',
    'GOOGLE_NEWS',
    'GRP',
    'INVENTORY_AVAILABILITY',
    'PATH_ATTRIBUTION',
    'PATH_TO_CONVERSION',
    'REACH',
    'REPORT_TYPE_UNSPECIFIED',
    'SEARCH_RESULTS',
    'STANDARD',
    'UNIQUE_REACH_AUDIENCE',
    'YOUTUBE',
    'YOUTUBE_PROGRAMMATIC_GUARANTEED',
  ],
  sync_method: ['CLOUD_STORAGE', 'DIRECT'],
  sync_mode: [
    'ALL',
    'ALL_ACCOUNTS',
    'ALL_PROFILES',
    'AllAccounts',
    'AllAdvertisables',
    'AllAdvertisers',
    'AllAppIds',
    'AllEvents',
    'AllExports',
    'AllOrganizations',
    'AllPages',
    'AllProfiles',
    'AllProjects',
    'AllReportSuites',
    'AllRepositories',
    'AllSites',
    'Both',
    'CUSTOM',
    'HISTORY',
    'LIVE',
    'ManagerAccounts',
    'SOFT_DELETE',
    'SPECIFIC_ACCOUNTS',
    'SPECIFIC_PROFILES',
    'SelectedEvents',
    'SpecificAccounts',
    'SpecificAdvertisables',
    'SpecificAdvertisers',
    'SpecificAppIds',
    'SpecificExports',
    'SpecificOrganizations',
    'SpecificPages',
    'SpecificProfiles',
    'SpecificProjects',
    'SpecificReportSuites',
    'SpecificRepositories',
    'SpecificSites',
    'UsePackedModeOnly',
    'UseUnpackedModeOnly',
    'ZuoraBilling',
    'ZuoraRevenue',
  ],
  sync_type: ['Packed', 'S3', 'Unpacked', 'Webhook'],
  timeframe_months: ['ALL_TIME', 'SIX', 'THREE', 'TWELVE', 'TWENTY_FOUR'],
  update_method: [
    'BFILE_REMOTE_CAPTURE',
    'BINARY_LOG_READER',
    'BINLOG',
    'DIRECT',
    'DIRECT_CAPTURE',
    'EPIC_COGITO',
    'LOGMINER',
    'MIXED_TELEPORT_CSA',
    'NATIVE_UPDATE',
    'QUERY_BASED',
    'TELEPORT',
    'WAL_PGOUTPUT',
    'XSTREAM_OUT',
  ],
};

/** Fivetran's OpenAPI definition as the reference keeps it (outside the repo; absent in CI). */
const REFERENCE = '/work/shared/reference/fivetran-openapi.json.gz';

/** Every enum value the reference documents for the allow-listed keys. */
function referenceEnums(): Map<string, Set<string>> {
  const document = JSON.parse(gunzipSync(readFileSync(REFERENCE)).toString()) as unknown;
  const found = new Map<string, Set<string>>();
  const pending: unknown[] = [document];
  for (let node = pending.pop(); node !== undefined; node = pending.pop()) {
    if (node === null || typeof node !== 'object') continue;
    const properties = (node as { properties?: Record<string, { enum?: unknown[] }> }).properties;
    for (const [key, property] of Object.entries(properties ?? {})) {
      if (!CONFIG_ALLOW_LIST.includes(key) || !Array.isArray(property?.enum)) continue;
      const values = found.get(key) ?? new Set<string>();
      for (const value of property.enum) if (typeof value === 'string') values.add(value);
      found.set(key, values);
    }
    pending.push(...Object.values(node));
  }
  return found;
}

describe('Function: allowListedConfig', () => {
  it('drops a credential under any allow-listed key', () => {
    fc.assert(
      fc.property(fc.constantFrom(...CONFIG_ALLOW_LIST), credential, (key, value) => {
        // Act / Assess
        expect(allowListedConfig({ [key]: value })).toEqual({});
        expect(looksLikeSecret(value)).toBe(true);
      }),
      { numRuns: 500 },
    );
  });

  it('keeps every enum value Fivetran documents for these keys', () => {
    // Act / Assess
    for (const [key, values] of Object.entries(DOCUMENTED_ENUMS)) {
      for (const value of values) expect(allowListedConfig({ [key]: value })).toEqual({ [key]: value });
    }
  });

  it.skipIf(!existsSync(REFERENCE))('knows every enum value the reference OpenAPI file documents', () => {
    // Act
    const enums = referenceEnums();

    // Assess
    for (const [key, values] of enums) expect([...values].sort()).toEqual(DOCUMENTED_ENUMS[key]);
  });

  it('keeps destination names and small settings in their expected shape, and drops any other shape', () => {
    // Act
    const kept = allowListedConfig({
      schema: 'salesforce_prod_2023',
      table_name: 'orders$archive',
      schema_prefix: 'sf',
      is_sandbox: true,
      timeframe_months: 12,
      update_method: 'WAL_PGOUTPUT',
      sync_mode: 'AllAccounts',
      table: 'has spaces',
      connection_type: 'Directly; DROP',
      auth_type: 'a'.repeat(60),
      aggregation: 42,
      report_type: true,
      pre_built_report: 'xoxp-123456789012-123456789012-abcdefabcdef',
    });

    // Assess
    expect(kept).toEqual({
      schema: 'salesforce_prod_2023',
      table_name: 'orders$archive',
      schema_prefix: 'sf',
      is_sandbox: true,
      timeframe_months: 12,
      update_method: 'WAL_PGOUTPUT',
      sync_mode: 'AllAccounts',
    });
  });

  it('never keeps a key off the list, nor a value that is not a short scalar', () => {
    fc.assert(
      fc.property(fc.dictionary(fc.string(), fc.jsonValue()), (config) => {
        // Act
        const kept = allowListedConfig(config);
        // Assess
        for (const [key, value] of Object.entries(kept)) {
          expect(CONFIG_ALLOW_LIST).toContain(key);
          expect(['string', 'number', 'boolean']).toContain(typeof value);
          if (typeof value === 'string') expect(value.length).toBeLessThanOrEqual(128);
        }
      }),
      { numRuns: 300 },
    );
  });
});
