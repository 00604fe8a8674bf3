// The Tables tab: "which connection feeds `stripe.charge`, and is it fresh?" — one GET /api/tables, whose
// rows carry their connection's health and last success.

// biome-ignore lint/correctness/noUnusedVariables: read by the page's other scripts (classic scripts share one scope)
const Tables = (() => {
  const { el, time, text } = Fmt;
  const $ = (id) => document.getElementById(id);
  const MAX_ROWS = 500;

  /**
   * What a typed name asks for: `table`, `schema.table`, or a warehouse's `database.schema.table` (the
   * last two parts). Quotes and brackets around parts are dropped.
   */
  function parse(typed) {
    const parts = String(typed ?? '')
      .trim()
      .split('.')
      .map((part) => part.trim().replace(/^["'`[]|["'`\]]$/g, ''))
      .filter(Boolean);
    if (parts.length === 0) return null;
    if (parts.length === 1) return { table: parts[0] };
    return { schema: parts[parts.length - 2], table: parts[parts.length - 1] };
  }

  function path(asked) {
    const p = new URLSearchParams();
    if (asked.schema) p.set('schema', asked.schema);
    p.set('table', asked.table);
    p.set('limit', String(MAX_ROWS));
    return `/api/tables?${p}`;
  }

  /** Rows for a name, or null when nothing was asked; an Error when the server refused. */
  async function search(typed) {
    const asked = parse(typed);
    if (asked === null) return null;
    try {
      return { asked, page: await Api.call(path(asked)) };
    } catch (failure) {
      if (failure.kind === 'unauthorized' || failure.kind === 'unreachable') throw failure;
      return { asked, error: failure };
    }
  }

  const name = (side) => text([side?.schema, side?.table].filter(Boolean).join('.'), 300);

  function row(t, state, handlers) {
    const connection = state.connections.find((c) => c.id === t.connection_id);
    const label = connection?.schema || t.connection_id;
    const open = el(
      'a',
      {
        href: View.href({ ...state.view, connection: t.connection_id }),
        dataset: { focusKey: `table-row:${t.connection_id}:${name(t.source)}` },
      },
      text(label, 200),
    );
    open.addEventListener('click', (event) => {
      if (event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey) return;
      event.preventDefault();
      handlers.onOpen(t.connection_id);
    });
    const health = t.health ?? connection?.health ?? null;
    return el(
      'tr',
      { dataset: { connection: t.connection_id } },
      el('td', {}, el('code', {}, name(t.destination))),
      el('td', {}, open, el('span', { className: 'muted' }, ` ${text(t.service ?? '', 60)}`)),
      el('td', {}, health ? Health.badge(health) : el('span', { className: 'muted' }, '—')),
      el('td', { className: 'when' }, time(t.last_success_at, 'never')),
      el('td', {}, t.enabled ? 'yes' : 'no'),
      el('td', {}, el('code', {}, name(t.source))),
    );
  }

  function results(found, state, handlers) {
    if (found === null)
      return el('p', { className: 'muted' }, 'Type a table name, e.g. stripe.charge or charge.');
    if (found.error) return el('p', { className: 'error' }, `Could not search: ${found.error.message}`);
    const items = Array.isArray(found.page?.items) ? found.page.items.slice(0, MAX_ROWS) : [];
    const asked = [found.asked.schema, found.asked.table].filter(Boolean).join('.');
    if (items.length === 0)
      return el('p', { id: 'tables-none' }, `No connection writes a table named “${text(asked, 300)}”.`);
    const head = el(
      'tr',
      {},
      ['Destination table', 'Connection', 'Health', 'Last success', 'Replicated', 'Source table'].map((h) =>
        el('th', { scope: 'col' }, h),
      ),
    );
    return el(
      'div',
      {},
      el(
        'p',
        { id: 'tables-count', attrs: { role: 'status' } },
        `${items.length}${found.page.next_cursor ? '+' : ''} table${items.length === 1 ? '' : 's'} named “${text(asked, 300)}”`,
      ),
      el(
        'div',
        {
          className: 'table-scroll',
          tabIndex: 0,
          attrs: { role: 'region', 'aria-label': 'Tables found (scrolls sideways when narrow)' },
        },
        el(
          'table',
          { id: 'tables-table' },
          el('caption', { className: 'vh' }, `Tables named ${asked}`),
          el('thead', {}, head),
          el(
            'tbody',
            { id: 'tables-rows' },
            items.map((t) => row(t, state, handlers)),
          ),
        ),
      ),
    );
  }

  /** Draws the tab from `state.tables` (the last search) and keeps the box in step with the URL. */
  function render(state, handlers) {
    const box = $('table-search');
    if (document.activeElement !== box && box.value !== state.view.tq) box.value = state.view.tq;
    $('tables-results').replaceChildren(results(state.tables ?? null, state, handlers));
  }

  return { parse, search, render };
})();
