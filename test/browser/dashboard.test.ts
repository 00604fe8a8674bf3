import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { healthChangeLog } from '#commons/alerts/health-change-log';
import { loadLocalConfig } from '#commons/config/local-config';
import type { HealthNotifier } from '#commons/ingest/health-notifier';
import { signBody } from '#commons/webhook/signature';
import { type LocalServer, startLocalServer } from '../../functions/local/local-server.ts';
import { connection, putGroup, saveConnections, sweepRecord } from '../read/read-fixture.ts';
import { CHROMIUM, launchChromium } from '../support/chromium.ts';

// The README's screenshot is refreshed only on request (UPDATE_SCREENSHOT=1), so a test run leaves the tree clean.
const SCREENSHOT =
  process.env.UPDATE_SCREENSHOT === '1'
    ? join(import.meta.dirname, '../../docs/dashboard.png')
    : join(tmpdir(), 'fivetran-metadata-dashboard.png');

/** Four destinations and 28 connections of every health, one of them with a sync history. */
const GROUPS = [
  { id: 'warehouse', name: 'Analytics warehouse', service: 'snowflake' },
  { id: 'lake', name: 'Data lake', service: 'big_query' },
  { id: 'finance', name: 'Finance', service: 'redshift' },
  { id: 'sandbox', name: 'Sandbox', service: 'postgres_warehouse' },
];
const SERVICES = ['salesforce', 'postgres', 'hubspot', 'stripe', 'google_sheets', 'zendesk', 'shopify'];
const HEALTH_MIX = ['healthy', 'healthy', 'failing', 'healthy', 'delayed', 'healthy', 'paused'] as const;

async function deliver(server: LocalServer, payload: Record<string, unknown>): Promise<void> {
  const body = JSON.stringify(payload);
  const response = await fetch(server.webhookUrl, {
    method: 'POST',
    body,
    headers: { 'X-Fivetran-Signature-256': signBody(body, server.webhookSecret.current) },
  });
  if (response.status !== 200) throw new Error(`delivery answered ${response.status}`);
}

async function seed(server: LocalServer): Promise<void> {
  for (const g of GROUPS) {
    await putGroup(server.repositories.groups, {
      id: g.id,
      name: g.name,
      destination: {
        id: g.id,
        service: g.service,
        region: 'AWS_EU_WEST_1',
        setup_status: 'CONNECTED',
        time_zone_offset: '0',
      },
    });
  }
  const now = Date.now();
  await saveConnections(
    server.writer,
    Array.from({ length: 28 }, (_, i) =>
      connection(`${SERVICES[i % SERVICES.length]}_${i}`, {
        health: HEALTH_MIX[i % HEALTH_MIX.length],
        group: GROUPS[i % GROUPS.length]?.id,
        service: SERVICES[i % SERVICES.length],
        at: new Date(now - (i + 1) * 17 * 60_000).toISOString(),
      }),
    ),
  );
  // A connection with 16 syncs of varying length over the last hours (the chart's bars), failing at the end.
  const base = {
    connector_type: 'salesforce',
    connector_id: 'sf_prod',
    connector_name: 'salesforce_production',
    destination_group_id: 'warehouse',
  };
  for (let i = 0; i < 16; i++) {
    const start = now - (16 - i) * 15 * 60_000;
    const sync_id = `sf-sync-${i}`;
    const status = i === 9 || i === 15 ? 'FAILURE' : i === 12 ? 'RESCHEDULED' : 'SUCCESSFUL';
    await deliver(server, { ...base, event: 'sync_start', created: new Date(start).toISOString(), sync_id });
    await deliver(server, {
      ...base,
      event: 'sync_end',
      created: new Date(start + (60 + ((i * 37) % 11) * 40) * 1000).toISOString(),
      sync_id,
      data: status === 'FAILURE' ? { status, reason: 'Connection reset by peer' } : { status },
    });
  }
  await server.repositories.sweeps.put(
    sweepRecord('demo-sweep', new Date(now - 4 * 60_000).toISOString(), { connections_seen: 29 }),
  );
}

