import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { CHROMIUM, launchChromium } from '../support/chromium.ts';
import {
  accessibilityViolations,
  openPage,
  patientPolls,
  query,
  rowIds,
  screenshot,
  sidewaysOverflow,
  visibleText,
  WIDTHS,
} from './browser-kit.ts';
import { type FakeApi, startFakeApi } from './fake-api.ts';
import { SPECS } from './fixtures.ts';
import { BUDGET_FAILED, BUDGET_RUNS, budgetRuns, MARKUP_REASON } from './sync-fixtures.ts';

/** The sync timeline, the 7-day figures, freshness in the list and the detail, in Chromium. */
patientPolls();

describe.skipIf(!existsSync(CHROMIUM))('Dashboard: sync timeline, stats and freshness', () => {
  const profile = mkdtempSync(join(tmpdir(), 'fivetran-metadata-chromium-syncs-'));
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
    const open = async (path: string) => {
      await page?.close();
      ({ page, problems } = await openPage(browser, width, `${api.url}${path}`));
    };

    beforeEach(() => {
      api.reset();
      api.account.syncs = { gs_budget: budgetRuns(api.account.now) };
    });
    afterAll(async () => {
      await page?.close();
    });

    it('says in a Freshness column which connections are late, on time, or promise nothing', async () => {
      // Act
      await open('/');
      await page
        .locator('#rows tr')
        .nth(SPECS.length - 1)
        .waitFor();
      const cell = (id: string) => visibleText(page, `#rows tr[data-id="${id}"] td.freshness`);

      // Assess
      expect(await cell('sf_prod')).toMatch(/late 70 min$/);
      expect(await cell('gs_budget')).toMatch(/⚠ late 65 min$/);
      expect(await cell('pg_orders')).toMatch(/late 33 h$/);
      expect(await cell('ok_0')).toMatch(/on time$/);
      expect(await cell('stripe_eu')).toMatch(/manual$/);
      expect(await cell('new_zd')).toMatch(/no success yet$/);
      expect(await page.getAttribute('#rows tr[data-id="gs_budget"] td.freshness', 'data-state')).toBe(
        'late',
      );
      if (width > 720) expect(await visibleText(page, 'thead')).toMatch(/Last success.*Freshness/s);
      expect(await sidewaysOverflow(page)).toBeLessThanOrEqual(0);
      expect(await accessibilityViolations(page)).toEqual([]);
      expect(problems).toEqual([]);
    });

    it('sorts by freshness, the latest first', async () => {
      // Act
      await open('/?sort=freshness');
      await page
        .locator('#rows tr')
        .nth(SPECS.length - 1)
        .waitFor();

      // Assess: late by 1985, 180, 70, 65 minutes, then the on-time ones.
      expect((await rowIds(page)).slice(0, 4)).toEqual(['pg_orders', 'hub_mkt', 'sf_prod', 'gs_budget']);
      expect(query(page).get('sort')).toBe('freshness');
    });

    it('shows the account’s 7-day success rate and slowest connections, each a link to it', async () => {
      // Act
      await open('/');
      await page.locator('#rows tr').first().waitFor();

      // Assess
      await expect
        .poll(() => visibleText(page, '#sync-info'))
        .toMatch(/Syncs, 7 days: 240 runs · 96\.2 % succeeded · 9 failed/);
      const slowest = await page.$$eval('#slowest li', (all) => all.map((li) => li.textContent ?? ''));
      expect(slowest).toHaveLength(2);
      expect(slowest[0]).toMatch(/^postgres_orders postgres: p95 45\.0 min, median 15\.0 min · 30 runs$/);

      // Act: the slowest connection opens its detail.
      await page.click('#slowest li[data-id="pg_orders"] a');

      // Assess
      await expect.poll(() => query(page).get('connection')).toBe('pg_orders');
    });

    it('draws one bar per run at its start, failures marked, the running run open-ended', async () => {
      // Act
      await open('/?connection=gs_budget');
      await page.waitForSelector('.sec-timeline g.run');

      // Assess: every run is a bar; failures are their own colour and carry a ✕ (not colour alone).
      // Read in the page (the project's TypeScript has no DOM library: the page's globals come as an expression).
      const bars = await page.evaluate<
        { kind: string | null; x: number; height: number; fill: string; mark: string | null }[]
      >(`[...document.querySelectorAll('.sec-timeline g.run')].map((g) => {
        const bar = g.querySelector('rect.bar');
        return {
          kind: g.getAttribute('class'),
          x: Number(bar.getAttribute('x')),
          height: Number(bar.getAttribute('height')),
          fill: getComputedStyle(bar).fill,
          mark: g.querySelector('text.mark')?.textContent ?? null,
        };
      })`);
      expect(bars).toHaveLength(BUDGET_RUNS);
      const failed = bars.filter((b) => b.kind === 'run failed');
      const ok = bars.filter((b) => b.kind === 'run ok');
      expect(failed).toHaveLength(BUDGET_FAILED);
      expect(failed.every((b) => b.mark === '✕')).toBe(true);
      expect(ok.every((b) => b.mark === null)).toBe(true);
      expect(new Set(failed.map((b) => b.fill)).size).toBe(1);
      expect(failed[0]?.fill).not.toBe(ok[0]?.fill);
      expect(bars.map((b) => b.x)).toEqual([...bars.map((b) => b.x)].sort((a, b) => a - b));
      // Oldest first left to right; the 610 s failure is the tallest bar.
      const tallest = Math.max(...bars.map((b) => b.height));
      expect(bars[2]?.height).toBe(tallest);
      expect(bars.at(-1)?.kind).toBe('run running');
      expect(bars.at(-1)?.mark).toBe('…');
      expect(await visibleText(page, '.sec-timeline .caption')).toMatch(
        /^8 runs shown \(4 succeeded, 2 failed, 1 other .*, 1 running\)/,
      );
      expect(await page.locator('#planted').count()).toBe(0);
      await screenshot(page, 'sync-timeline');
    });

    it('shows a run’s status, duration, source and reason on hover or focus, clipped and as text', async () => {
      // Prepare
      await open('/?connection=gs_budget');
      await page.waitForSelector('.sec-timeline g.run');
      const tip = page.locator('.chart-box .tip');

      // Act: the first failure by pointer (desktop) or keyboard focus (phone).
      const first = page.locator('.sec-timeline g.run.failed').first();
      if (width > 720) await first.hover();
      else await first.focus();

      // Assess
      await expect.poll(() => tip.isVisible()).toBe(true);
      expect(await visibleText(page, '.chart-box .tip')).toMatch(
        /^FAILURE \(webhook\)\nstarted .*\nduration 10\.2 min\nSheet "Budget 2026" was not found$/,
      );

      // Act: the hostile one, by keyboard.
      await page.locator('.sec-timeline g.run.failed').last().focus();

      // Assess: its markup is text, 20,000 characters are bounded, nothing was planted or fetched.
      await expect.poll(() => visibleText(page, '.chart-box .tip')).toContain(MARKUP_REASON);
      const shown = await visibleText(page, '.chart-box .tip');
      expect(shown).toMatch(/^FAILURE_WITH_TASK \(webhook\)/);
      expect(shown.length).toBeLessThan(500);
      expect(await page.locator('#planted').count()).toBe(0);
      expect(await page.evaluate<unknown>('window.planted')).toBeUndefined();
      expect(api.requests).not.toContain('GET /planted.png');
      const box = await tip.boundingBox();
      expect((box?.x ?? -1) >= 0 && (box?.x ?? 0) + (box?.width ?? 0) <= width).toBe(true);

      // Act: the running run says it is still going.
      await page.locator('.sec-timeline g.run.running').focus();

      // Assess
      await expect.poll(() => visibleText(page, '.chart-box .tip')).toMatch(/^SYNCING \(webhook\)/);
      expect(await visibleText(page, '.chart-box .tip')).toMatch(/duration (6\.\d min|\d+ s) so far/);
      expect(await page.getAttribute('.sec-timeline g.run.running', 'aria-label')).toMatch(/SYNCING.*so far/);
      expect(problems).toEqual([]);
    });

    it('offers the runs as a table, newest first, as the chart’s text alternative', async () => {
      // Prepare
      await open('/?connection=gs_budget');
      await page.waitForSelector('.sec-timeline .runs-table');

      // Act
      await page.click('.runs-table summary');

      // Assess
      const rows = await page.$$eval('.runs-table tbody tr', (all) =>
        all.map((tr) => [...tr.querySelectorAll('td')].map((td) => td.textContent ?? '')),
      );
      expect(rows).toHaveLength(BUDGET_RUNS);
      expect(rows[0]?.slice(1, 4)).toEqual(['… SYNCING', expect.stringMatching(/so far$/), 'webhook']);
      expect(rows[1]?.[1]).toBe('✕ FAILURE_WITH_TASK');
      expect((rows[1]?.[4] ?? '').startsWith(MARKUP_REASON)).toBe(true);
      expect((rows[1]?.[4] ?? '').length).toBeLessThanOrEqual(300);
      expect(rows.at(-1)?.slice(1, 4)).toEqual(['SUCCESSFUL', '1.6 min', 'history']);
      expect(await visibleText(page, '.runs-table summary')).toBe('The 8 runs as a table');
      expect(await page.locator('#planted').count()).toBe(0);
      expect(await sidewaysOverflow(page)).toBeLessThanOrEqual(0);
      expect(await accessibilityViolations(page)).toEqual([]);
    });

    it('shows the 7-day figures and what the schedule promises in the detail', async () => {
      // Act
      await open('/?connection=sf_prod');
      await page.waitForSelector('.sec-timeline g.run');

      // Assess
      const facts = await visibleText(page, '.sec-facts');
      expect(facts).toMatch(/Freshness\s*⚠ late 70 min/);
      expect(facts).toMatch(/Promise\s*a success every 60 min · late after .* ago · late by 70 min/);
      const stats = await visibleText(page, '.sec-timeline dl');
      expect(stats).toMatch(/Runs \(7 days\)\s*24\s*Succeeded\s*20\s*Failed\s*3\s*Success rate\s*83\.3 %/);
      expect(stats).toMatch(/Duration, median\s*4\.3 min\s*Duration, p95\s*7\.7 min/);

      // Act: a manual connection promises nothing.
      await open('/?connection=stripe_eu');
      await page.waitForSelector('.sec-facts');

      // Assess
      expect(await visibleText(page, '.sec-facts')).toMatch(
        /Freshness\s*manual\s*Promise\s*none: a manual schedule/,
      );
    });

    it('says so when a connection has no runs yet, and draws no bar or table', async () => {
      // Act
      await open('/?connection=new_zd');
      await page.waitForSelector('.sec-timeline svg.chart text.empty');

      // Assess
      expect(await page.locator('.sec-timeline g.run').count()).toBe(0);
      expect(await page.locator('.runs-table').count()).toBe(0);
      expect(await visibleText(page, '.sec-timeline .caption')).toBe('No sync runs recorded yet.');
      expect(await page.getAttribute('.sec-timeline svg.chart', 'aria-label')).toBe(
        'No sync runs recorded yet',
      );
      expect(await sidewaysOverflow(page)).toBeLessThanOrEqual(0);
      expect(await accessibilityViolations(page)).toEqual([]);
      expect(problems).toEqual([]);
    });
  });
});
