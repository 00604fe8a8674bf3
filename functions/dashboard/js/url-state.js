// What the reader is looking at lives in the URL (filters, sort, page, the open connection), so a view can
// be shared or bookmarked and back/forward walk through it. `/?health=failing` opens filtered.

// biome-ignore lint/correctness/noUnusedVariables: read by the page's other scripts (classic scripts share one scope)
const View = (() => {
  const SORT_KEYS = [
    'connection',
    'health',
    'reason',
    'last_success',
    'freshness',
    'last_sync',
    'service',
    'destination',
  ];
  const DEFAULT_SORT = { key: 'health', dir: 1 };
  const MAX_TEXT = 200;

  function clip(value) {
    return typeof value === 'string' ? value.slice(0, MAX_TEXT) : '';
  }

  /** The view a query string asks for; anything unreadable falls back to the default. */
  function read(search = location.search) {
    const p = new URLSearchParams(search);
    const health = p.get('health') ?? p.get('status') ?? '';
    const sortText = p.get('sort') ?? '';
    const sortKey = sortText.replace(/^-/, '');
    const page = Number.parseInt(p.get('page') ?? '1', 10);
    return {
      q: clip(p.get('q')),
      health: Health.VALUES.includes(health) ? health : '',
      group_id: clip(p.get('group_id')),
      service: clip(p.get('service')),
      sort: SORT_KEYS.includes(sortKey)
        ? { key: sortKey, dir: sortText.startsWith('-') ? -1 : 1 }
        : DEFAULT_SORT,
      page: Number.isFinite(page) && page > 1 ? Math.min(page, 100000) : 1,
      connection: clip(p.get('connection')) || null,
      tab: p.get('tab') === 'tables' ? 'tables' : '',
      tq: clip(p.get('tq')),
    };
  }

  function query(view) {
    const p = new URLSearchParams();
    if (view.connection) p.set('connection', view.connection);
    if (view.tab) p.set('tab', view.tab);
    if (view.tab && view.tq) p.set('tq', view.tq);
    if (view.health) p.set('health', view.health);
    if (view.group_id) p.set('group_id', view.group_id);
    if (view.service) p.set('service', view.service);
    if (view.q) p.set('q', view.q);
    const { key, dir } = view.sort;
    if (key !== DEFAULT_SORT.key || dir !== DEFAULT_SORT.dir) p.set('sort', `${dir < 0 ? '-' : ''}${key}`);
    if (view.page > 1) p.set('page', String(view.page));
    return p.toString();
  }

  function href(view) {
    const q = query(view);
    return q ? `?${q}` : location.pathname;
  }

  /**
   * Records the view in the history (a new entry, or `replace` for typing in the search box). `fromList`
   * marks a connection opened from the list, so closing it can simply go back.
   */
  function go(view, { replace = false, fromList = false } = {}) {
    const url = href(view);
    if (url === (location.search || location.pathname)) return;
    if (replace) history.replaceState(history.state, '', url);
    else history.pushState(fromList ? { fromList: true } : null, '', url);
  }

  function filtersOn(view) {
    return Boolean(view.q || view.health || view.group_id || view.service);
  }

  return { SORT_KEYS, DEFAULT_SORT, read, query, href, go, filtersOn };
})();