describe.skipIf(!existsSync(CHROMIUM))('Dashboard in Chromium', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'fivetran-metadata-browser-'));
  const profile = mkdtempSync(join(tmpdir(), 'fivetran-metadata-chromium-'));
  let server: LocalServer;
  let browser: BrowserContext;
  let page: Page;
  let changeLog: HealthNotifier | null = null;

  beforeAll(async () => {
    server = await startLocalServer(loadLocalConfig({ PORT: '0', HOST: '127.0.0.1', DATA_DIR: dataDir }), {
      log: () => {},
      notifier: { onHealthChange: (change) => changeLog?.onHealthChange(change) },
    });
    changeLog = healthChangeLog(server.repositories.healthChanges);
    await seed(server);
    // A fresh profile directory per run: nothing cached or stored from an earlier run.
    browser = await launchChromium(profile);
    page = await browser.newPage();
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
    rmSync(dataDir, { recursive: true, force: true });
    rmSync(profile, { recursive: true, force: true });
  });

  it('shows every connection with its health, failing first', async () => {
    // Act
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    page.on('console', (message) => {
      if (message.type() === 'error') errors.push(message.text());
    });
    await page.goto(server.url);
    await expect.poll(() => page.locator('#rows tr').count()).toBe(29);

    // Assess
    const healths = await page.$$eval('#rows tr', (rows) =>
      rows.map((row) => row.getAttribute('data-health')),
    );
    expect(healths.slice(0, 5)).toEqual(['failing', 'failing', 'failing', 'failing', 'failing']);
    expect(new Set(healths)).toEqual(new Set(['failing', 'delayed', 'paused', 'healthy']));
    expect(await page.textContent('#counts')).toMatch(/29\s*all/);
    expect(await page.textContent('#rows')).toContain('Analytics warehouse (snowflake)');
    expect(errors).toEqual([]);
  });

  it('narrows the rows with the health filter', async () => {
    // Act
    await page.selectOption('#health', 'failing');
    await expect.poll(() => page.locator('#rows tr:not([data-health="failing"])').count()).toBe(0);

    // Assess
    const rows = await page.$$eval('#rows tr', (all) => all.map((row) => row.getAttribute('data-id')));
    expect(rows).toHaveLength(5);
    expect(rows).toContain('sf_prod');
    expect(await page.getAttribute('#counts [data-health="failing"]', 'aria-pressed')).toBe('true');
  });

  it('opens a connection’s detail with a bar per completed sync and its events', async () => {
    // Act
    await page.click('#rows tr[data-id="sf_prod"] button');
    await page.waitForSelector('#chart rect.bar');

    // Assess
    const bars = await page.$$eval('#chart rect.bar', (all) =>
      all.map((bar) => bar.getAttribute('data-status')),
    );
    expect(bars).toHaveLength(16);
    expect(bars.filter((status) => status === 'FAILURE')).toHaveLength(2);
    expect(await page.textContent('#detail-title')).toContain('salesforce_production');
    expect(await page.$$eval('#events tr', (rows) => rows.length)).toBe(20);
    expect(await page.textContent('#changes')).toMatch(/salesforce_production: healthy → failing/);
  });

  it('saves a screenshot for the README', async () => {
    // Act
    await page.selectOption('#health', '');
    await expect.poll(() => page.locator('#rows tr').count()).toBe(29);
    mkdirSync(join(SCREENSHOT, '..'), { recursive: true });
    await page.screenshot({ path: SCREENSHOT, fullPage: true });

    // Assess
    expect(existsSync(SCREENSHOT)).toBe(true);
  });
});

describe.skipIf(!existsSync(CHROMIUM))('Dashboard in Chromium, demo mode (what `npm start` shows)', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'fivetran-metadata-browser-demo-'));
  const profile = mkdtempSync(join(tmpdir(), 'fivetran-metadata-chromium-demo-'));
  let server: LocalServer;
  let browser: BrowserContext;

  beforeAll(async () => {
    server = await startLocalServer(loadLocalConfig({ PORT: '0', HOST: '127.0.0.1', DATA_DIR: dataDir }), {
      sweeps: true,
      demo: { syncEveryMs: 150 },
      log: () => {},
    });
    browser = await launchChromium(profile);
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
    rmSync(dataDir, { recursive: true, force: true });
    rmSync(profile, { recursive: true, force: true });
  });

  it('shows the simulated account, says it is a demo, and opens a connection’s detail', async () => {
    // Prepare: the at-start sweep has listed the 40 simulated connections.
    await expect
      .poll(
        async () =>
          ((await (await fetch(`${server.url}/api/summary`)).json()) as { connections_total: number })
            .connections_total,
        {
          timeout: 20_000,
        },
      )
      .toBe(40);
    const page = await browser.newPage();

    // Act
    await page.goto(server.url);
    await expect.poll(() => page.locator('#rows tr').count(), { timeout: 10_000 }).toBe(40);
    await page.click('#rows tr button');
    await page.waitForSelector('#detail:not([hidden])');

    // Assess
    expect(await page.textContent('#mode')).toMatch(/demo account/);
    expect(await page.textContent('#counts')).toMatch(/40\s*all/);
    expect(await page.textContent('#detail-title')).not.toBe('');
  });
});

if (!existsSync(CHROMIUM)) {
  console.warn(`test/browser/dashboard.test.ts skipped: no Chromium at ${CHROMIUM} (CI installs it)`);
}
