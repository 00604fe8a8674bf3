import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';

export interface DashboardPage {
  readonly html: string;
  /** Allows exactly the page's own inline script (by hash) and same-origin API calls. */
  readonly contentSecurityPolicy: string;
}

function policyFor(html: string): string {
  const scripts = [...html.matchAll(/<script>([\s\S]*?)<\/script>/g)].map(
    ([, body]) =>
      `'sha256-${createHash('sha256')
        .update(body ?? '')
        .digest('base64')}'`,
  );
  return [
    "default-src 'none'",
    `script-src ${scripts.join(' ')}`,
    "style-src 'unsafe-inline'",
    "connect-src 'self'",
    "img-src 'self' data:",
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
  ].join('; ');
}

/**
 * The dashboard is one self-contained page (no build step) that reads the same `/api/*` routes as any
 * client. Served by the local server and by `fivetran-metadata serve`; never public in AWS. Read once.
 */
let page: DashboardPage | undefined;
export function dashboardPage(): DashboardPage {
  if (page) return page;
  const html = readFileSync(new URL('./index.html', import.meta.url), 'utf8');
  page = { html, contentSecurityPolicy: policyFor(html) };
  return page;
}
