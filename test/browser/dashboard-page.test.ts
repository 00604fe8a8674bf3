import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { assembleDashboard, dashboardPage } from '../../functions/dashboard/dashboard-page.ts';

describe('The dashboard page, assembled from its parts', () => {
  it('inlines every stylesheet and script, and the CSP pins each of them by hash', () => {
    // Act
    const page = dashboardPage();

    // Assess
    expect(page.html).not.toMatch(/<script src=|<link rel="stylesheet"/);
    const scripts = [...page.html.matchAll(/<script>([\s\S]*?)<\/script>/g)].map(([, body]) => body ?? '');
    const styles = [...page.html.matchAll(/<style>([\s\S]*?)<\/style>/g)].map(([, body]) => body ?? '');
    expect(scripts.length).toBeGreaterThan(5);
    expect(styles.length).toBeGreaterThan(1);
    const hash = (body: string) => `'sha256-${createHash('sha256').update(body).digest('base64')}'`;
    for (const body of scripts) expect(page.contentSecurityPolicy).toContain(hash(body));
    for (const body of styles) expect(page.contentSecurityPolicy).toContain(hash(body));
    expect(page.contentSecurityPolicy).not.toMatch(/unsafe-inline|unsafe-eval/);
    expect(page.contentSecurityPolicy).toMatch(/default-src 'none'/);
    // No inline handlers (the CSP would refuse them anyway) and nothing from elsewhere.
    expect(page.html).not.toMatch(/\son[a-z]+=/i);
    expect(page.html).not.toMatch(/(src|href)="(https?:)?\/\//);
  });

  it('refuses a part that would close its own tag early', () => {
    // Prepare
    const parts: Record<string, string> = {
      'index.html': '<head><script src="js/bad.js"></script></head>',
      'js/bad.js': 'const s = "</script><img src=x>";',
    };

    // Act / Assess
    expect(() => assembleDashboard((path) => parts[path] ?? '')).toThrow(/contains <\/script/);
  });

  it('leaves anything that is not a local part alone', () => {
    // Prepare: a remote script and a path climbing out are not parts.
    const html =
      '<script src="https://cdn.example.com/x.js"></script><script src="js/../../secret.js"></script>';

    // Act
    const out = assembleDashboard((path) => (path === 'index.html' ? html : 'SHOULD NOT BE READ'));

    // Assess
    expect(out).toBe(html);
  });
});
