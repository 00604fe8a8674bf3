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
  rowHealths,
  rowIds,
  screenshot,
  scrollTop,
  sidewaysOverflow,
  visibleText,
  WIDTHS,
} from './browser-kit.ts';
import { type FakeApi, startFakeApi } from './fake-api.ts';
import { connectionItem, FAILED_RUNS, SPECS } from './fixtures.ts';

/** The list and the detail with every field this round adds, served by the fake API. */
patientPolls();

describe.skipIf(!existsSync(CHROMIUM))('Dashboard list and detail (fields of this round)', () => {
  const profile = mkdtempSync(join(tmpdir(), 'fivetran-metadata-chromium-list-'));
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

    it('shows health, reason and last success at a glance, worst first, without sideways scroll', async () => {
      // Assess
      const healths = await rowHealths(page);
      expect(healths).toEqual([...healths].sort((a, b) => order(a) - order(b)));
      const failing = page.locator('#rows tr[data-id="sf_prod"]');
      await expect.poll(() => visibleText(failing, '.reason')).toContain('OAuth token expired');
      expect(await visibleText(failing, '.reason')).toMatch(/Sync failed.*since (1|2) h ago/s);
      expect(await visibleText(failing, '.fresh')).toMatch(/2 h ago.*due every 60 min/s);
      expect(await visibleText(failing, '.freshness')).toMatch(/late 70 min/);
      expect(await visibleText(failing, '.health')).toContain('failing');
      expect(await visibleText(page, '#rows tr[data-id="new_zd"] .health')).toContain('pending');
      expect(await visibleText(page, '#counts')).toMatch(/1\s*◔ pending/);
      expect(await sidewaysOverflow(page)).toBeLessThanOrEqual(0);
      expect(await page.locator('#rows tr[data-id="sf_prod"] .health').isVisible()).toBe(true);
      expect(await accessibilityViolations(page)).toEqual([]);
      await screenshot(page, 'list');
      expect(problems).toEqual([]);
    });

    it('sorts by a column and searches, and says so in the URL', async () => {
      // Act: the sort control is a header on the desktop and a select on the phone.
      if (width > 720) await page.click('th button[data-sort="last_success"]');
      else await page.selectOption('#sort-select', 'last_success');
      await expect.poll(() => query(page).get('sort')).toBe('last_success');
      const oldestFirst = await rowIds(page);
      await page.fill('#search', 'hubspot');
      await expect.poll(() => query(page).get('q')).toBe('hubspot');

      // Assess: never-succeeded first, then the oldest success.
      expect(oldestFirst.slice(0, 3)).toEqual(['new_zd', 'stripe_eu', 'pg_orders']);
      expect(await rowIds(page)).toEqual(['hub_mkt']);
      if (width > 720) {
        expect(await page.getAttribute('th:has(button[data-sort="last_success"])', 'aria-sort')).toBe(
          'ascending',
        );
      }
      await page.fill('#search', '');
      await expect.poll(() => page.locator('#rows tr').count()).toBe(SPECS.length);
    });

    it('opens filtered from /?health=failing, and back/forward walk the filters', async () => {
      // Act
      await page.goto(`${api.url}/?health=failing`);
      await expect.poll(() => rowHealths(page)).toEqual(['failing', 'failing', 'failing']);
      await page.click('#counts button[data-health="delayed"]');
      await expect.poll(() => rowIds(page)).toEqual(['gs_budget']);
      await page.goBack();
      await expect.poll(() => rowHealths(page)).toEqual(['failing', 'failing', 'failing']);
      await page.goForward();

      // Assess
      await expect.poll(() => query(page).get('health')).toBe('delayed');
      expect(await rowIds(page)).toEqual(['gs_budget']);
      expect(await page.getAttribute('#counts button[data-health="delayed"]', 'aria-pressed')).toBe('true');
      expect(await page.inputValue('#health')).toBe('delayed');
    });

    it('opens a connection as a page of its own, with every section, and goes back to the list', async () => {
      // Prepare
      await page.goto(`${api.url}/?health=failing`);
      await expect.poll(() => page.locator('#rows tr').count()).toBe(3);

      // Act: by keyboard, to the connection's link.
      await page.focus('#rows tr[data-id="sf_prod"] a');
      await page.keyboard.press('Enter');
      await page.waitForSelector('#detail-view:not([hidden]) .sec-timeline');

      // Assess: its own page, at the top, its heading focused; the URL names it with the filters kept.
      expect(query(page).get('connection')).toBe('sf_prod');
      expect(query(page).get('health')).toBe('failing');
      expect(await page.locator('#list-view').isHidden()).toBe(true);
      expect(await scrollTop(page)).toBe(0);
      expect(await focused(page).then((f) => f.id)).toBe('detail-title');
      expect(await visibleText(page, '#detail-reason')).toMatch(
        /Sync failed: OAuth token expired.*since (1|2) h ago/s,
      );
      expect(await page.getAttribute('a.external', 'href')).toBe(
        'https://fivetran.com/dashboard/connectors/sf_prod/status',
      );
      const text = await visibleText(page, '#detail-body');
      expect(text).toMatch(/Validate credentials/);
      expect(text).toMatch(/resync_table_warning/);
      expect(text).toMatch(/Success rate\s*83\.3 %/);
      expect(text).toMatch(/Schema status\s*ready/);
      expect(text).toMatch(/CUSTOM|NORMAL/);
      expect(await page.locator('.sec-tables tbody tr').count()).toBe(2);
      expect(await visibleText(page, '.sec-changes')).toMatch(/appeared.*salesforce\.campaign/s);
      const bars = await page.$$eval('.sec-timeline g.run', (all) =>
        all.map((g) => g.getAttribute('data-status')),
      );
      expect(bars).toHaveLength(24);
      expect(bars.filter((s) => s === 'FAILURE')).toHaveLength(FAILED_RUNS);
      expect(await page.locator('.sec-timeline g.run.failed text.mark').count()).toBe(FAILED_RUNS);
      const heights = await page.$$eval('.sec-timeline rect.bar', (all) =>
        all.map((r) => r.getAttribute('height')),
      );
      expect(new Set(heights).size).toBeGreaterThan(3);
      const event = page.locator('#events time').first();
      expect(await visibleText(page, '#events time')).toMatch(/^(1|2) h ago$/);
      expect(await event.getAttribute('title')).toMatch(/\d{4}-\d\d-\d\dT/);
      expect(await sidewaysOverflow(page)).toBeLessThanOrEqual(0);
      expect(await accessibilityViolations(page)).toEqual([]);
      await screenshot(page, 'detail');

      // Act: hover (desktop) or focus (phone) the last failed run for its reason.
      const failed = page.locator('.sec-timeline g.run.failed').last();
      if (width > 720) await failed.hover();
      else await failed.focus();
      await expect.poll(() => page.locator('.chart-box .tip').isVisible()).toBe(true);
      expect(await visibleText(page, '.chart-box .tip')).toMatch(/FAILURE.*OAuth token expired/s);

      // Act: Escape goes back to the filtered list, the focus on the connection it came from.
      await page.keyboard.press('Escape');
      await expect.poll(() => query(page).get('connection')).toBe(null);
      expect(query(page).get('health')).toBe('failing');
      await expect.poll(() => focused(page).then((f) => f.text)).toBe('salesforce_prod');
      expect(problems).toEqual([]);
    });

    it('works from the keyboard, with the focus always visible', async () => {
      // Prepare
      await page.goto(api.url);
      await page.locator('#rows tr').first().waitFor();

      // Act: "/" jumps to the search box; Tab walks on from there.
      await page.keyboard.press('/');
      const search = await focused(page);
      await page.keyboard.press('Tab');
      const outline = await page.evaluate<string>('getComputedStyle(document.activeElement).outlineStyle');
      await page.focus('#counts button[data-health="paused"]');
      await page.keyboard.press('Enter');

      // Assess
      expect(search.id).toBe('search');
      expect(outline).toBe('solid');
      await expect.poll(() => rowIds(page)).toEqual(['stripe_eu']);
      expect(query(page).get('health')).toBe('paused');
    });

    it('shows what Fivetran sends as text, clipped, never as markup', async () => {
      // Prepare: a reason that is markup, and far too long.
      const now = Date.now();
      const hostile = connectionItem(
        { ...(SPECS[0] as (typeof SPECS)[number]), id: 'x_1', schema: '<b>bold</b>' },
        now,
      );
      const markup = '<img src="/nothing.png" id="planted">';
      hostile.health_reason = { code: 'sync_failed', message: `${markup}${'a'.repeat(20_000)}`, since: null };
      api.reset();
      api.account.connections = [hostile, ...api.account.connections];

      // Act
      await page.goto(`${api.url}/?health=failing`);
      await page.locator('#rows tr[data-id="x_1"]').waitFor();

      // Assess
      const reason = await visibleText(page, '#rows tr[data-id="x_1"] .reason');
      expect(reason).toContain(markup);
      expect(reason.length).toBeLessThan(400);
      expect(await page.locator('#planted').count()).toBe(0);
      expect(await visibleText(page, '#rows tr[data-id="x_1"] .conn a')).toBe('<b>bold</b>');
      expect(await sidewaysOverflow(page)).toBeLessThanOrEqual(0);
      expect(api.requests).not.toContain('GET /nothing.png');
      api.reset();
    });

    it('opens a shared link to a connection directly', async () => {
      // Act
      await page.goto(`${api.url}/?connection=hub_mkt`);

      // Assess
      await expect.poll(() => visibleText(page, '#detail-reason')).toMatch(/Action needed: Reconnect/);
      expect(await visibleText(page, '#detail-body')).toMatch(/reconnect — Reconnect/);
      expect(await page.getAttribute('#back', 'href')).toBe('/');
    });

    it('hides the sections of routes the server does not have yet (404) and charts the detail’s syncs', async () => {
      // Prepare: today's server (no syncs, tables or schema-changes routes).
      api.reset({ newRoutes: false });

      // Act
      await page.goto(`${api.url}/?connection=sf_prod`);
      await page.waitForSelector('#detail-view:not([hidden]) .sec-timeline');

      // Assess
      expect(await page.locator('.sec-tables').count()).toBe(0);
      expect(await page.locator('.sec-changes').count()).toBe(0);
      expect(await page.locator('.sec-timeline g.run').count()).toBe(20);
      expect(api.requests).toContain('GET /api/connections/sf_prod/syncs');
      expect(api.requests).toContain('GET /api/tables');
      expect(await page.locator('#alerts .banner').count()).toBe(0);
      api.reset();
    });
  });
});

function order(health: string | null): number {
  return ['failing', 'pending', 'delayed', 'paused', 'healthy'].indexOf(health ?? '');
}
