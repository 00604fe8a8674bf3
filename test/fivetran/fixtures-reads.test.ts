import { describe, expect, it } from 'vitest';
import { collectItems, type Page } from '#commons/fivetran/client';
import { checkConnection } from '#commons/fivetran/connection-check';
import type { Connection } from '#commons/fivetran/schemas';
import type { Unreadable } from '#commons/fivetran/tolerant-read';
import { transformationConnectionIds } from '#commons/fivetran/transformations';
import { fixtureClient, type SentRequest } from '../fixtures/fivetran/fixture-fetch.ts';

const LISTING = {
  'GET /v1/connections': (url: URL) => {
    const cursor = url.searchParams.get('cursor');
    if (cursor === null) return { fixture: 'connections-page-1.json' };
    if (cursor === 'eyJhZnRlciI6ImFtYmVyX2xhbnRlcm4ifQ') return { fixture: 'connections-page-2-odd.json' };
    if (cursor === 'eyJhZnRlciI6ImVhZ2VyX3R1bmRyYSJ9') return { fixture: 'connections-page-3-last.json' };
    return { status: 400, fixture: 'errors/invalid-input.json' };
  },
};

async function allPages<T>(pages: AsyncIterable<Page<T>>): Promise<Page<T>[]> {
  const all: Page<T>[] = [];
  for await (const page of pages) all.push(page);
  return all;
}

describe('the client over fixtures: the connection listing', () => {
  it('keeps every item whose id can be read, across both cursor spellings, and names what it dropped', async () => {
    // Prepare
    const sent: SentRequest[] = [];
    const client = fixtureClient(LISTING, sent);

    // Act
    const pages = await allPages(client.connectionPages());

    // Assess
    const ids = pages.flatMap((p) => p.items.map((c) => c.id));
    expect(ids).toEqual([
      'velvet_anchor',
      'amber_lantern',
      'brisk_comet',
      'cobalt_meadow',
      'dusky_orchard',
      'eager_tundra',
      'frosty_quarry',
    ]);
    expect(pages.map((p) => p.nextCursor === null)).toEqual([false, false, true]);
    expect(sent.map((r) => r.url.searchParams.get('cursor'))).toEqual([
      null,
      'eyJhZnRlciI6ImFtYmVyX2xhbnRlcm4ifQ',
      'eyJhZnRlciI6ImVhZ2VyX3R1bmRyYSJ9',
    ]);
    const odd = pages[1] as Page<Connection>;
    const dropped = odd.unreadable.filter((u) => u.id === null);
    expect(dropped).toHaveLength(4);
    expect(dropped.every((u) => u.problem.startsWith('(item)'))).toBe(true);
    const trimmed = Object.fromEntries(
      odd.unreadable.filter((u) => u.id !== null).map((u) => [u.id, u.problem]),
    );
    expect(Object.keys(trimmed)).toEqual(['dusky_orchard', 'eager_tundra']);
    expect(trimmed.dusky_orchard).toMatch(/^paused: /);
    expect(trimmed.eager_tundra).toMatch(/^status\.tasks\.0\.code: /);
    expect(odd.unreadableTotal).toBe(6);
    expect(pages.every((p) => p.warning === null)).toBe(true);
  });

  it('reads each odd item with the fields that could be read, and nothing invented', async () => {
    // Prepare
    const client = fixtureClient(LISTING);

    // Act
    const byId = new Map((await collectItems(client.connectionPages())).map((c) => [c.id, c]));

    // Assess: the full item keeps Fivetran's fields and the unknown one.
    const full = byId.get('velvet_anchor');
    expect(full).toMatchObject({
      data_delay_sensitivity: 'CUSTOM',
      data_delay_threshold: 90,
      daily_sync_time: '02:30',
      service_version: 3,
      connected_by: 'owl_ledger',
      hybrid_deployment_agent_id: 'agent_river',
      a_field_fivetran_added_later: { kept: true },
    });
    expect(full?.status?.tasks?.[0]).toEqual({
      code: 'reconnect',
      message: 'Reconnect',
      details: 'the saved password stopped working',
    });
    expect(full?.setup_tests?.[0]?.details).toEqual(['any', 'json']);
    // A task without a code is a task.
    expect(byId.get('amber_lantern')?.status?.tasks).toEqual([
      { message: 'Grant access to the spreadsheet again' },
    ]);
    // The older, flat item: no status, no paused.
    expect(byId.get('cobalt_meadow')).not.toHaveProperty('status');
    expect(byId.get('cobalt_meadow')).not.toHaveProperty('paused');
    expect(byId.get('cobalt_meadow')?.succeeded_at).toBe('2026-11-03T06:00:00Z');
    // Wrongly typed fields are gone, the rest stays.
    const odd = byId.get('dusky_orchard');
    expect(odd).not.toHaveProperty('paused');
    expect(odd).not.toHaveProperty('status');
    expect(odd).not.toHaveProperty('sync_frequency');
    expect(odd).not.toHaveProperty('succeeded_at');
    expect(odd?.setup_tests).toEqual([{ title: 'Authorize', status: 'PASSED' }]);
    expect(odd?.created_at).toBe('2025-09-09T09:09:09Z');
    const tundra = byId.get('eager_tundra');
    expect(tundra?.status?.setup_state).toBe('broken');
    expect(tundra?.status?.tasks).toEqual([
      { message: 'Update credentials' },
      { code: 'update_credentials', message: null },
    ]);
    expect(byId.get('frosty_quarry')?.connected_by).toBeNull();
  });

  it('asks for 1,000 a page with Accept version=2, and passes the group filter', async () => {
    // Prepare
    const sent: SentRequest[] = [];
    const client = fixtureClient(
      { 'GET /v1/connections': { fixture: 'connections-page-3-last.json' } },
      sent,
    );

    // Act
    await collectItems(client.connectionPages({ groupId: 'stony_delta' }));

    // Assess
    expect(sent).toHaveLength(1);
    expect(sent[0]?.url.searchParams.get('limit')).toBe('1000');
    expect(sent[0]?.url.searchParams.get('group_id')).toBe('stony_delta');
    expect(sent[0]?.headers.Accept).toBe('application/json;version=2');
    expect(sent[0]?.headers.Authorization).toBe(
      `Basic ${Buffer.from('fixture-key:fixture-secret').toString('base64')}`,
    );
  });
});

