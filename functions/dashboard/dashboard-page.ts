import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';

export interface DashboardPage {
  readonly html: string;
  /** Allows exactly the page's own inline scripts and styles (by hash) and same-origin API calls. */
  readonly contentSecurityPolicy: string;
}

/** `<link rel="stylesheet" href="css/x.css">` and `<script src="js/x.js"></script>`: local parts of the page. */
const PART = /<link rel="stylesheet" href="(css\/[\w-]+\.css)">|<script src="(js\/[\w-]+\.js)"><\/script>/g;

function hashes(html: string, tag: 'script' | 'style'): string {
  return [...html.matchAll(new RegExp(`<${tag}>([\\s\\S]*?)</${tag}>`, 'g'))]
    .map(
      ([, body]) =>
        `'sha256-${createHash('sha256')
          .update(body ?? '')
          .digest('base64')}'`,
    )
    .join(' ');
}

function policyFor(html: string): string {
  return [
    "default-src 'none'",
    `script-src ${hashes(html, 'script')}`,
    `style-src ${hashes(html, 'style')}`,
    "connect-src 'self'",
    "img-src 'self' data:",
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
  ].join('; ');
}

/**
 * The page as one document: `index.html` names its stylesheet and scripts by path (so the parts stay small
 * and readable in the repository) and they are inlined here, so `GET /` stays the only route and the CSP
 * can pin every script and style by hash. No build step: plain files, joined as text.
 */
export function assembleDashboard(read: (path: string) => string): string {
  return read('index.html').replace(PART, (_tag, css: string | undefined, js: string | undefined) => {
    const body = read((css ?? js) as string);
    const tag = css ? 'style' : 'script';
    // A closing tag inside a part would end it early and leave the rest as markup.
    if (body.includes(`</${tag}`)) throw new Error(`dashboard part ${css ?? js} contains </${tag}`);
    return `<${tag}>\n${body}</${tag}>`;
  });
}

/**
 * The dashboard reads the same `/api/*` routes as any client. Served by the local server and by
 * `fivetran-metadata serve`; never public in AWS. Read once.
 */
let page: DashboardPage | undefined;
export function dashboardPage(): DashboardPage {
  if (page) return page;
  const html = assembleDashboard((path) => readFileSync(new URL(`./${path}`, import.meta.url), 'utf8'));
  page = { html, contentSecurityPolicy: policyFor(html) };
  return page;
}
