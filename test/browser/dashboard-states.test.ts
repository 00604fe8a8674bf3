import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { CHROMIUM, launchChromium } from '../support/chromium.ts';
import {
  accessibilityViolations,
  clearStorage,
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
import { connectionItem, SPECS } from './fixtures.ts';
import { disabledWebhook, summaryOf, sweepRecord } from './summary-fixtures.ts';

/** The page's states around the list, with answers only a fake server can give on demand. */
patientPolls();

describe.skipIf(!existsSync(CHROMIUM))('Dashboard states', () => {
  const profile = mkdtempSync(join(tmpdir(), 'fivetran-metadata-chromium-states-'));
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
    const open = async (path = '/') => {
      await page?.close();
      ({ page, problems } = await openPage(browser, width, `${api.url}${path}`));
    };

    beforeEach(() => api.reset());
    afterAll(async () => {
      await page?.close();
    });

    it('says it is loading, and draws nothing else until the answers arrive', async () => {
      // Prepare
      let release = () => {};
      api.account.hold = new Promise<void>((resolve) => {
        release = resolve;
      });

      // Act
      await open();

      // Assess
      await expect.poll(() => visibleText(page, '#loading')).toMatch(/Loading connections/);
      expect(await page.locator('#list-view').isHidden()).toBe(true);
      expect(await page.locator('#rows tr').count()).toBe(0);
      await screenshot(page, 'loading');
      release();
      await expect.poll(() => page.locator('#rows tr').count()).toBe(SPECS.length);
      expect(await page.locator('#loading').isHidden()).toBe(true);
    });

    it('tells an empty account what it is waiting for, never "no match"', async () => {
      // Prepare
      const now = Date.now();
      const waiting = {
        connections: [],
        summary: summaryOf([], now, { last_sweep: null, mode: 'demo', last_webhook_at: null }),
      };
      api.reset(waiting);

      // Act / Assess: no sweep yet, locally.
      await open();
      await expect
        .poll(() => visibleText(page, '#empty-account'))
        .toMatch(/No connections yet — the first sweep runs as the server starts/);
      expect(await page.locator('#connections').isHidden()).toBe(true);
      expect(await page.locator('#no-match').isVisible()).toBe(false);
      expect(await page.locator('#sweep-now').isVisible()).toBe(true);
      expect(await accessibilityViolations(page)).toEqual([]);
      await screenshot(page, 'empty-account');

      // Act / Assess: the server says when the next one runs; then one is running.
      const next = new Date(now + 14 * 60_000).toISOString();
      api.reset({ ...waiting, summary: { ...waiting.summary, mode: 'deployed', next_sweep_at: next } });
      await open();
      await expect
        .poll(() => visibleText(page, '#empty-text'))
        .toMatch(/the first sweep runs at .*\(in 14 min\)/);
      api.reset({
        ...waiting,
        summary: { ...waiting.summary, last_sweep: sweepRecord('s', now, 'running') },
      });
      await open();
      await expect.poll(() => visibleText(page, '#empty-text')).toMatch(/the first sweep is running/);
      expect(problems).toEqual([]);
    });

    it('says when filters match nothing, and clears them', async () => {
      // Act
      await open('/?health=failing&q=no-such-connection');

      // Assess
      await expect
        .poll(() => visibleText(page, '#no-match'))
        .toMatch(/No connections match health failing, “no-such-connection”/);
      expect(await page.locator('#empty-account').isVisible()).toBe(false);
      expect(await page.locator('#table-wrap').isHidden()).toBe(true);
      await screenshot(page, 'filtered-empty');
      await page.click('#clear-filters');
      await expect.poll(() => page.locator('#rows tr').count()).toBe(SPECS.length);
      expect(query(page).toString()).toBe('');
    });

    it('shows an unmistakable banner when the server is unreachable, and marks the data stale', async () => {
      // Prepare
      await open();
      await page.locator('#rows tr').first().waitFor();

      // Act
      api.account.down = true;
      await page.click('#refresh-now');

      // Assess
      await expect
        .poll(() => visibleText(page, '#alerts'))
        .toMatch(/Cannot reach the fivetran-metadata server/);
      expect(await visibleText(page, '#alerts')).toMatch(
        /The data below was loaded at \d\d?:\d\d:\d\d.* and may be stale/,
      );
      expect(await visibleText(page, '#refreshed')).toMatch(/stale/);
      expect(await page.getAttribute('#main', 'class')).toMatch(/stale/);
      expect(await page.locator('#rows tr').count()).toBe(SPECS.length);
      expect(await sidewaysOverflow(page)).toBeLessThanOrEqual(0);
      expect(await accessibilityViolations(page)).toEqual([]);
      await screenshot(page, 'unreachable');

      // Act: back up; the banner's own button retries.
      api.account.down = false;
      await page.click('#retry-now');

      // Assess
      await expect.poll(() => page.locator('#alerts .banner').count()).toBe(0);
      expect(await visibleText(page, '#refreshed')).toMatch(/updated/);
      expect(problems).toEqual([]);
    });

    it('waits for an unreachable server on the first load, saying so', async () => {
      // Act
      api.account.down = true;
      await open();

      // Assess
      await expect.poll(() => visibleText(page, '#alerts')).toMatch(/Cannot reach.*Nothing to show yet/s);
      expect(await visibleText(page, '#loading')).toMatch(/Waiting for the server/);
      expect(await page.locator('#list-view').isHidden()).toBe(true);
    });

    it('asks for the token a server requires, with nothing half-drawn, and uses it', async () => {
      // Prepare
      api.account.token = 'open-sesame';
      await open();
      await clearStorage(page);
      await page.reload();

      // Assess: only the prompt.
      await page.locator('#auth').waitFor();
      expect(await page.locator('#list-view').isHidden()).toBe(true);
      expect(await page.locator('#prev').isVisible()).toBe(false);
      expect(await page.locator('#loading').isHidden()).toBe(true);
      expect(await focused(page).then((f) => f.id)).toBe('token');
      expect(await accessibilityViolations(page)).toEqual([]);
      await screenshot(page, 'token-required');

      // Act: a wrong token, then the right one.
      await page.fill('#token', 'guess');
      await page.press('#token', 'Enter');
      await expect.poll(() => visibleText(page, '#auth-error')).toMatch(/refused/);
      await page.fill('#token', 'open-sesame');
      await page.click('#auth-form button[type="submit"]');

      // Assess
      await expect.poll(() => page.locator('#rows tr').count()).toBe(SPECS.length);
      expect(await page.locator('#auth').isHidden()).toBe(true);
      expect(await page.locator('#forget-token').isVisible()).toBe(true);
      await clearStorage(page);
    });

    it('shows the demo badge, and no "no webhook yet" warning on the first demo load', async () => {
      // Prepare: what the demo's first summary holds: a webhook registered seconds ago, no event yet.
      const now = Date.now();
      const connections = SPECS.map((spec) => connectionItem(spec, now));
      const base = summaryOf(connections, now) as { registered_webhook: Record<string, unknown> };
      api.reset({
        summary: summaryOf(connections, now, {
          mode: 'demo',
          last_webhook_at: null,
          webhook_active: null,
          registered_webhook: {
            ...base.registered_webhook,
            registered_at: new Date(now - 2000).toISOString(),
            active: null,
          },
        }),
      });

      // Act
      await open();
      await page.locator('#rows tr').first().waitFor();

      // Assess
      expect(await visibleText(page, '#mode')).toMatch(/DEMO/);
      expect(await page.locator('#banners .banner').count()).toBe(0);
      expect(await visibleText(page, '#webhook-info')).toMatch(/waiting for its first event/);
      await screenshot(page, 'demo-first-load');
    });

    it('drops the "webhook disabled" banner within one refresh of the summary saying it is active', async () => {
      // Prepare: the sweep saw our webhook disabled.
      const now = Date.now();
      const connections = SPECS.map((spec) => connectionItem(spec, now));
      api.reset({ summary: disabledWebhook(connections, now, 1, 180) });
      // A browser of its own: a fake clock is installed for a whole browser context.
      const clockProfile = mkdtempSync(join(tmpdir(), 'fivetran-metadata-chromium-clock-'));
      const clocked = await launchChromium(clockProfile, { width, height: 900 });
      const page = await clocked.newPage();
      await page.clock.install();
      await page.goto(api.url);
      await expect
        .poll(() => visibleText(page, '#banners .banner.bad'))
        .toMatch(/Fivetran has disabled our webhook/);
      await screenshot(page, 'webhook-disabled');

      // Act: `webhook status --reactivate`, and the summary says active; one refresh interval passes.
      api.account.summary = summaryOf(connections, now);
      await page.clock.fastForward(30_000);

      // Assess
      await expect.poll(() => page.locator('#banners .banner.bad').count(), { timeout: 5000 }).toBe(0);
      expect(await visibleText(page, '#webhook-info')).toMatch(/active/);
      await clocked.close();
      rmSync(clockProfile, { recursive: true, force: true });
    });

    it('treats a disabled webhook that delivered since the check as active again', async () => {
      // Prepare
      const now = Date.now();
      const connections = SPECS.map((spec) => connectionItem(spec, now));
      // The sweep saw it disabled 10 min ago; an event arrived 20 s ago.
      api.reset({ summary: disabledWebhook(connections, now, 10, 1 / 3) });

      // Act
      await open();
      await page.locator('#rows tr').first().waitFor();

      // Assess
      expect(await page.locator('#banners .banner.bad').count()).toBe(0);
      expect(await visibleText(page, '#webhook-info')).toMatch(/delivering again/);
    });

    it('follows "Sweep now" to the sweep’s end, then refreshes', async () => {
      // Prepare
      const now = Date.now();
      api.account.onSweep = () => {
        api.account.sweeps = [sweepRecord('sweep-now-1', now, 'running'), ...api.account.sweeps];
        return { status: 202, body: { id: 'sweep-now-1' } };
      };
      await open();
      await page.locator('#rows tr').first().waitFor();

      // Act
      await page.click('#sweep-now');
      await expect
        .poll(() => api.requests.filter((r) => r === 'GET /api/sweeps').length)
        .toBeGreaterThanOrEqual(2);
      expect(await visibleText(page, '#sweep-now')).toBe('Sweeping…');
      expect(await page.locator('#sweep-now').isDisabled()).toBe(true);
      // The sweep ends, having found a new connection.
      const found = connectionItem(
        { ...(SPECS[6] as (typeof SPECS)[number]), id: 'found_now', schema: 'found_by_sweep' },
        now,
      );
      api.account.connections = [...api.account.connections, found];
      api.account.sweeps = [sweepRecord('sweep-now-1', now, 'succeeded')];

      // Assess: without waiting for the 30 s refresh.
      await expect
        .poll(() => page.locator('#rows tr[data-id="found_now"]').count(), { timeout: 5000 })
        .toBe(1);
      expect(await visibleText(page, '#sweep-result')).toMatch(
        /sweep succeeded · 11 connections · 27 requests/,
      );
      expect(await page.locator('#sweep-now').isEnabled()).toBe(true);
    });

    it('follows the running sweep when one is already running (409)', async () => {
      // Prepare
      const now = Date.now();
      api.account.sweeps = [sweepRecord('already-1', now, 'running')];
      api.account.onSweep = () => ({
        status: 409,
        body: { message: 'sweep already-1 is running', id: 'already-1' },
      });
      await open();
      await page.locator('#rows tr').first().waitFor();

      // Act
      await page.click('#sweep-now');
      await expect.poll(() => visibleText(page, '#sweep-result')).toMatch(/running/);
      api.account.sweeps = [sweepRecord('already-1', now, 'partial')];

      // Assess
      await expect.poll(() => visibleText(page, '#sweep-result'), { timeout: 5000 }).toMatch(/sweep partial/);
    });
  });
});
