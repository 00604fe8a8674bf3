// The account's sync runs of the last 7 days in the activity panel: how many succeeded, and the slowest
// connections by their 95th-percentile duration (from the summary's `sync_stats`, summed by the sweep).

// biome-ignore lint/correctness/noUnusedVariables: read by the page's other scripts (classic scripts share one scope)
const SyncSummary = (() => {
  const { el, seconds, text } = Fmt;
  const $ = (id) => document.getElementById(id);
  const SLOWEST_SHOWN = 5;

  function runsText(value) {
    const n = Number(value) || 0;
    return `${n} ${n === 1 ? 'run' : 'runs'}`;
  }

  function rateText(rate) {
    return typeof rate === 'number' && Number.isFinite(rate) ? `${Math.round(rate * 1000) / 10} %` : '—';
  }

  /** Draws the panel's sync lines; hidden when this server's summary has no `sync_stats` field. */
  function render(state, onOpen) {
    const summary = state.summary;
    const known = summary && 'sync_stats' in summary;
    $('sync-info').hidden = !known;
    const stats = known ? summary.sync_stats : null;
    const slowest = Array.isArray(stats?.slowest) ? stats.slowest.slice(0, SLOWEST_SHOWN) : [];
    $('slowest-box').hidden = slowest.length === 0;
    if (!known) return;
    $('sync-info').replaceChildren(
      el('strong', {}, 'Syncs, 7 days: '),
      stats
        ? `${runsText(stats.runs)} · ${rateText(stats.success_rate)} succeeded · ${Number(stats.failed) || 0} failed`
        : el('span', { className: 'muted' }, 'no figures yet (the next sweep sums them)'),
    );
    $('slowest').replaceChildren(
      ...slowest.map((s) => {
        const id = String(s.connection_id ?? '');
        const link = el(
          'a',
          { href: View.href({ ...state.view, connection: id }) },
          text(s.schema || id, 120),
        );
        link.addEventListener('click', (event) => {
          if (event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey) return;
          event.preventDefault();
          onOpen(id);
        });
        return el(
          'li',
          { dataset: { id } },
          link,
          s.service ? el('span', { className: 'muted' }, ` ${text(s.service, 60)}`) : null,
          `: p95 ${seconds(s.duration_p95_s)}, median ${seconds(s.duration_p50_s)} · ${runsText(s.runs)}`,
        );
      }),
    );
  }

  return { render };
})();
