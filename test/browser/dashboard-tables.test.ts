import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHROMIUM, launchChromium } from '../support/chromium.ts';
import {
  accessibilityViolations,
  focused,
  openPage,
  patientPolls,
  query,
  screenshot,
  sidewaysOverflow,
  visibleText,
  WIDTHS,
} from './browser-kit.ts';
import { type FakeApi, startFakeApi } from './fake-api.ts';
import { SPECS } from './fixtures.ts';

/** The Tables tab (who feeds a table, and is it fresh?) and the detail's lineage, served by the fake API. */
patientPolls();

describe.skipIf(!existsSync(CHROMIUM))('Dashboard: the Tables tab and lineage', () => {
  const profile = mkdtempSync(join(tmpdir(), 'fivetran-metadata-chromium-tables-'));
  let api: FakeApi;
  let browser: BrowserContext;

  beforeAll(async () => {
    api = await startFakeApi();
    browser = await launchChromium(profile);
  });
  afterAll(async () => {
    await browser?.close();
    await api?.close();
    rmSync(profile, { recursive: true, force: true });
  });

  describe.each(WIDTHS)('at %i px', (width) => {
    let page: Page;
    let problems: string[];

    beforeAll(async () => {
      api.reset();
      ({ page, problems } = await openPage(browser, width, api.url));
      await page
        .locator('#rows tr')
        .nth(SPECS.length - 1)
        .waitFor();
    });
    afterAll(async () => {
      await page?.close();
    });

    it('finds every connection that feeds a typed schema.table, with its health and last success', async () => {
      // Act: the tab, then a warehouse-style name.
      await page.click('#tab-tables');
      await page.waitForSelector('#tables-view:not([hidden])');
      await page.fill('#table-search', 'ANALYTICS."STRIPE".CHARGE');
      await page.press('#table-search', 'Enter');
      await page.waitForSelector('#tables-rows tr');

      // Assess: one request, the connection, its health and freshness; the URL keeps the search.
      expect(api.requests).toContain('GET /api/tables');
      expect(query(page).get('tab')).toBe('tables');
      expect(query(page).get('tq')).toBe('ANALYTICS."STRIPE".CHARGE');
      const rows = await page.$$eval('#tables-rows tr', (all) =>
        all.map((r) => r.getAttribute('data-connection')),
      );
      expect(rows).toEqual(['stripe_live']);
      const row = await visibleText(page, '#tables-rows tr');
      expect(row).toMatch(/stripe\.charge/);
      expect(row).toMatch(/healthy/);
      expect(row).toMatch(/12 min ago/);
      expect(await visibleText(page, '#tables-count')).toMatch(/1 table named “STRIPE\.CHARGE”/);
      expect(await sidewaysOverflow(page)).toBeLessThanOrEqual(0);
      await screenshot(page, 'tables-tab');
    });

    it('lists every feeder of a bare table name, and says so when none writes it', async () => {
      // Act
      await page.fill('#table-search', 'charge');
      await page.press('#table-search', 'Enter');
      await expect.poll(() => page.locator('#tables-rows tr').count()).toBe(2);
      const feeders = await page.$$eval('#tables-rows tr', (all) =>
        all.map((r) => r.getAttribute('data-connection')),
      );
      await page.fill('#table-search', 'nothing.here');
      await page.press('#table-search', 'Enter');
      await page.waitForSelector('#tables-none');

      // Assess
      expect(feeders.sort()).toEqual(['stripe_eu', 'stripe_live']);
      expect(await visibleText(page, '#tables-none')).toMatch(
        /No connection writes a table named “nothing\.here”/,
      );
    });

    it('opens the feeding connection, whose detail draws its lineage and schema changes, and comes back', async () => {
      // Prepare
      await page.goto(`${api.url}/?tab=tables&tq=salesforce_prod.account`);
      await page.waitForSelector('#tables-rows tr');

      // Act
      await page.click('#tables-rows tr a');
      await page.waitForSelector('#detail-view:not([hidden]) .sec-lineage');

      // Assess: connection → its tables → the transformation it triggers (failing, with its reason).
      expect(query(page).get('connection')).toBe('sf_prod');
      expect(await page.locator('#tabs').isHidden()).toBe(true);
      const lineage = await visibleText(page, '.sec-lineage');
      expect(lineage).toMatch(/salesforce_prod/);
      expect(lineage).toMatch(/Destination tables \(2\)/);
      expect(lineage).toMatch(/salesforce_prod\.account/);
      expect(lineage).toMatch(/sales_models/);
      expect(lineage).toMatch(/Compilation Error in model pipeline/);
      expect(lineage).toMatch(/opportunities_daily, pipeline/);
      const changes = await visibleText(page, '.sec-changes');
      expect(changes).toMatch(/table disabled salesforce\.lead \(on → off\)/);
      expect(changes).toMatch(/column hashing changed salesforce\.account\.Email/);
      expect(changes).toMatch(/and 3 more changes/);
      expect(await visibleText(page, '.sec-tables tbody tr')).toMatch(/9/);
      expect(await accessibilityViolations(page)).toEqual([]);
      await screenshot(page, 'detail-lineage');

      // Act: back to the tab, with the search kept.
      await page.click('#back');
      await page.waitForSelector('#tables-view:not([hidden]) #tables-rows tr');

      // Assess
      expect(query(page).get('tq')).toBe('salesforce_prod.account');
      expect(await page.inputValue('#table-search')).toBe('salesforce_prod.account');
    });

    it('is reachable by keyboard and passes the accessibility rules, the Connections tab one step away', async () => {
      // Prepare
      await page.goto(`${api.url}/?tab=tables&tq=charge`);
      await page.waitForSelector('#tables-rows tr');

      // Act
      const violations = await accessibilityViolations(page);
      await page.focus('#tab-connections');
      await page.keyboard.press('Enter');
      await page.waitForSelector('#list-view:not([hidden])');

      // Assess
      expect(violations).toEqual([]);
      expect(query(page).get('tab')).toBeNull();
      expect(await page.getAttribute('#tab-connections', 'aria-current')).toBe('page');
      expect(await focused(page).then((f) => f.id)).toBe('tab-connections');
      expect(problems).toEqual([]);
    });
  });
});
