// The account's state around the list: run mode, connection to the server, the webhook, the sweeps, the
// recent health changes, and what an empty account is waiting for.

// biome-ignore lint/correctness/noUnusedVariables: read by the page's other scripts (classic scripts share one scope)
const Status = (() => {
  /** A registered webhook that has sent nothing for this long is worth a warning (outside the demo). */
  const QUIET_WEBHOOK_MS = 6 * 3600e3;
  const { el, instant, ago, time, span } = Fmt;
  const $ = (id) => document.getElementById(id);
  const MODES = {
    demo: ['demo', 'DEMO · simulated Fivetran account'],
    live: ['live', 'live Fivetran account'],
    deployed: ['deployed', 'deployed table (read-only)'],
  };

  /**
   * The webhook as the summary tells it: `bad` (a banner that demands action), `warn`, `info` or `ok`.
   * A disabled webhook that has delivered since the sweep saw it disabled was re-activated; a webhook
   * just registered (and any in the demo, which delivers within seconds) is waiting, not quiet.
   */
  function webhookState(summary, connectionCount, now = Date.now()) {
    const registered = summary.registered_webhook ?? null;
    const lastAt = instant(summary.last_webhook_at);
    const checkedAt = instant(registered?.active_checked_at);
    const active = summary.webhook_active ?? registered?.active ?? null;
    if (active === false) {
      if (lastAt !== null && checkedAt !== null && lastAt > checkedAt) {
        return { level: 'ok', text: `delivering again (last event ${ago(summary.last_webhook_at, now)})` };
      }
      return {
        level: 'bad',
        text: 'disabled at Fivetran',
        banner:
          'Fivetran has disabled our webhook: no events are pushed, status comes from the sweep only. Re-activate it with: fivetran-metadata webhook status --reactivate',
      };
    }
    if (!registered) {
      if (lastAt !== null) return { level: 'ok', text: `last event ${ago(summary.last_webhook_at, now)}` };
      if (summary.mode === 'deployed') {
        return {
          level: 'warn',
          text: 'none registered',
          banner:
            'No webhook is registered: status comes from the sweep only. Register one with: fivetran-metadata webhook register --url <https-url>',
        };
      }
      return {
        level: 'info',
        text: 'none registered: status comes from the sweep (Fivetran pushes only to a public HTTPS URL)',
      };
    }
    if (lastAt === null) {
      const since = instant(registered.registered_at);
      if (summary.mode !== 'demo' && since !== null && now - since > QUIET_WEBHOOK_MS) {
        return {
          level: 'warn',
          text: 'no event yet',
          banner: `Our webhook was registered ${ago(registered.registered_at, now)} but no event has arrived: status comes from the sweep only.`,
        };
      }
      return {
        level: 'info',
        text: `registered ${ago(registered.registered_at, now)}; waiting for its first event`,
      };
    }
    if (summary.mode !== 'demo' && connectionCount > 0 && now - lastAt > QUIET_WEBHOOK_MS) {
      return {
        level: 'warn',
        text: `quiet for ${span((now - lastAt) / 1000)}`,
        banner: `No webhook event for ${span((now - lastAt) / 1000)}: status comes from the sweep only.`,
      };
    }
    return { level: 'ok', text: `active · last event ${ago(summary.last_webhook_at, now)}` };
  }

  /** "No connections yet — the first sweep runs at …", from the newest sweep and the run mode. */
  function emptyAccountText(summary) {
    const sweep = summary?.last_sweep ?? null;
    const next = instant(summary?.next_sweep_at);
    const nextText =
      next !== null ? ` The next sweep runs at ${new Date(next).toLocaleTimeString()} (${ago(next)}).` : '';
    if (!sweep) {
      if (next !== null)
        return `No connections yet — the first sweep runs at ${new Date(next).toLocaleTimeString()} (${ago(next)}).`;
      if (summary?.mode === 'demo' || summary?.mode === 'live') {
        return 'No connections yet — the first sweep runs as the server starts: any moment now.';
      }
      if (summary?.mode === 'deployed')
        return 'No connections yet — the first sweep runs at its next scheduled time.';
      return 'No connections yet — no sweep has run.';
    }
    const when = ago(sweep.finished_at ?? sweep.started_at);
    if (sweep.outcome === 'running')
      return `No connections yet — the first sweep is running (started ${ago(sweep.started_at)}).`;
    if (sweep.outcome === 'not_configured') {
      return `No connections yet — the Fivetran API credential is still empty (sweep ${when}): fill in the API credential secret.${nextText}`;
    }
    if (sweep.outcome === 'failed') {
      return `No connections yet — the last sweep failed ${when}${sweep.error ? `: ${Fmt.text(sweep.error, 300)}` : ''}.${nextText}`;
    }
    return `No connections yet — the last sweep (${when}) found none in this Fivetran account.${nextText}`;
  }

  function banner(kind, text, extra = null) {
    const symbol = kind === 'bad' ? '✕' : kind === 'warn' ? '⚠' : 'ℹ';
    return el(
      'div',
      { className: `banner ${kind}` },
      el('span', { className: 'sym', attrs: { 'aria-hidden': 'true' } }, `${symbol} `),
      text,
      extra,
    );
  }

  /** The unmistakable "server unreachable" banner, with the age of what is still on screen. */
  /** Replaces a live region's content only when its text changes, so a screen reader hears it once. */
  function replaceIfChanged(box, key, ...nodes) {
    if (box.dataset.key === key) return;
    box.dataset.key = key;
    box.replaceChildren(...nodes);
  }

  /** The unmistakable banner when the server cannot be read, with the age of what is still on screen. */
  function renderConnection(state, onRetry) {
    const box = $('alerts');
    const failure = state.failure;
    if (!failure || failure.kind === 'unauthorized') {
      replaceIfChanged(box, '');
      $('main').classList.remove('stale');
      return;
    }
    const retry = el('button', { type: 'button', id: 'retry-now', className: 'inline' }, 'Retry now');
    retry.addEventListener('click', onRetry);
    const age = state.loadedAt
      ? // A fixed clock time: a live region whose text ticked would be read out again and again.
        [` The data below was loaded at ${new Date(state.loadedAt).toLocaleTimeString()} and may be stale.`]
      : [' Nothing to show yet.'];
    // No answer at all, or an answer that is an error: both leave the page without fresh data.
    const headline =
      failure.kind === 'unreachable'
        ? 'Cannot reach the fivetran-metadata server'
        : 'The server answered with an error';
    replaceIfChanged(
      box,
      `${headline}|${failure.message}|${state.loadedAt}`,
      banner(
        'bad',
        el('strong', {}, headline),
        el(
          'span',
          {},
          ` (${Fmt.text(failure.message, 300)}).`,
          ...age,
          ` Retrying every ${state.retryMs / 1000} s. `,
          retry,
        ),
      ),
    );
    $('main').classList.toggle('stale', Boolean(state.loadedAt));
  }

  function renderRefreshed(state) {
    const line = $('refreshed');
    if (state.failure && state.loadedAt) {
      line.replaceChildren(
        el('span', { className: 'stale-tag' }, '⚠ stale'),
        ' data from ',
        time(new Date(state.loadedAt).toISOString()),
      );
    } else if (state.loadedAt) {
      line.replaceChildren(
        'updated ',
        time(new Date(state.loadedAt).toISOString()),
        ` · every ${state.refreshMs / 1000} s`,
      );
    } else {
      line.textContent = state.failure ? 'not loaded' : 'loading…';
    }
  }

  function renderBanners(state) {
    const summary = state.summary;
    const banners = [];
    if (summary) {
      const webhook = webhookState(summary, state.connections.length);
      if (webhook.banner) banners.push(banner(webhook.level, webhook.banner));
      const sweep = summary.last_sweep;
      if (sweep?.outcome === 'failed')
        banners.push(
          banner('bad', `The last sweep failed${sweep.error ? `: ${Fmt.text(sweep.error, 300)}` : '.'}`),
        );
      else if (sweep?.outcome === 'partial')
        banners.push(
          banner('warn', 'The last sweep was partial (budget or time ran out); the next one continues.'),
        );
      else if (sweep?.outcome === 'not_configured')
        banners.push(
          banner(
            'warn',
            'The Fivetran API credential is still empty: sweeps find nothing until it is filled in.',
          ),
        );
      if (summary.events_quarantined > 0) {
        banners.push(
          banner(
            'warn',
            `${summary.events_quarantined} signed deliveries were quarantined (unreadable) and kept as received.`,
          ),
        );
      }
    }
    replaceIfChanged($('banners'), banners.map((b) => b.textContent).join('|'), ...banners);
  }

  function renderMode(summary) {
    const mode = MODES[summary?.mode];
    $('mode').hidden = !mode;
    if (mode) {
      $('mode').className = `mode ${mode[0]}`;
      $('mode').textContent = mode[1];
    }
  }

  function renderActivity(state, onOpen) {
    const summary = state.summary;
    if (!summary) return;
    const webhook = webhookState(summary, state.connections.length);
    $('webhook-info').replaceChildren(
      el('strong', {}, 'Webhook: '),
      el('span', { className: `state ${webhook.level}` }, webhook.text),
    );
    const sweep = summary.last_sweep;
    $('sweep-info').replaceChildren(
      el('strong', {}, 'Sweep: '),
      sweep
        ? el(
            'span',
            {},
            `${sweep.outcome} `,
            time(sweep.finished_at ?? sweep.started_at),
            ` · ${sweep.connections_seen ?? 0} connections, ${sweep.requests?.total ?? 0} requests`,
          )
        : 'none yet',
    );
    const changes = Array.isArray(summary.recent_health_changes)
      ? summary.recent_health_changes.slice(0, 20)
      : [];
    $('changes').replaceChildren(
      ...(changes.length === 0
        ? [el('li', { className: 'muted' }, 'none yet')]
        : changes.map((c) => {
            const link = el(
              'a',
              { href: View.href({ ...state.view, connection: c.connection_id }) },
              Fmt.text(c.schema || c.connection_id, 120),
            );
            link.addEventListener('click', (event) => {
              if (event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey) return;
              event.preventDefault();
              onOpen(c.connection_id);
            });
            return el(
              'li',
              { dataset: { id: c.connection_id } },
              link,
              `: ${c.from || 'new'} → `,
              Health.badge(c.to),
              ' ',
              time(c.at),
              c.reason && c.to !== 'healthy'
                ? el('span', { className: 'muted' }, ` — ${Fmt.text(c.reason, 200)}`)
                : null,
            );
          })),
    );
    $('empty-text').textContent = emptyAccountText(summary);
  }

  function render(state, handlers) {
    renderConnection(state, handlers.onRetry);
    renderRefreshed(state);
    renderBanners(state);
    renderMode(state.summary);
    renderActivity(state, handlers.onOpen);
    SyncSummary.render(state, handlers.onOpen);
  }

  return { webhookState, emptyAccountText, render, renderRefreshed, renderConnection };
})();
