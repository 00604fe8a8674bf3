import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { CONTRACT_FILE, contractFrom, loadContract, violations } from './openapi-contract.ts';

/** Fivetran's OpenAPI definition as the reference keeps it (outside the repo; absent in CI). */
const REFERENCE = '/work/shared/reference/fivetran-openapi.json.gz';

describe('the vendored OpenAPI contract', () => {
  it.skipIf(!existsSync(REFERENCE))(
    'is what the reference OpenAPI file says (UPDATE_OPENAPI_CONTRACT=1 rewrites it; then biome --write)',
    () => {
      // Prepare
      const openapi = JSON.parse(gunzipSync(readFileSync(REFERENCE)).toString('utf8'));

      // Act
      const contract = contractFrom(openapi);
      if (process.env.UPDATE_OPENAPI_CONTRACT === '1')
        writeFileSync(CONTRACT_FILE, `${JSON.stringify(contract, null, 2)}\n`);

      // Assess
      expect(loadContract()).toEqual(contract);
    },
  );

  it('holds the schemas and rules the conformance tests rely on', () => {
    // Act
    const contract = loadContract();

    // Assess
    expect(contract.ConnectorResponse?.required).toEqual([
      'connected_by',
      'created_at',
      'group_id',
      'id',
      'pause_after_trial',
      'paused',
      'schedule_type',
      'schema',
      'service',
      'status',
      'sync_frequency',
    ]);
    expect(contract.ConnectorResponse?.objects.status).toBe('ConnectorStatusResponse');
    expect(contract.StandardConfigResponse?.maps.schemas).toBe('SchemaConfigResponse');
    expect(contract.DestinationResponse?.enums.setup_status).toEqual(['INCOMPLETE', 'CONNECTED', 'BROKEN']);
    expect(contract.AccountInfoResponse?.required).toEqual(['account_id']);
  });

  it('finds a missing required field, a value outside an enum, and problems deep inside', () => {
    // Prepare
    const contract = loadContract();
    const item = {
      id: 'c',
      group_id: 'g',
      service: 's',
      schema: 'x',
      paused: false,
      connected_by: 'u',
      created_at: 't',
      pause_after_trial: false,
      sync_frequency: 60,
      data_delay_sensitivity: 'SOMETIMES',
      status: { setup_state: 'connected', sync_state: 'scheduled', update_state: 'on_schedule' },
      setup_tests: [{ title: 'T', status: 'MAYBE' }],
    };

    // Act
    const problems = violations(contract, 'ConnectorResponse', item);

    // Assess
    expect(problems).toEqual([
      'ConnectorResponse.schedule_type: required',
      'ConnectorResponse.data_delay_sensitivity: "SOMETIMES" not in LOW|NORMAL|HIGH|CUSTOM|SYNC_FREQUENCY',
      'ConnectorResponse.status.is_historical_sync: required',
      'ConnectorResponse.setup_tests.0.status: "MAYBE" not in PASSED|SKIPPED|WARNING|FAILED|JOB_FAILED',
    ]);
  });
});
