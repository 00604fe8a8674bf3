// The detail's destination tables (GET /api/tables?connection_id=…) and schema changes (one record per sweep
// that saw a change, GET /api/connections/{id}/schema-changes). Null (route absent) hides a section.

// biome-ignore lint/correctness/noUnusedVariables: read by the page's other scripts (classic scripts share one scope)
const SchemaSections = (() => {
  const { el, time, text } = Fmt;
  const { section } = Sections;

  function tablesSection(tables) {
    if (tables === null) return null;
    if (tables instanceof Error)
      return section(
        'Destination tables',
        'tables',
        el('p', { className: 'muted' }, `could not load: ${tables.message}`),
      );
    const items = Array.isArray(tables.items) ? tables.items.slice(0, 1000) : [];
    if (items.length === 0)
      return section('Destination tables', 'tables', el('p', { className: 'muted' }, 'none known yet'));
    const name = (side) => text([side?.schema, side?.table].filter(Boolean).join('.'), 300);
    // `columns` lists what the configuration names (or null); `columns_total` counts them all.
    const columnCount = (t) =>
      typeof t.columns_total === 'number' && t.columns_total > 0
        ? String(t.columns_total)
        : Array.isArray(t.columns)
          ? String(t.columns.length)
          : '—';
    const rows = items.map((t) =>
      el(
        'tr',
        {},
        el('td', {}, el('code', {}, name(t.source))),
        el('td', {}, el('code', {}, name(t.destination))),
        el('td', {}, t.enabled === false ? 'no' : 'yes'),
        el('td', {}, text(t.sync_mode ?? '—', 60)),
        el('td', {}, columnCount(t)),
        el('td', {}, time(t.last_success_at, 'never')),
      ),
    );
    const headRow = el(
      'tr',
      {},
      ['Source', 'Destination', 'Enabled', 'Sync mode', 'Columns', 'Last success'].map((h) =>
        el('th', { scope: 'col' }, h),
      ),
    );
    return section(
      'Destination tables',
      'tables',
      el(
        'div',
        {
          className: 'table-scroll',
          tabIndex: 0,
          attrs: { role: 'region', 'aria-label': 'Destination tables (scrolls sideways when narrow)' },
        },
        el('table', { className: 'small' }, el('thead', {}, headRow), el('tbody', {}, rows)),
      ),
      tables.next_cursor ? el('p', { className: 'muted' }, `first ${items.length} shown`) : null,
    );
  }

  function changesSection(changes) {
    if (changes === null) return null;
    if (changes instanceof Error)
      return section(
        'Schema changes',
        'changes',
        el('p', { className: 'muted' }, `could not load: ${changes.message}`),
      );
    // One record per sweep that saw a change, newest first; each lists its changes.
    const records = Array.isArray(changes.items) ? changes.items.slice(0, 200) : [];
    const items = records
      .flatMap((record) =>
        (Array.isArray(record?.changes) ? record.changes : []).map((change) => ({
          ...change,
          at: record.seen_at,
        })),
      )
      .slice(0, 500);
    const omitted = records.reduce((n, record) => n + (Number(record?.changes_omitted) || 0), 0);
    if (items.length === 0)
      return section('Schema changes', 'changes', el('p', { className: 'muted' }, 'none seen'));
    const flag = (value) => (value === true ? 'on' : value === false ? 'off' : text(value ?? '—', 60));
    return section(
      'Schema changes',
      'changes',
      el(
        'ul',
        { className: 'plain' },
        items.map((ch) =>
          el(
            'li',
            {},
            time(ch.at),
            ' ',
            el('strong', {}, text(String(ch.kind ?? 'changed').replaceAll('_', ' '), 60)),
            ' ',
            el('code', {}, text([ch.schema, ch.table, ch.column].filter(Boolean).join('.'), 300)),
            ch.before !== undefined || ch.after !== undefined
              ? el(
                  'span',
                  { className: 'muted' },
                  ch.before === undefined
                    ? ` (${flag(ch.after)})`
                    : ` (${flag(ch.before)} → ${flag(ch.after)})`,
                )
              : null,
          ),
        ),
      ),
      omitted > 0 ? el('p', { className: 'muted' }, `and ${omitted} more changes, not listed`) : null,
    );
  }

  return { tables: tablesSection, changes: changesSection };
})();
