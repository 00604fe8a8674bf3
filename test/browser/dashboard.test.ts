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
import { CHROMIUM, launchChromium } from '../support/chromium.ts';
import { connection, putGroup, saveConnections, sweepRecord } from '../support/http-fixture.ts';
import {
  accessibilityViolations,
  clearStorage,
  openPage,
  patientPolls,
  query,
  rowHealths,
  screenshot,
  sidewaysOverflow,
  visibleText,
  WIDTHS,
} from './browser-kit.ts';

// The README's screenshot is refreshed only on request (UPDATE_SCREENSHOT=1), so a test run leaves the tree clean.
const README_SCREENSHOT = join(import.meta.dirname, '../../docs/dashboard.png');

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

patientPolls();

describe.skipIf(!existsSync(CHROMIUM))('Dashboard in Chromium on the local server', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'fivetran-metadata-browser-'));
  const profile = mkdtempSync(join(tmpdir(), 'fivetran-metadata-chromium-'));
  let server: LocalServer;
  let browser: BrowserContext;
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
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
    rmSync(dataDir, { recursive: true, force: true });
    rmSync(profile, { recursive: true, force: true });
  });

  describe.each(WIDTHS)('at %i px', (width) => {
    let page: Page;
    let problems: string[];
    afterAll(async () => {
      await page?.close();
    });

    it('shows every connection, failing first, each failing row saying why', async () => {
      // Act
      ({ page, problems } = await openPage(browser, width, server.url));
      await expect.poll(() => page.locator('#rows tr').count()).toBe(29);

      // Assess
      const healths = await rowHealths(page);
      expect(healths.slice(0, 5)).toEqual(['failing', 'failing', 'failing', 'failing', 'failing']);
      expect(new Set(healths)).toEqual(new Set(['failing', 'delayed', 'paused', 'healthy']));
      const reasons = await page.$$eval('#rows tr[data-health="failing"] td.reason', (cells) =>
        cells.map((cell) => cell.textContent ?? ''),
      );
      expect(reasons).toHaveLength(5);
      for (const reason of reasons) expect(reason).toMatch(/Sync failed: Connection reset by peer/);
      expect(await visibleText(page, '#counts')).toMatch(/29\s*all/);
      expect(await page.textContent('#rows')).toContain('Analytics warehouse (snowflake)');
      expect(await sidewaysOverflow(page)).toBeLessThanOrEqual(0);
      expect(await accessibilityViolations(page)).toEqual([]);
      expect(problems).toEqual([]);
    });

    it('opens filtered from /?health=failing and opens a connection’s sync timeline and events', async () => {
      // Act
      await page.goto(`${server.url}/?health=failing`);
      await expect
        .poll(() => rowHealths(page))
        .toEqual(['failing', 'failing', 'failing', 'failing', 'failing']);
      expect(await page.getAttribute('#counts [data-health="failing"]', 'aria-pressed')).toBe('true');
      await page.click('#rows tr[data-id="sf_prod"] a');
      await page.waitForSelector('.sec-timeline g.run');

      // Assess
      expect(query(page).get('connection')).toBe('sf_prod');
      const bars = await page.$$eval('.sec-timeline g.run', (all) =>
        all.map((bar) => bar.getAttribute('data-status')),
      );
      expect(bars).toHaveLength(16);
      expect(bars.filter((status) => status === 'FAILURE')).toHaveLength(2);
      expect(await visibleText(page, '#detail-title')).toContain('salesforce_production');
      expect(await visibleText(page, '#detail-reason')).toMatch(/Sync failed: Connection reset by peer/);
      expect(await page.locator('#events li').count()).toBe(20);
      expect(await page.getAttribute('#events time', 'title')).toMatch(/\d{4}-\d\d-\d\dT/);
      expect(await sidewaysOverflow(page)).toBeLessThanOrEqual(0);
      expect(await accessibilityViolations(page)).toEqual([]);
      await page.goBack();
      await expect.poll(() => page.locator('#list-view').isVisible()).toBe(true);
      expect(await visibleText(page, '#changes')).toMatch(/salesforce_production: healthy → ✕ failing/);
      await screenshot(page, 'local-failing');
      expect(problems).toEqual([]);
    });
  });
});

