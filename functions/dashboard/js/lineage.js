// The detail's lineage: this connection → the destination tables it writes → the transformations its syncs
// trigger (and the models they build). Read from GET /api/tables and GET /api/transformations.

// biome-ignore lint/correctness/noUnusedVariables: read by the page's other scripts (classic scripts share one scope)
const Lineage = (() => {
  const { el, time, text } = Fmt;
  const SHOWN_TABLES = 12;
  const SHOWN_MODELS = 12;

  const name = (side) => text([side?.schema, side?.table].filter(Boolean).join('.'), 300);

  function column(title, ...content) {
    return el('div', { className: 'lineage-step' }, el('h4', {}, title), ...content);
  }

  function tablesColumn(tables) {
    const enabled = tables.filter((t) => t.enabled !== false);
    const items = enabled
      .slice(0, SHOWN_TABLES)
      .map((t) => el('li', {}, el('code', {}, name(t.destination))));
    const more = enabled.length - items.length;
    return column(
      `Destination tables (${enabled.length}${tables.length > enabled.length ? ` of ${tables.length}` : ''})`,
      items.length
        ? el('ul', { className: 'plain' }, items)
        : el('p', { className: 'muted' }, 'none replicated'),
      more > 0 ? el('p', { className: 'muted' }, `and ${more} more (see Destination tables)`) : null,
    );
  }

  function transformationsColumn(list) {
    if (list.length === 0)
      return column('Transformations', el('p', { className: 'muted' }, 'none triggered by this connection'));
    return column(
      `Transformations (${list.length})`,
      el(
        'ul',
        { className: 'plain' },
        list.slice(0, 20).map((t) => {
          const models = Array.isArray(t.output_model_names) ? t.output_model_names : [];
          return el(
            'li',
            { className: 'transformation', dataset: { transformation: t.id } },
            Health.badge(t.health ?? 'healthy'),
            ' ',
            el('strong', {}, text(t.name || t.id, 200)),
            t.type ? el('span', { className: 'muted' }, ` ${text(t.type, 40)}`) : null,
            t.status ? ` · ${text(t.status, 40)}` : '',
            t.last_ended_at ? el('span', { className: 'muted' }, ' · ended ', time(t.last_ended_at)) : null,
            t.health_reason?.message
              ? el('div', { className: 'reason-line' }, text(t.health_reason.message, 1000))
              : null,
            models.length
              ? el(
                  'div',
                  { className: 'muted' },
                  'models: ',
                  models
                    .slice(0, SHOWN_MODELS)
                    .map((m) => text(m, 200))
                    .join(', '),
                  models.length > SHOWN_MODELS || t.output_models_omitted
                    ? ` and ${models.length - Math.min(models.length, SHOWN_MODELS) + (t.output_models_omitted ?? 0)} more`
                    : '',
                )
              : null,
          );
        }),
      ),
    );
  }

  /**
   * The section, or null when neither route answers on this server. `tables` and `transformations` are a
   * page (`{ items }`), null (route absent) or an Error.
   */
  function section(connection, tables, transformations) {
    if (tables === null && transformations === null) return null;
    const tableItems = Array.isArray(tables?.items) ? tables.items : [];
    const triggered = (Array.isArray(transformations?.items) ? transformations.items : []).filter(
      (t) => Array.isArray(t.connection_ids) && t.connection_ids.includes(connection.id),
    );
    const arrow = () => el('div', { className: 'lineage-arrow', attrs: { 'aria-hidden': 'true' } }, '→');
    return Sections.section(
      'Lineage',
      'lineage',
      el(
        'div',
        { className: 'lineage' },
        column(
          'Connection',
          el('p', {}, el('strong', {}, text(connection.schema || connection.id, 200))),
          el('p', { className: 'muted' }, text(connection.service ?? '', 60)),
        ),
        arrow(),
        tables instanceof Error
          ? column('Destination tables', el('p', { className: 'muted' }, `could not load: ${tables.message}`))
          : tablesColumn(tableItems),
        arrow(),
        transformations instanceof Error
          ? column(
              'Transformations',
              el('p', { className: 'muted' }, `could not load: ${transformations.message}`),
            )
          : transformationsColumn(triggered),
      ),
    );
  }

  return { section };
})();
