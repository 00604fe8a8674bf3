// The detail page's sections beyond its head and facts: setup tests, tasks, the sync timeline and stats,
// schema selection, recent events, configuration (destination tables and schema changes: schema-sections.js).

// biome-ignore lint/correctness/noUnusedVariables: read by the page's other scripts (classic scripts share one scope)
const Sections = (() => {
  const { el, time, text } = Fmt;
  const TEST_SYMBOLS = { PASSED: '✓', WARNING: '⚠', FAILED: '✕', JOB_FAILED: '✕', SKIPPED: '–' };

  function section(title, key, ...content) {
    return el(
      'section',
      { className: `card sec-${key}`, dataset: { section: key } },
      el('h3', {}, title),
      ...content,
    );
  }

  function facts(pairs) {
    return el(
      'dl',
      { className: 'facts' },
      pairs
        .filter(([, value]) => value !== undefined)
        .flatMap(([label, value]) => [
          el('dt', {}, label),
          el('dd', {}, value === null || value === '' ? el('span', { className: 'muted' }, '—') : value),
        ]),
    );
  }

  function setupTestsSection(c) {
    if (!Array.isArray(c.setup_tests)) return null;
    const items = c.setup_tests.slice(0, 100).map((t) => {
      const status = String(t?.status ?? 'UNKNOWN');
      return el(
        'li',
        { className: `test ${status.toLowerCase()}` },
        el(
          'span',
          { className: 'test-status' },
          el('span', { attrs: { 'aria-hidden': 'true' } }, `${TEST_SYMBOLS[status] ?? '?'} `),
          status,
        ),
        ' ',
        el('strong', {}, text(t?.title, 300)),
        t?.message ? el('span', { className: 'muted' }, ` — ${text(t.message, 1000)}`) : null,
      );
    });
    return section(
      'Setup tests',
      'tests',
      items.length
        ? el('ul', { className: 'plain' }, items)
        : el('p', { className: 'muted' }, 'none reported'),
    );
  }

  function tasksSection(c) {
    const list = (items, word) =>
      Array.isArray(items) && items.length
        ? el(
            'ul',
            { className: 'plain' },
            items
              .slice(0, 50)
              .map((t) =>
                el(
                  'li',
                  {},
                  el('code', {}, text(t?.code, 200)),
                  t?.message ? ` — ${text(t.message, 1000)}` : '',
                ),
              ),
          )
        : el('p', { className: 'muted' }, `no ${word}`);
    return section(
      'Tasks and warnings',
      'tasks',
      el('h4', {}, 'Tasks'),
      list(c.status?.tasks, 'open tasks'),
      el('h4', {}, 'Warnings'),
      list(c.status?.warnings, 'warnings'),
    );
  }

  function statsSection(c, syncs) {
    const stats = c.sync_stats;
    const box = el(
      'div',
      { className: 'chart-box' },
      Fmt.svg('svg', { class: 'chart', viewBox: '0 0 900 200', role: 'group' }),
      el('div', { className: 'tip', hidden: true, attrs: { role: 'tooltip' } }),
    );
    const caption = el('p', { className: 'caption' });
    const legend = el(
      'p',
      { className: 'legend' },
      el('span', { className: 'key ok' }, '■ succeeded'),
      el('span', { className: 'key failed' }, '■ ✕ failed'),
      el('span', { className: 'key other' }, '■ ↻ rescheduled / other'),
      el('span', { className: 'key running' }, '□ … running'),
      ' — bar height is the run’s duration; hover or focus a bar for its reason',
    );
    const statsList =
      stats && typeof stats === 'object'
        ? facts([
            ['Runs (7 days)', String(stats.runs ?? '—')],
            ['Succeeded', String(stats.succeeded ?? '—')],
            ['Failed', String(stats.failed ?? '—')],
            [
              'Success rate',
              typeof stats.success_rate === 'number'
                ? `${Math.round(stats.success_rate * 1000) / 10} %`
                : null,
            ],
            ['Duration, median', Fmt.seconds(stats.duration_p50_s)],
            ['Duration, p95', Fmt.seconds(stats.duration_p95_s)],
          ])
        : null;
    // Drawn once in the page, at its real width (Timeline.attach), so its text keeps its size on a phone.
    box.syncs = syncs;
    box.caption = caption;
    return section('Sync timeline', 'timeline', statsList, box, caption, legend, Timeline.table(syncs));
  }

  function schemaSection(c) {
    const sel = c.schema_selection;
    if (sel === undefined) return null;
    if (!sel)
      return section(
        'Schema selection',
        'schema',
        el('p', { className: 'muted' }, 'not fetched yet (the next sweep reads it)'),
      );
    if (sel.state === 'none' || !sel.summary) {
      return section(
        'Schema selection',
        'schema',
        el('p', { className: 'muted' }, 'Fivetran has no schema configuration yet (before the first sync)'),
        el('p', { className: 'muted' }, 'read ', time(sel.fetched_at)),
      );
    }
    const s = sel.summary;
    const of = (a, b) => (typeof a === 'number' ? `${a}${typeof b === 'number' ? ` of ${b}` : ''}` : '—');
    const schemas = Array.isArray(s.schemas) ? s.schemas.slice(0, 200) : [];
    return section(
      'Schema selection',
      'schema',
      el(
        'p',
        {},
        `${of(s.schemas_enabled, s.schemas_total)} schemas, ${of(s.tables_enabled, s.tables_total)} tables enabled${typeof s.columns_enabled === 'number' ? `, ${s.columns_enabled} columns configured` : ''}`,
        s.schema_change_handling ? ` · new schema changes: ${s.schema_change_handling}` : '',
        ' · read ',
        time(sel.fetched_at),
      ),
      schemas.map((schema) =>
        el(
          'details',
          {},
          el(
            'summary',
            {},
            el('code', {}, text(schema.name, 200)),
            schema.name_in_destination && schema.name_in_destination !== schema.name
              ? ` → ${text(schema.name_in_destination, 200)}`
              : '',
            ` (${of(schema.tables_enabled, schema.tables_total)} tables)`,
          ),
          el(
            'ul',
            { className: 'plain tables' },
            (Array.isArray(schema.tables) ? schema.tables.slice(0, 500) : []).map((t) =>
              el(
                'li',
                {},
                el('code', {}, text(t.name, 200)),
                t.sync_mode ? el('span', { className: 'muted' }, ` ${t.sync_mode}`) : '',
              ),
            ),
          ),
        ),
      ),
      s.truncated
        ? el('p', { className: 'muted' }, 'The summary was clipped: the connection has more than it lists.')
        : null,
    );
  }

  function eventsSection(events) {
    if (events instanceof Error)
      return section(
        'Recent events',
        'events',
        el('p', { className: 'muted' }, `could not load: ${events.message}`),
      );
    const items = Array.isArray(events?.items) ? events.items.slice(0, 20) : [];
    return section(
      'Recent events',
      'events',
      items.length === 0
        ? el('p', { className: 'muted' }, 'no webhook events stored for this connection')
        : el(
            'ul',
            { className: 'plain events', id: 'events' },
            items.map((e) => {
              const data = e.payload && typeof e.payload === 'object' ? (e.payload.data ?? {}) : {};
              return el(
                'li',
                {},
                time(e.created ?? e.received_at),
                ' ',
                el('strong', {}, text(e.event, 100)),
                data.status ? ` ${text(data.status, 60)}` : '',
                data.reason ? el('span', { className: 'muted' }, ` — ${text(data.reason, 500)}`) : null,
                e.sync_id ? el('span', { className: 'muted' }, ` · sync ${text(e.sync_id, 100)}`) : null,
              );
            }),
          ),
    );
  }

  function configSection(c) {
    if (!c.config || typeof c.config !== 'object' || Object.keys(c.config).length === 0) return null;
    return section(
      'Configuration (non-sensitive fields)',
      'config',
      facts(
        Object.entries(c.config)
          .slice(0, 100)
          .map(([k, v]) => [k, text(v, 300)]),
      ),
    );
  }

  /** Draws a loaded connection: `data` = { connection, events, syncs, tables, changes }. */
  return {
    section,
    facts,
    setupTests: setupTestsSection,
    tasks: tasksSection,
    stats: statsSection,
    schema: schemaSection,
    events: eventsSection,
    config: configSection,
  };
})();