describe.skipIf(!existsSync(CHROMIUM))('Dashboard in Chromium, demo mode (what `npm start` shows)', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'fivetran-metadata-browser-demo-'));
  const profile = mkdtempSync(join(tmpdir(), 'fivetran-metadata-chromium-demo-'));
  let server: LocalServer;
  let browser: BrowserContext;

  beforeAll(async () => {
    browser = await launchChromium(profile);
    server = await startLocalServer(loadLocalConfig({ PORT: '0', HOST: '127.0.0.1', DATA_DIR: dataDir }), {
      sweeps: true,
      demo: { syncEveryMs: 150 },
      // Each viewport clicks "Sweep now" once, seconds apart; the cool-down has its own tests.
      manualSweepCooldownMs: 0,
      log: () => {},
    });
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
    rmSync(dataDir, { recursive: true, force: true });
    rmSync(profile, { recursive: true, force: true });
  });

  describe.each(WIDTHS)('at %i px', (width) => {
    let page: Page;
    afterAll(async () => {
      await page?.close();
    });

    it('says it is a demo, lists the 40 simulated connections, and never warns of a missing webhook', async () => {
      // Act: the page opens as the server starts (its first sweep may still be running).
      const warnings = new Set<string>();
      ({ page } = await openPage(browser, width, server.url));
      await expect
        .poll(
          async () => {
            for (const text of await page.$$eval('#banners .banner', (all) =>
              all.map((b) => b.textContent ?? ''),
            )) {
              warnings.add(text);
            }
            return page.locator('#rows tr').count();
          },
          { timeout: 20_000 },
        )
        .toBe(40);

      // Assess
      expect([...warnings]).toEqual([]);
      expect(await visibleText(page, '#mode')).toMatch(/DEMO/);
      expect(await visibleText(page, '#counts')).toMatch(/40\s*all/);
      const failing = await page.$$eval('#rows tr[data-health="failing"] td.reason', (cells) =>
        cells.map((cell) => cell.textContent ?? ''),
      );
      expect(failing.length).toBeGreaterThan(0);
      for (const reason of failing) expect(reason.replace('—', '').trim()).not.toBe('');
      expect(await sidewaysOverflow(page)).toBeLessThanOrEqual(0);
      expect(await accessibilityViolations(page)).toEqual([]);
      await screenshot(page, 'demo');
      if (process.env.UPDATE_SCREENSHOT === '1' && width === WIDTHS[0]) {
        mkdirSync(join(README_SCREENSHOT, '..'), { recursive: true });
        await page.screenshot({ path: README_SCREENSHOT });
      }
    });

    it('follows "Sweep now" to the end of the sweep and refreshes', async () => {
      // Prepare
      const requests: string[] = [];
      page.on('request', (request) =>
        requests.push(`${request.method()} ${new URL(request.url()).pathname}`),
      );
      const before = (await (await fetch(`${server.url}/api/sweeps?limit=1`)).json()) as {
        items: { id: string }[];
      };

      // Act
      await page.click('#sweep-now');

      // Assess: a new sweep ran to its end, and the page read the connections again after it.
      await expect
        .poll(() => visibleText(page, '#sweep-result'), { timeout: 20_000 })
        .toMatch(/sweep succeeded · 40 connections/);
      const after = (await (await fetch(`${server.url}/api/sweeps?limit=1`)).json()) as {
        items: { id: string }[];
      };
      expect(after.items[0]?.id).not.toBe(before.items[0]?.id);
      const followed = requests.lastIndexOf('GET /api/sweeps');
      await expect.poll(() => requests.slice(followed).includes('GET /api/connections')).toBe(true);
      expect(requests).toContain('POST /api/sweeps');
      await expect.poll(() => page.locator('#sweep-now').isEnabled()).toBe(true);
    });
  });
});

describe.skipIf(!existsSync(CHROMIUM))('Dashboard in Chromium, a server that requires a token', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'fivetran-metadata-browser-token-'));
  const profile = mkdtempSync(join(tmpdir(), 'fivetran-metadata-chromium-token-'));
  const token = 'a-long-local-token-for-the-test';
  let server: LocalServer;
  let browser: BrowserContext;

  beforeAll(async () => {
    server = await startLocalServer(
      loadLocalConfig({ PORT: '0', HOST: '127.0.0.1', DATA_DIR: dataDir, API_TOKEN: token }),
      { log: () => {} },
    );
    await saveConnections(server.writer, [
      connection('pg_main', { health: 'failing' }),
      connection('sheets_ops'),
    ]);
    browser = await launchChromium(profile);
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
    rmSync(dataDir, { recursive: true, force: true });
    rmSync(profile, { recursive: true, force: true });
  });

  it.each(WIDTHS)(
    'asks for the token at %i px, draws nothing else, then shows the account',
    async (width) => {
      // Act
      const { page, problems } = await openPage(browser, width, server.url);
      await clearStorage(page);
      await page.reload();
      await page.locator('#auth').waitFor();

      // Assess: the server answered 401 with `www-authenticate: Bearer`, and the page shows only the prompt.
      const answer = await fetch(`${server.url}/api/summary`);
      expect(answer.status).toBe(401);
      expect(answer.headers.get('www-authenticate')).toBe('Bearer');
      expect(await page.locator('#list-view').isHidden()).toBe(true);
      expect(await page.locator('#prev').isVisible()).toBe(false);
      expect(await page.locator('#rows tr').count()).toBe(0);
      await screenshot(page, 'local-token');

      // Act
      await page.fill('#token', token);
      await page.press('#token', 'Enter');

      // Assess
      await expect.poll(() => page.locator('#rows tr').count()).toBe(2);
      expect(await visibleText(page, '#rows tr[data-id="pg_main"] td.reason')).toMatch(/Sync failed/);
      expect(problems).toEqual([]);
      await clearStorage(page);
      await page.close();
    },
  );
});

if (!existsSync(CHROMIUM)) {
  console.warn(`test/browser skipped: no Chromium at ${CHROMIUM} (CI installs it)`);
}
