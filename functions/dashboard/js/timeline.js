// The sync timeline: one bar per run at its start time, its height the run's duration; failures coloured
// and marked (✕), hover or focus a bar for its status, times and reason.

// biome-ignore lint/correctness/noUnusedVariables: read by the page's other scripts (classic scripts share one scope)
const Timeline = (() => {
  const H = 200;
  // Room on the left for the longest duration label ("10.2 min", "12.5 h") at 12 px.
  const PAD = { left: 66, right: 14, top: 18, bottom: 30 };
  const MAX_RUNS = 200;
  const { svg, el, instant, seconds, exact, ago } = Fmt;

  function kindOf(status) {
    const s = String(status ?? '').toUpperCase();
    if (s === 'SUCCESSFUL') return 'ok';
    if (s === 'SYNCING') return 'running';
    if (s.startsWith('FAIL')) return 'failed';
    return 'other';
  }
  const MARKS = { failed: '✕', other: '↻', running: '…' };
  const WORDS = { ok: 'succeeded', failed: 'failed', other: 'other (rescheduled …)', running: 'running' };

  function durationOf(run, now) {
    if (typeof run.duration_s === 'number' && Number.isFinite(run.duration_s))
      return Math.max(0, run.duration_s);
    const a = instant(run.started_at);
    const b = run.status === 'SYNCING' ? now : instant(run.ended_at);
    return a !== null && b !== null && b >= a ? (b - a) / 1000 : null;
  }

  /** The runs that can be placed in time, oldest first, with their start, duration and kind. */
  function placeable(syncs, now) {
    return syncs
      .slice(0, MAX_RUNS)
      .map((run) => {
        const duration = durationOf(run, now);
        const end = instant(run.ended_at);
        const start =
          instant(run.started_at) ?? (end !== null && duration !== null ? end - duration * 1000 : end);
        return { run, start, duration, kind: kindOf(run.status) };
      })
      .filter((p) => p.start !== null)
      .sort((a, b) => a.start - b.start);
  }

  function clockLabel(ms, wide) {
    const d = new Date(ms);
    return wide
      ? d.toLocaleDateString(undefined, { month: 'short', day: 'numeric' })
      : d.toLocaleTimeString(undefined, { hour: '2-digit', minute: '2-digit' });
  }

  const sourceOf = (run) => (run.source ? ` (${Fmt.text(run.source, 20)})` : '');
  const durationText = (p) => `${seconds(p.duration)}${p.kind === 'running' ? ' so far' : ''}`;

  function describe(p) {
    const reason = p.run.reason ? `: ${Fmt.text(p.run.reason, 300)}` : '';
    return `${Fmt.text(p.run.status, 40)}${sourceOf(p.run)}, started ${ago(p.start)}, ${durationText(p)}${reason}`;
  }

  /** The same runs as a table (newest first, as sent): the chart's text alternative, and a way to read every reason. */
  function table(syncs, now = Date.now()) {
    const runs = placeable(Array.isArray(syncs) ? syncs : [], now).reverse();
    if (runs.length === 0) return null;
    const row = (p) =>
      el(
        'tr',
        { className: `run-row ${p.kind}`, dataset: { status: String(p.run.status) } },
        el('td', { title: exact(p.start) }, Fmt.time(new Date(p.start).toISOString())),
        el(
          'td',
          { className: 'run-status' },
          MARKS[p.kind] ? el('span', { attrs: { 'aria-hidden': 'true' } }, `${MARKS[p.kind]} `) : null,
          Fmt.text(p.run.status, 40),
        ),
        el('td', {}, durationText(p)),
        el('td', {}, Fmt.text(p.run.source ?? '—', 20)),
        el('td', { className: 'run-reason' }, p.run.reason ? Fmt.text(p.run.reason, 300) : '—'),
      );
    return el(
      'details',
      { className: 'runs-table' },
      el('summary', {}, `The ${runs.length} runs as a table`),
      el(
        'div',
        {
          className: 'table-scroll',
          tabIndex: 0,
          attrs: { role: 'region', 'aria-label': 'Sync runs (scrolls sideways when narrow)' },
        },
        el(
          'table',
          { className: 'small' },
          el('caption', { className: 'vh' }, 'Sync runs, newest first'),
          el(
            'thead',
            {},
            el(
              'tr',
              {},
              ['Started', 'Status', 'Duration', 'Source', 'Reason'].map((h) => el('th', { scope: 'col' }, h)),
            ),
          ),
          el('tbody', {}, runs.map(row)),
        ),
      ),
    );
  }

  function showTip(box, tip, target, p) {
    tip.replaceChildren(
      el('strong', {}, Fmt.text(p.run.status, 40)),
      sourceOf(p.run),
      el('br'),
      `started ${exact(p.start)}`,
      el('br'),
      `duration ${durationText(p)}${p.run.task_type ? ` · ${Fmt.text(p.run.task_type, 60)}` : ''}`,
      p.run.reason ? el('span', { className: 'tip-reason' }, el('br'), Fmt.text(p.run.reason, 300)) : null,
    );
    tip.hidden = false;
    const b = box.getBoundingClientRect();
    const t = target.getBoundingClientRect();
    const left = Math.min(Math.max(0, t.left - b.left - 40), Math.max(0, b.width - tip.offsetWidth));
    tip.style.left = `${left}px`;
    tip.style.top = `${Math.max(0, t.top - b.top - tip.offsetHeight - 8)}px`;
  }

  /** Draws `syncs` (newest first, as the API sends them) into the chart `box`; returns the caption text. */
  function render(box, syncs, now = Date.now()) {
    const chart = box.querySelector('svg');
    const W = Math.round(Math.min(1400, Math.max(300, box.clientWidth || 900)));
    chart.setAttribute('viewBox', `0 0 ${W} ${H}`);
    box.drawnWidth = W;
    const tip = box.querySelector('.tip');
    tip.hidden = true;
    const runs = placeable(Array.isArray(syncs) ? syncs : [], now);
    if (runs.length === 0) {
      chart.setAttribute('aria-label', 'No sync runs recorded yet');
      chart.replaceChildren(
        svg('text', { x: PAD.left, y: H / 2, class: 'empty' }, 'no sync runs recorded yet'),
      );
      return 'No sync runs recorded yet.';
    }
    let t0 = runs[0].start;
    let t1 = Math.max(...runs.map((p) => p.start + (p.duration ?? 0) * 1000));
    if (t1 - t0 < 60e3) {
      t0 -= 30 * 60e3;
      t1 += 30 * 60e3;
    }
    const plotW = W - PAD.left - PAD.right;
    const plotH = H - PAD.top - PAD.bottom;
    const max = Math.max(1, ...runs.map((p) => p.duration ?? 0));
    const barW = Math.max(3, Math.min(22, (plotW / runs.length) * 0.7));
    const x = (ms) => PAD.left + ((ms - t0) / (t1 - t0)) * (plotW - barW);
    const wide = t1 - t0 > 36 * 3600e3;
    const parts = [
      svg('line', {
        x1: PAD.left,
        y1: PAD.top + plotH,
        x2: W - PAD.right,
        y2: PAD.top + plotH,
        class: 'axis',
      }),
      svg('line', { x1: PAD.left, y1: PAD.top, x2: W - PAD.right, y2: PAD.top, class: 'grid' }),
      svg('text', { x: PAD.left - 6, y: PAD.top + 4, class: 'ylabel' }, seconds(max)),
      svg('text', { x: PAD.left - 6, y: PAD.top + plotH, class: 'ylabel' }, '0'),
      svg('text', { x: PAD.left, y: H - 8, class: 'xlabel' }, clockLabel(t0, wide)),
      svg('text', { x: W - PAD.right, y: H - 8, class: 'xlabel end' }, clockLabel(t1, wide)),
    ];
    for (const p of runs) {
      const h = Math.max(2, ((p.duration ?? 0) / max) * plotH);
      const left = x(p.start);
      const group = svg('g', {
        class: `run ${p.kind}`,
        tabindex: 0,
        role: 'img',
        'aria-label': describe(p),
        'data-status': p.run.status,
        'data-focus-key': `run:${p.run.sync_id ?? p.start}`,
      });
      // A transparent full-height target, so a short bar is as easy to hover as a tall one.
      group.append(
        svg('rect', { class: 'hit', x: left - 2, y: PAD.top, width: barW + 4, height: plotH }),
        svg('rect', { class: 'bar', x: left, y: PAD.top + plotH - h, width: barW, height: h, rx: 2 }),
      );
      if (MARKS[p.kind]) {
        group.append(
          svg('text', { class: 'mark', x: left + barW / 2, y: PAD.top + plotH - h - 4 }, MARKS[p.kind]),
        );
      }
      const show = () => showTip(box, tip, group, p);
      const hide = () => {
        tip.hidden = true;
      };
      group.addEventListener('pointerenter', show);
      group.addEventListener('focus', show);
      group.addEventListener('pointerleave', hide);
      group.addEventListener('blur', hide);
      parts.push(group);
    }
    chart.setAttribute('aria-label', `Sync timeline: ${runs.length} runs, bar height is duration`);
    chart.replaceChildren(...parts);
    const counts = { ok: 0, failed: 0, other: 0, running: 0 };
    for (const p of runs) counts[p.kind]++;
    const sorted = runs.map((p) => p.duration ?? 0).sort((a, b) => a - b);
    const median = sorted[Math.floor((sorted.length - 1) / 2)];
    const words = Object.entries(counts)
      .filter(([, n]) => n > 0)
      .map(([kind, n]) => `${n} ${WORDS[kind]}`);
    return `${runs.length} runs shown (${words.join(', ')}); median ${seconds(median)}.`;
  }

  /** Draws a chart box placed in the page (its `syncs` and `caption` set), and again when its width changes. */
  function attach(box) {
    box.caption.textContent = render(box, box.syncs);
    const observer = new ResizeObserver(() => {
      if (!box.isConnected) observer.disconnect();
      else if (Math.abs(box.clientWidth - box.drawnWidth) > 40) render(box, box.syncs);
    });
    observer.observe(box);
  }

  return { render, attach, table, kindOf };
})();