describe('the client over fixtures: groups, destinations, details, schemas, account', () => {
  it('keeps groups without a name, drops the one without an id', async () => {
    // Prepare
    const client = fixtureClient({ 'GET /v1/groups': { fixture: 'groups-page.json' } });

    // Act
    const [page] = await allPages(client.groupPages());

    // Assess
    expect(page?.items.map((g) => [g.id, g.name ?? null])).toEqual([
      ['quiet_harbor', 'Warehouse EU'],
      ['stony_delta', null],
      ['tidal_basin', null],
    ]);
    expect(page?.unreadable).toEqual([
      { id: null, problem: '(item): no readable id' },
    ] satisfies Unreadable[]);
    expect(page?.nextCursor).toBeNull();
  });

  it('normalises destination setup_status case and keeps unknown values as sent', async () => {
    // Prepare
    const client = fixtureClient({
      'GET /v1/destinations': { fixture: 'destinations-page.json' },
      'GET /v1/destinations/quiet_harbor': { fixture: 'destination-details.json' },
    });

    // Act
    const [page] = await allPages(client.destinationPages());
    const details = await client.destination('quiet_harbor');

    // Assess
    expect(page?.items.map((d) => d.setup_status)).toEqual([
      'CONNECTED',
      'CONNECTED',
      'awaiting_review',
      'BROKEN',
    ]);
    expect(page?.items[3]).not.toHaveProperty('region');
    expect(page?.unreadable.map((u) => u.id)).toEqual(['windy_cape']);
    expect(page?.nextCursor).toBeNull();
    expect(details.setup_status).toBe('INCOMPLETE');
    expect(details.setup_tests?.map((t) => t.status)).toEqual(['PASSED', 'WARNING']);
  });

  it('reads connection details, keeping a schedule object newer than the OpenAPI file', async () => {
    // Prepare
    const client = fixtureClient({
      'GET /v1/connections/velvet_anchor': { fixture: 'connection-details.json' },
    });

    // Act
    const connection = await client.connection('velvet_anchor');

    // Assess
    expect(connection.status?.rescheduled_for).toBe('2026-11-03T09:00:00Z');
    expect(connection.schedule).toEqual({ schedule_type: 'INTERVAL', interval: 1440 });
  });

  it('reads a schema config, dropping only its malformed parts', async () => {
    // Prepare
    const unreadable: string[] = [];
    const client = fixtureClient(
      { 'GET /v1/connections/velvet_anchor/schemas': { fixture: 'schema-config.json' } },
      [],
      { onUnreadable: (endpoint, entry) => unreadable.push(`${endpoint} ${entry.problem}`) },
    );

    // Act
    const config = await client.connectionSchemas('velvet_anchor');

    // Assess
    const tables = config.schemas?.public?.tables ?? {};
    expect(Object.keys(config.schemas ?? {})).toEqual(['public']);
    expect(Object.keys(tables)).toEqual(['invoices', 'pg_stat_activity', 'ledger']);
    expect(tables.invoices?.columns?.card_last4?.hashed).toBe(true);
    expect(tables.invoices?.columns?.id?.is_primary_key).toBe(true);
    expect(tables.pg_stat_activity?.enabled_patch_settings?.reason_code).toBe('SYSTEM_TABLE');
    expect(tables.ledger).not.toHaveProperty('columns');
    expect(tables.ledger?.sync_mode).toBe('LIVE');
    expect(unreadable).toHaveLength(1);
    expect(unreadable[0]).toMatch(/^GET \/v1\/connections\/\{id\}\/schemas schemas\.(audit|public)/);
  });

  it('passes Test Connection on an account/info that has only account_id, and names a system key', async () => {
    // Prepare
    const minimal = fixtureClient({
      'GET /v1/account/info': { fixture: 'account-info-minimal.json' },
      'GET /v1/groups': { fixture: 'groups-page.json' },
      'GET /v1/connections': { fixture: 'connections-page-3-last.json' },
    });
    const system = fixtureClient({ 'GET /v1/account/info': { fixture: 'account-info-system-key.json' } });

    // Act
    const check = await checkConnection(minimal);
    const info = await system.accountInfo();

    // Assess
    expect(check).toMatchObject({ accountId: 'acct_lumen', accountName: 'acct_lumen', keyKind: 'unknown' });
    expect(check.groups).toBe(3);
    expect(check.connections).toBe(1);
    expect(check.warnings.join(' ')).toContain('no account name');
    expect(info).toMatchObject({ account_name: 'Lumen Analytics', system_key_id: 'sk_orbit' });
  });
});

describe('the client over fixtures: transformations', () => {
  it('lists transformations with status, last run, connections and models; odd fields dropped', async () => {
    // Prepare
    const client = fixtureClient({ 'GET /v1/transformations': { fixture: 'transformations-page.json' } });

    // Act
    const [page] = await allPages(client.transformationPages());

    // Assess
    const [dbt, quickstart, odd] = page?.items ?? [];
    expect(dbt).toMatchObject({ status: 'SUCCEEDED', last_ended_at: '2026-11-03T06:09:30Z' });
    expect(dbt && transformationConnectionIds(dbt)).toEqual(['velvet_anchor', 'cobalt_meadow']);
    expect(dbt?.output_model_names).toEqual(['fct_invoices', 'dim_customers']);
    expect(quickstart && transformationConnectionIds(quickstart)).toEqual(['cobalt_meadow']);
    expect(quickstart?.created_at).toBe('created at some point');
    expect(odd).toEqual({ id: 'tf_shale', status: 'RUNNING' });
    expect(page?.unreadable.map((u) => u.id)).toEqual(['tf_shale']);
  });
});
