// The connection list: counts by health, filters, sortable columns, pages; a table on wide screens and
// cards on narrow ones (the same rows, laid out by CSS).

// biome-ignore lint/correctness/noUnusedVariables: read by the page's other scripts (classic scripts share one scope)
const List = (() => {
  const PAGE_SIZE = 100;
  const { el, instant, time, minutes } = Fmt;
  const $ = (id) => document.getElementById(id);
  /** [sort key, header, cell class]; the last three are secondary and hidden on phone cards. */
  const COLUMNS = [
    ['connection', 'Connection', 'conn'],
    ['health', 'Health', 'health'],
    ['reason', 'Reason', 'reason'],
    ['last_success', 'Last success', 'fresh'],
    ['freshness', 'Freshness', 'freshness'],
    ['last_sync', 'Last sync', 'lastsync secondary'],
    ['service', 'Service', 'service secondary'],
    ['destination', 'Destination', 'dest secondary'],
  ];
  const LABELS = Object.fromEntries(COLUMNS.map(([key, label]) => [key, label]));

  function destinationName(groupId, groups) {
    const group = groups.get(groupId);
    if (!group) return groupId || '—';
    const service = group.destination?.service;
    return `${group.name || group.id}${service ? ` (${service})` : ''}`;
  }

  function toRow(connection, groups) {
    const last = connection.last_sync ?? connection.last_completed_sync ?? null;
    const reason = Health.reason(connection);
    return {
      id: String(connection.id),
      schema: connection.schema || String(connection.id),
      service: connection.service || '',
      group_id: connection.group_id || '',
      destination: destinationName(connection.group_id, groups),
      health: Health.of(connection),
      reason,
      reasonText: reason ? `${Health.reasonLabel(reason.code)} ${reason.message}` : '',
      fresh: Health.freshness(connection),
      verdict: Health.verdict(connection),
      last,
      lastAt: last ? (last.ended_at ?? last.started_at ?? null) : null,
      deleted: Boolean(connection.deleted_at),
    };
  }

  function compare(a, b, key) {
    const text = (x, y) => (x || '\uffff').localeCompare(y || '\uffff');
    const when = (x, y) =>
      (instant(x) ?? Number.NEGATIVE_INFINITY) - (instant(y) ?? Number.NEGATIVE_INFINITY);
    switch (key) {
      case 'health':
        return Health.rank(a.health) - Health.rank(b.health);
      case 'reason':
        return text(a.reasonText, b.reasonText);
      case 'last_success':
        return when(a.fresh.lastSuccess, b.fresh.lastSuccess);
      case 'freshness':
        // Ascending is the stalest first (as Last success: oldest first): the latest, then on time, then
        // connections that promise nothing.
        return (b.verdict.late ?? -1) - (a.verdict.late ?? -1);
      case 'last_sync':
        return when(a.lastAt, b.lastAt);
      case 'service':
        return text(a.service, b.service);
      case 'destination':
        return text(a.destination, b.destination);
      default:
        return a.schema.localeCompare(b.schema);
    }
  }

  /** The rows the view asks for, sorted (ties by name, so the order is stable between refreshes). */
  function visibleRows(state) {
    const { view } = state;
    const q = view.q.trim().toLowerCase();
    const rows = state.connections
      .map((c) => toRow(c, state.groups))
      .filter(
        (r) =>
          (!view.health || r.health === view.health) &&
          (!view.group_id || r.group_id === view.group_id) &&
          (!view.service || r.service === view.service) &&
          (!q ||
            `${r.schema} ${r.service} ${r.id} ${r.destination} ${r.reasonText}`.toLowerCase().includes(q)),
      );
    const { key, dir } = view.sort;
    rows.sort((a, b) => dir * compare(a, b, key) || a.schema.localeCompare(b.schema));
    return rows;
  }

  function renderHead(state, onSort) {
    $('head').replaceChildren(
      ...COLUMNS.map(([key, label, className]) => {
        const sorted = state.view.sort.key === key;
        const dir = sorted ? state.view.sort.dir : 0;
        const button = el(
          'button',
          { type: 'button', className: 'sort', dataset: { sort: key, focusKey: `sort:${key}` } },
          label,
          el(
            'span',
            { className: 'arrow', attrs: { 'aria-hidden': 'true' } },
            dir > 0 ? '▲' : dir < 0 ? '▼' : '↕',
          ),
        );
        button.addEventListener('click', () => onSort({ key, dir: sorted ? -dir : 1 }));
        return el(
          'th',
          {
            scope: 'col',
            className,
            attrs: { 'aria-sort': dir > 0 ? 'ascending' : dir < 0 ? 'descending' : 'none' },
          },
          button,
        );
      }),
    );
  }

  function reasonCell(r) {
    if (!r.reason) return el('td', { className: 'reason none' }, el('span', { className: 'muted' }, '—'));
    const label = Health.reasonLabel(r.reason.code);
    const message = r.reason.message && r.reason.message !== label ? r.reason.message : '';
    return el(
      'td',
      { className: 'reason', title: message ? `${label}: ${Fmt.text(message, 1000)}` : label },
      el('strong', {}, label),
      message ? `: ${Fmt.text(message, 300)}` : '',
      r.reason.since ? el('span', { className: 'since' }, ' · since ', time(r.reason.since)) : null,
    );
  }

  function freshnessCell(r) {
    const { lastSuccess, every } = r.fresh;
    const note = every ? el('span', { className: 'note muted' }, `due every ${minutes(every)}`) : null;
    return el(
      'td',
      { className: 'fresh', dataset: { label: 'Last success' } },
      time(lastSuccess, 'never'),
      note ? el('br') : null,
      note,
    );
  }

  function rowElement(r, state, onOpen) {
    const link = el(
      'a',
      {
        className: 'conn-link',
        href: View.href({ ...state.view, connection: r.id }),
        dataset: { focusKey: `row:${r.id}` },
      },
      r.schema,
    );
    link.addEventListener('click', (event) => {
      if (event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
      event.preventDefault();
      onOpen(r.id);
    });
    return el(
      'tr',
      { dataset: { id: r.id, health: r.health } },
      el(
        'td',
        { className: 'conn' },
        link,
        r.deleted ? el('span', { className: 'tag' }, 'deleted') : null,
        el('span', { className: 'sub' }, [r.service, r.destination].filter(Boolean).join(' · ')),
      ),
      el('td', { className: 'health' }, Health.badge(r.health)),
      reasonCell(r),
      freshnessCell(r),
      el(
        'td',
        { className: 'freshness', dataset: { label: 'Freshness', state: r.verdict.state } },
        Health.verdictNode(r.verdict),
      ),
      el(
        'td',
        { className: 'lastsync secondary' },
        r.last ? `${r.last.status} ` : el('span', { className: 'muted' }, 'none'),
        r.last ? time(r.lastAt) : null,
      ),
      el('td', { className: 'service secondary' }, r.service || '—'),
      el('td', { className: 'dest secondary' }, r.destination),
    );
  }

  function renderCounts(state, onHealth) {
    const counts = Object.fromEntries(Health.VALUES.map((h) => [h, 0]));
    for (const c of state.connections) {
      const h = Health.of(c);
      counts[h] = (counts[h] ?? 0) + 1;
    }
    const entries = [['', 'all', state.connections.length], ...Health.VALUES.map((h) => [h, h, counts[h]])];
    $('counts').replaceChildren(
      ...entries.map(([value, label, n]) => {
        const button = el(
          'button',
          {
            type: 'button',
            className: `count ${value || 'all'}`,
            dataset: { health: value, focusKey: `count:${value}` },
          },
          el('span', { className: 'n' }, String(n)),
          el(
            'span',
            { className: 'label' },
            value ? el('span', { attrs: { 'aria-hidden': 'true' } }, `${Health.SYMBOLS[value]} `) : null,
            label,
          ),
        );
        button.setAttribute('aria-pressed', String(state.view.health === value));
        button.addEventListener('click', () => onHealth(value));
        return button;
      }),
    );
  }

  function fillSelect(select, values, current) {
    select.replaceChildren(
      new Option('all', ''),
      ...values.map(([value, label]) => new Option(label, value)),
    );
    select.value = values.some(([v]) => v === current) ? current : '';
  }

  /** The controls show the view (after a back/forward too). */
  function syncControls(state) {
    const { view } = state;
    // Not while someone types there: their keystrokes reach the view a moment later.
    if ($('search').value !== view.q && document.activeElement !== $('search')) $('search').value = view.q;
    $('health').value = view.health;
    const groupIds = [...new Set(state.connections.map((c) => c.group_id).filter(Boolean))].sort();
    fillSelect(
      $('group'),
      groupIds.map((g) => [g, destinationName(g, state.groups)]),
      view.group_id,
    );
    const services = [...new Set(state.connections.map((c) => c.service).filter(Boolean))].sort();
    fillSelect(
      $('service'),
      services.map((s) => [s, s]),
      view.service,
    );
    $('sort-select').value = `${view.sort.dir < 0 ? '-' : ''}${view.sort.key}`;
  }

  function fillSortSelect() {
    $('sort-select').replaceChildren(
      ...COLUMNS.flatMap(([key, label]) => [
        new Option(`${label} ▲`, key),
        new Option(`${label} ▼`, `-${key}`),
      ]),
    );
  }

  function describeFilters(view) {
    const parts = [];
    if (view.health) parts.push(`health ${view.health}`);
    if (view.group_id) parts.push('one destination');
    if (view.service) parts.push(`service ${view.service}`);
    if (view.q) parts.push(`“${view.q}”`);
    return parts.join(', ');
  }

  /** Draws the list for the view (`handlers`: onSort, onHealth, onOpen); returns the page shown and the count. */
  function render(state, handlers) {
    const emptyAccount = state.loaded && state.connections.length === 0;
    $('empty-account').hidden = !emptyAccount;
    $('connections').hidden = emptyAccount;
    $('counts').hidden = emptyAccount;
    $('filters-box').hidden = emptyAccount;
    if (emptyAccount) return { page: 1, pages: 1 };
    renderCounts(state, handlers.onHealth);
    renderHead(state, handlers.onSort);
    syncControls(state);
    const rows = visibleRows(state);
    const pages = Math.max(1, Math.ceil(rows.length / PAGE_SIZE));
    const page = Math.min(state.view.page, pages);
    const slice = rows.slice((page - 1) * PAGE_SIZE, page * PAGE_SIZE);
    $('rows').replaceChildren(...slice.map((r) => rowElement(r, state, handlers.onOpen)));
    const none = rows.length === 0;
    $('no-match').hidden = !none;
    $('no-match-text').textContent = none ? `No connections match ${describeFilters(state.view)}.` : '';
    $('table-wrap').hidden = none;
    $('pager').hidden = none;
    const more = state.loadingMore ? ' (loading more…)' : '';
    $('page-info').textContent = none
      ? ''
      : `showing ${(page - 1) * PAGE_SIZE + 1}–${(page - 1) * PAGE_SIZE + slice.length}${more} of ${rows.length}`;
    $('prev').disabled = page <= 1;
    $('next').disabled = page >= pages;
    $('table-caption').textContent =
      `Connections, sorted by ${LABELS[state.view.sort.key]} ${state.view.sort.dir > 0 ? 'ascending' : 'descending'}`;
    return { page, pages };
  }

  return { PAGE_SIZE, render, fillSortSelect, destinationName, visibleRows };
})();
