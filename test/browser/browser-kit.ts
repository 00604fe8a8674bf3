import { mkdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BrowserContext, Locator, Page } from 'playwright-core';
import { vi } from 'vitest';

/**
 * A browser on two shared cores can take seconds to draw: polls wait up to 10 s (vitest's default is 1 s),
 * still returning the moment the condition holds.
 */
export function patientPolls(): void {
  vi.setConfig({ expect: { poll: { timeout: 10_000, interval: 50 } } });
}

/** Every case runs at a desktop width and a phone width. */
export const WIDTHS = [1280, 390] as const;

/** One directory of screenshots for the whole run (every test file writes its own names), kept to look at. */
export const SCREENSHOT_DIR = join(tmpdir(), 'fivetran-metadata-dashboard-shots');
let announced = false;
export function screenshotDir(): string {
  if (!announced) {
    mkdirSync(SCREENSHOT_DIR, { recursive: true });
    console.info(`dashboard screenshots: ${SCREENSHOT_DIR}`);
    announced = true;
  }
  return SCREENSHOT_DIR;
}

export async function screenshot(page: Page, name: string): Promise<string> {
  const width = page.viewportSize()?.width ?? 0;
  const path = join(screenshotDir(), `${name}-${width}.png`);
  await page.screenshot({ path, fullPage: true });
  return path;
}

export interface WatchedPage {
  readonly page: Page;
  /**
   * Script errors, console errors (CSP refusals among them) and requests that left the page's origin.
   * "Failed to load resource" lines are left out: the tests assert on those answers themselves (a 404
   * from a route this server lacks, a 401 before the token).
   */
  readonly problems: string[];
}

export async function openPage(context: BrowserContext, width: number, url: string): Promise<WatchedPage> {
  const page = await context.newPage();
  await page.setViewportSize({ width, height: 900 });
  const problems: string[] = [];
  const origin = new URL(url).origin;
  page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
  page.on('console', (message) => {
    if (message.type() === 'error' && !message.text().startsWith('Failed to load resource')) {
      problems.push(`console: ${message.text()}`);
    }
  });
  page.on('request', (request) => {
    if (!request.url().startsWith(origin) && !request.url().startsWith('data:')) {
      problems.push(`external request: ${request.url()}`);
    }
  });
  await page.goto(url);
  return { page, problems };
}

// The page's own globals are read through expressions: the project's TypeScript has no DOM library.

/** Widest content minus the viewport: 0 means no sideways scroll. */
export function sidewaysOverflow(page: Page): Promise<number> {
  return page.evaluate<number>('document.documentElement.scrollWidth - window.innerWidth');
}

export function scrollTop(page: Page): Promise<number> {
  return page.evaluate<number>('window.scrollY');
}

/** The focused element's id and text. */
export function focused(page: Page): Promise<{ id: string; text: string }> {
  return page.evaluate<{ id: string; text: string }>(
    '({ id: document.activeElement?.id ?? "", text: document.activeElement?.textContent ?? "" })',
  );
}

/** Forgets a stored token (the page keeps it in localStorage). */
export function clearStorage(page: Page): Promise<void> {
  return page.evaluate<void>('localStorage.clear()');
}

const require = createRequire(import.meta.url);
const AXE_SOURCE = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

/**
 * axe-core's WCAG 2.x A/AA rules on the page as it is now, as "rule: selector" lines. Evaluated through
 * the DevTools protocol, so the page's CSP (rightly) has no say and stays unchanged.
 */
export async function accessibilityViolations(page: Page): Promise<string[]> {
  if (!(await page.evaluate<boolean>("'axe' in window"))) await page.evaluate(AXE_SOURCE);
  const violations = await page.evaluate<{ id: string; targets: string[] }[]>(`
    axe
      .run(document, {
        runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'] },
        resultTypes: ['violations'],
      })
      .then((result) => result.violations.map((v) => ({ id: v.id, targets: v.nodes.map((n) => n.target.join(' ')) })))
  `);
  return violations.map((v) => `${v.id}: ${v.targets.slice(0, 3).join(', ')}`);
}

/** The health words shown in the list's rows, top to bottom. */
export function rowHealths(page: Page): Promise<(string | null)[]> {
  return page.$$eval('#rows tr', (rows) => rows.map((row) => row.getAttribute('data-health')));
}

export function rowIds(page: Page): Promise<(string | null)[]> {
  return page.$$eval('#rows tr', (rows) => rows.map((row) => row.getAttribute('data-id')));
}

export function query(page: Page): URLSearchParams {
  return new URL(page.url()).searchParams;
}

/** The text a reader sees in the first match of `selector` (hidden parts left out, as a reader would). */
export function visibleText(scope: Page | Locator, selector: string): Promise<string> {
  // biome-ignore lint/performance/useDomNodeTextContent: Playwright's innerText, meant here: only what is shown.
  return scope.locator(selector).first().innerText();
}
