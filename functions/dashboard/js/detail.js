// One connection on a page of its own: what it is, why it is (not) healthy, its syncs, what it replicates,
// and what Fivetran told us. Sections whose route this server does not have yet (404) stay hidden.

// biome-ignore lint/correctness/noUnusedVariables: read by the page's other scripts (classic scripts share one scope)
const Detail = (() => {
  const { el, time, minutes, text } = Fmt;
  const $ = (id) => document.getElementById(id);

  /** Fivetran's own page for a connection (the URL its connector SDK prints after a deploy). */
  function fivetranUrl(id) {
    return `https://fivetran.com/dashboard/connectors/${encodeURIComponent(id)}/status`;
  }

  const { section, facts } = Sections;

  function head(c, state) {
    const reason = Health.reason(c);
    const demo = state.summary?.mode === 'demo';
    const link = el(
      'a',
      { href: fivetranUrl(c.id), target: '_blank', rel: 'noopener noreferrer', className: 'external' },
      'Open in Fivetran ↗',
    );
    return el(
      'div',
      { className: 'detail-head' },
      el(
        'h2',
        { id: 'detail-title', tabIndex: -1 },
        text(c.schema || c.id, 200),
        ' ',
        Health.badge(Health.of(c)),
      ),
      el(
        'p',
        { className: 'sub' },
        [c.service, List.destinationName(c.group_id, state.groups)].filter(Boolean).join(' · '),
      ),
      reason
        ? el(
            'p',
            { className: `reason-line ${Health.of(c)}`, id: 'detail-reason' },
            el('strong', {}, Health.reasonLabel(reason.code)),
            reason.message && reason.message !== Health.reasonLabel(reason.code)
              ? `: ${text(reason.message, 4096)}`
              : '',
            reason.since ? el('span', { className: 'since' }, ' · since ', time(reason.since)) : null,
          )
        : null,
      el(
        'p',
        {},
        link,
        demo
          ? el(
              'span',
              { className: 'muted' },
              ' (demo: this simulated connection is not in a real Fivetran account)',
            )
          : null,
      ),
    );
  }

  /** What the schedule promises: "a success every 1 h · late after 14:05 (in 20 min)", or why nothing is. */
  function promise(c, f) {
    if (!f.every) {
      const manual = String(c.schedule_type ?? '').toLowerCase() === 'manual';
      return el(
        'span',
        { className: 'muted' },
        manual ? 'none: a manual schedule' : c.paused ? 'none while paused' : 'none: no sync frequency',
      );
    }
    return el(
      'span',
      { id: 'detail-promise' },
      `a success every ${minutes(f.every)}`,
      f.lateAfter ? el('span', {}, ' · late after ', time(f.lateAfter)) : null,
      f.lateBy ? el('span', { className: 'late' }, ` · late by ${minutes(f.lateBy)}`) : null,
    );
  }

  function factsSection(c, state) {
    const s = c.status ?? {};
    const f = Health.freshness(c);
    const group = state.groups.get(c.group_id);
    const yesNo = (v) => (v === true ? 'yes' : v === false ? 'no' : null);
    const schedule = [
      c.schedule_type,
      typeof c.sync_frequency === 'number' ? `every ${minutes(c.sync_frequency)}` : null,
      c.daily_sync_time ? `at ${c.daily_sync_time} UTC` : null,
    ]
      .filter(Boolean)
      .join(', ');
    const delay = c.data_delay_sensitivity
      ? `${c.data_delay_sensitivity}${c.data_delay_sensitivity === 'CUSTOM' && typeof c.data_delay_threshold === 'number' ? ` (${minutes(c.data_delay_threshold)})` : ''}`
      : undefined;
    const last = c.last_sync;
    return section(
      'Facts',
      'facts',
      facts([
        ['Connection id', el('code', {}, text(c.id, 200))],
        [
          'Service',
          `${c.service ?? '—'}${typeof c.service_version === 'number' ? ` (version ${c.service_version})` : ''}`,
        ],
        [
          'Destination',
          `${List.destinationName(c.group_id, state.groups)}${group?.destination?.region ? ` · ${group.destination.region}` : ''}`,
        ],
        ['Schedule', schedule || null],
        ['Data delay setting', delay],
        ['Setup state', s.setup_state ?? null],
        ['Sync state', s.sync_state ?? null],
        ['Update state', s.update_state ?? null],
        ['Historical sync', yesNo(s.is_historical_sync)],
        ['Schema status', s.schema_status === undefined ? undefined : s.schema_status],
        ['Paused', yesNo(c.paused)],
        ['Last success', time(f.lastSuccess, 'never')],
        ['Freshness', c.freshness ? Health.verdictNode(Health.verdict(c)) : undefined],
        ['Promise', promise(c, f)],
        ['Last failure', time(c.failed_at, 'never')],
        [
          'Last sync',
          last
            ? el('span', {}, `${last.status} (${last.source}) `, time(last.ended_at ?? last.started_at))
            : 'none',
        ],
        ['Rescheduled for', s.rescheduled_for ? time(s.rescheduled_for) : undefined],
        ['Created', time(c.created_at)],
        ['Connected by', c.connected_by === undefined ? undefined : c.connected_by],
        ['Deleted', c.deleted_at ? time(c.deleted_at) : undefined],
        ['Updated here', time(c.updated_at)],
      ]),
    );
  }

  function render(state, data) {
    const c = data.connection;
    const syncs = Array.isArray(data.syncs?.items) ? data.syncs.items : (c.syncs ?? []);
    $('detail-body').replaceChildren(
      head(c, state),
      el(
        'div',
        { className: 'detail-grid' },
        factsSection(c, state),
        Sections.setupTests(c),
        Sections.tasks(c),
        Sections.stats(c, syncs),
        Sections.schema(c),
        Lineage.section(c, data.tables, data.transformations ?? null),
        SchemaSections.tables(data.tables),
        SchemaSections.changes(data.changes),
        Sections.events(data.events),
        Sections.config(c),
      ),
    );
    for (const box of $('detail-body').querySelectorAll('.chart-box')) Timeline.attach(box);
  }

  function renderMissing(id) {
    $('detail-body').replaceChildren(
      el('h2', { id: 'detail-title', tabIndex: -1 }, 'Connection not found'),
      el(
        'p',
        {},
        `No connection with id “${text(id, 200)}” is stored: it may have been deleted, or the link is wrong.`,
      ),
    );
  }

  /** Everything the detail shows, read at once; optional routes answer null when this server lacks them. */
  async function load(id) {
    const settle = (promise) =>
      promise.catch((failure) =>
        failure.kind === 'unauthorized' || failure.kind === 'unreachable' ? Promise.reject(failure) : failure,
      );
    const [connection, events, syncs, tables, changes, transformations] = await Promise.all([
      Api.call(Api.connectionPath(id)),
      settle(Api.call(Api.connectionPath(id, '/events?limit=20'))),
      settle(Api.optional(Api.connectionPath(id, '/syncs?limit=100'))),
      settle(Api.optional(`/api/tables?connection_id=${encodeURIComponent(id)}&limit=1000`)),
      settle(Api.optional(Api.connectionPath(id, '/schema-changes?limit=200'))),
      settle(Api.optional('/api/transformations?limit=1000')),
    ]);
    return {
      connection,
      events,
      syncs: syncs instanceof Error ? null : syncs,
      tables,
      changes,
      transformations,
    };
  }

  return { fivetranUrl, render, renderMissing, load };
})();
