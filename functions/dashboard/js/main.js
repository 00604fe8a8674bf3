// The page's life: load, refresh every 30 s (sooner after a failure), follow the URL, wire the controls.

(() => {
  const REFRESH_MS = 30000;
  const RETRY_MS = 10000;
  const $ = (id) => document.getElementById(id);
  const state = {
    view: View.read(),
    connections: [],
    groups: new Map(),
    summary: null,
    loaded: false,
    loadedAt: null,
    loadingMore: false,
    failure: null,
    refreshMs: REFRESH_MS,
    retryMs: RETRY_MS,
    detail: null,
    detailJson: '',
    lastOpened: null,
    pages: 1,
    /** The Tables tab's last search: { asked, page } or { asked, error }, null before one. */
    tables: null,
    tablesFor: null,
  };
  let refreshing = null;
  let timer = null;

  function schedule(ms) {
    clearTimeout(timer);
    timer = setTimeout(refresh, ms);
  }

  function showScreen(name) {
    $('loading').hidden = name !== 'loading';
    $('auth').hidden = name !== 'auth';
    const tab = state.view.tab === 'tables' ? 'tables' : 'connections';
    $('tabs').hidden = name !== 'app' || Boolean(state.view.connection);
    $('list-view').hidden = name !== 'app' || Boolean(state.view.connection) || tab !== 'connections';
    $('tables-view').hidden = name !== 'app' || Boolean(state.view.connection) || tab !== 'tables';
    $('detail-view').hidden = name !== 'app' || !state.view.connection;
    for (const [id, which] of [
      ['tab-connections', 'connections'],
      ['tab-tables', 'tables'],
    ]) {
      if (which === tab) $(id).setAttribute('aria-current', 'page');
      else $(id).removeAttribute('aria-current');
    }
  }

  /** Redraws while keeping the keyboard focus on the same row, button or bar (elements are rebuilt). */
  function keepingFocus(draw) {
    const key = document.activeElement?.dataset?.focusKey;
    draw();
    if (key && !document.activeElement?.dataset?.focusKey)
      document.querySelector(`[data-focus-key="${CSS.escape(key)}"]`)?.focus();
  }

  function drawDetail() {
    const detail = state.detail;
    if (!detail || detail.id !== state.view.connection) return;
    $('back').href = View.href({ ...state.view, connection: null });
    const json = JSON.stringify(detail);
    if (json === state.detailJson) return;
    state.detailJson = json;
    if (detail.missing) Detail.renderMissing(detail.id);
    else Detail.render(state, detail.data);
  }

  function draw() {
    if (state.failure?.kind === 'unauthorized') {
      showScreen('auth');
      $('refreshed').textContent = 'API token needed';
      return;
    }
    Status.renderConnection(state, refresh);
    Status.renderRefreshed(state);
    if (!state.loaded) {
      showScreen('loading');
      $('loading-text').textContent = state.failure ? 'Waiting for the server…' : 'Loading connections…';
      return;
    }
    showScreen('app');
    keepingFocus(() => {
      Status.render(state, handlers);
      state.pages = List.render(state, handlers).pages;
      if (state.view.tab === 'tables') Tables.render(state, handlers);
      if (state.view.connection) drawDetail();
    });
    const failing = state.connections.filter((c) => c.health === 'failing').length;
    const open = state.detail?.data?.connection;
    document.title = `${failing ? `(${failing} failing) ` : ''}${state.view.connection && open ? `${open.schema || open.id} — ` : ''}Fivetran connections`;
  }

  /** The Tables tab's search for the name in the URL (again on each refresh: freshness moves). */
  async function searchTables() {
    state.tables = await Tables.search(state.view.tq);
    state.tablesFor = state.view.tq;
  }

  async function loadDetail(id) {
    try {
      state.detail = { id, data: await Detail.load(id) };
    } catch (failure) {
      if (failure.kind !== 'missing') throw failure;
      state.detail = { id, missing: true };
    }
  }

  function onFailure(failure) {
    state.failure = failure;
    state.loadingMore = false;
    if (failure.kind === 'unauthorized') {
      // Nothing half-drawn: what a refused reader saw is taken off the page.
      Object.assign(state, {
        connections: [],
        summary: null,
        loaded: false,
        loadedAt: null,
        detail: null,
        detailJson: '',
      });
      $('auth-error').textContent = Api.token() ? 'The server refused that token.' : '';
      $('forget-token').hidden = !Api.token();
      draw();
      $('token').focus();
      return;
    }
    draw();
    schedule(RETRY_MS);
  }

  async function load() {
    const summary = Api.call('/api/summary').catch((e) => e);
    const groups = Api.listAll('/api/groups').catch((e) => e);
    let first = !state.loaded;
    const connections = await Api.listAll('/api/connections', (items, more) => {
      if (!first || !more) return;
      // The first page shows at once; the rest fill in as they arrive.
      first = false;
      Object.assign(state, { connections: items.slice(), loaded: true, loadingMore: true });
      draw();
    });
    const [s, g] = await Promise.all([summary, groups]);
    for (const r of [s, g])
      if (r instanceof Error && (r.kind === 'unauthorized' || r.kind === 'unreachable')) throw r;
    if (!(g instanceof Error)) state.groups = new Map(g.map((group) => [group.id, group]));
    if (!(s instanceof Error)) state.summary = s;
    if (state.view.connection) await loadDetail(state.view.connection);
    if (state.view.tab === 'tables') await searchTables();
    Object.assign(state, {
      connections,
      loaded: true,
      loadedAt: Date.now(),
      loadingMore: false,
      failure: null,
    });
  }

  function refresh() {
    if (refreshing) return refreshing;
    clearTimeout(timer);
    refreshing = load()
      .then(() => {
        $('forget-token').hidden = !Api.token();
        draw();
        const sweep = state.summary?.last_sweep;
        if (sweep?.outcome === 'running' && !Sweep.isFollowing())
          Sweep.follow(sweep.id, afterSweep).catch(onFailure);
        schedule(REFRESH_MS);
      })
      .catch(onFailure)
      .finally(() => {
        refreshing = null;
      });
    return refreshing;
  }

  async function afterSweep() {
    if (refreshing) await refreshing;
    await refresh();
  }

  /** Shows the view in the URL: the list, or one connection (loaded first if it is not on hand). */
  async function applyView({ focus = true } = {}) {
    const id = state.view.connection;
    draw();
    if (!state.loaded) return;
    if (!id && state.view.tab === 'tables' && state.tablesFor !== state.view.tq) {
      try {
        await searchTables();
      } catch (failure) {
        onFailure(failure);
        return;
      }
      draw();
    }
    if (!id) {
      if (focus && state.lastOpened)
        document.querySelector(`[data-focus-key="${CSS.escape(`row:${state.lastOpened}`)}"]`)?.focus();
      return;
    }
    if (state.detail?.id !== id) {
      state.detailJson = '';
      $('detail-body').replaceChildren(
        Fmt.el('p', { className: 'muted', attrs: { role: 'status' } }, 'Loading the connection…'),
      );
      window.scrollTo(0, 0);
      try {
        await loadDetail(id);
      } catch (failure) {
        onFailure(failure);
        return;
      }
      if (state.view.connection !== id) return;
      draw();
    }
    window.scrollTo(0, 0);
    if (focus) $('detail-title')?.focus();
  }

  function navigate(change, { replace = false } = {}) {
    state.view = { ...state.view, ...change };
    View.go(state.view, { replace, fromList: Boolean(change.connection) });
    applyView({ focus: !replace });
  }

  const handlers = {
    onSort: (sort) => navigate({ sort, page: 1 }),
    onHealth: (health) => navigate({ health, page: 1 }),
    onOpen: (id) => {
      state.lastOpened = id;
      navigate({ connection: id });
    },
    onRetry: () => refresh(),
  };

  function closeDetail() {
    state.lastOpened = state.view.connection;
    if (history.state?.fromList) history.back();
    else navigate({ connection: null });
  }

  let typing = null;
  $('search').addEventListener('input', () => {
    clearTimeout(typing);
    typing = setTimeout(
      () => navigate({ q: $('search').value.slice(0, 200), page: 1 }, { replace: true }),
      150,
    );
  });
  $('filters').addEventListener('submit', (event) => event.preventDefault());
  $('health').addEventListener('change', () => navigate({ health: $('health').value, page: 1 }));
  $('group').addEventListener('change', () => navigate({ group_id: $('group').value, page: 1 }));
  $('service').addEventListener('change', () => navigate({ service: $('service').value, page: 1 }));
  $('sort-select').addEventListener('change', () => {
    const value = $('sort-select').value;
    navigate({ sort: { key: value.replace(/^-/, ''), dir: value.startsWith('-') ? -1 : 1 }, page: 1 });
  });
  $('clear-filters').addEventListener('click', () =>
    navigate({ q: '', health: '', group_id: '', service: '', page: 1 }),
  );
  $('prev').addEventListener('click', () =>
    navigate({ page: Math.max(1, Math.min(state.view.page, state.pages) - 1) }),
  );
  $('next').addEventListener('click', () => navigate({ page: Math.min(state.pages, state.view.page + 1) }));
  $('back').addEventListener('click', (event) => {
    if (event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey) return;
    event.preventDefault();
    closeDetail();
  });
  for (const [id, tab] of [
    ['tab-connections', ''],
    ['tab-tables', 'tables'],
  ]) {
    $(id).addEventListener('click', (event) => {
      if (event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey) return;
      event.preventDefault();
      navigate({ tab });
    });
  }
  $('table-search-form').addEventListener('submit', (event) => {
    event.preventDefault();
    navigate({ tab: 'tables', tq: $('table-search').value.trim().slice(0, 200) });
  });
  $('refresh-now').addEventListener('click', () => refresh());
  $('sweep-now').addEventListener('click', () => Sweep.start(afterSweep, onFailure));
  $('auth-form').addEventListener('submit', (event) => {
    event.preventDefault();
    Api.setToken($('token').value.trim());
    $('token').value = '';
    state.failure = null;
    draw();
    refresh();
  });
  $('forget-token').addEventListener('click', () => {
    Api.setToken('');
    refresh();
  });
  window.addEventListener('popstate', () => {
    state.view = View.read();
    applyView();
  });
  document.addEventListener('keydown', (event) => {
    const typingInField = /^(INPUT|SELECT|TEXTAREA)$/.test(event.target?.tagName ?? '');
    if (event.key === 'Escape' && state.view.connection && !typingInField) closeDetail();
    if (event.key === '/' && !typingInField && !state.view.connection && !$('list-view').hidden) {
      event.preventDefault();
      $('search').focus();
    }
  });
  document.addEventListener('visibilitychange', () => {
    if (!document.hidden && Date.now() - (state.loadedAt ?? 0) > REFRESH_MS) refresh();
  });
  setInterval(() => Fmt.tick(), 5000);
  List.fillSortSelect();
  draw();
  refresh().then(() => applyView({ focus: false }));
})();
