// What a connection's health means at a glance: its word and symbol, why it is not healthy, how fresh it is.

// biome-ignore lint/correctness/noUnusedVariables: read by the page's other scripts (classic scripts share one scope)
const Health = (() => {
  /** Worst first: the default order of the list. */
  const VALUES = ['failing', 'pending', 'delayed', 'paused', 'healthy'];
  /** A symbol beside every health word, so colour is never the only signal. */
  const SYMBOLS = { failing: '✕', pending: '◔', delayed: '◷', paused: '❚❚', healthy: '✓' };
  const CODE_LABELS = {
    paused: 'Paused',
    setup_broken: 'Setup broken',
    task_open: 'Action needed',
    sync_failed: 'Sync failed',
    connection_failure: 'Connection failure',
    setup_incomplete: 'Setup incomplete',
    first_sync_pending: 'First sync pending',
    delayed: 'Delayed',
    late: 'Late',
    failing: 'Failing',
  };
  const FINAL_OK = ['SUCCESSFUL', 'RESCHEDULED'];
  const { el, instant } = Fmt;

  function of(connection) {
    return typeof connection?.health === 'string' ? connection.health : 'unknown';
  }

  function rank(health) {
    const i = VALUES.indexOf(health);
    return i === -1 ? VALUES.length : i;
  }

  function badge(health) {
    const known = VALUES.includes(health);
    return el(
      'span',
      { className: `badge ${known ? health : 'unknown'}` },
      el('span', { className: 'sym', attrs: { 'aria-hidden': 'true' } }, SYMBOLS[health] ?? '?'),
      ` ${health}`,
    );
  }

  function later(a, b) {
    const x = instant(a);
    const y = instant(b);
    if (x === null) return y === null ? null : b;
    if (y === null) return a;
    return y > x ? b : a;
  }

  /**
   * Why a connection is not healthy: the API's `health_reason` when it sends one; otherwise the same
   * answer read from the fields today's API returns (tasks, setup state, the last completed sync).
   */
  function reason(connection) {
    const given = connection.health_reason;
    if (given && typeof given === 'object' && typeof given.code === 'string') {
      return { code: given.code, message: given.message ?? '', since: given.since ?? null, derived: false };
    }
    const health = of(connection);
    if (health === 'healthy') return null;
    const status = connection.status ?? {};
    const tasks = Array.isArray(status.tasks) ? status.tasks : [];
    const completed = connection.last_completed_sync;
    const derived = (code, message, since = null) => ({ code, message, since, derived: true });
    if (health === 'paused') return derived('paused', '');
    if (health === 'failing') {
      if (status.setup_state === 'broken') {
        const tests = Array.isArray(connection.setup_tests) ? connection.setup_tests : [];
        const test = tests.find((t) => /FAIL/.test(String(t?.status)));
        return derived('setup_broken', test ? `${test.title}: ${test.message || test.status}` : '');
      }
      if (tasks.length > 0)
        return derived('task_open', String(tasks[0]?.message || tasks[0]?.code || 'Open task'));
      if (completed && !FINAL_OK.includes(completed.status)) {
        return derived(
          'sync_failed',
          completed.reason || `Last sync ended ${completed.status}; Fivetran gave no reason`,
          completed.ended_at,
        );
      }
      // Today's API also counts an incomplete setup as failing (the coming `pending` takes it over).
      if (status.setup_state === 'incomplete') return derived('setup_incomplete', '');
      return derived('failing', '');
    }
    if (health === 'pending') {
      return status.setup_state === 'incomplete'
        ? derived('setup_incomplete', '')
        : derived('first_sync_pending', 'The first sync has not finished yet');
    }
    if (health === 'delayed') return derived('delayed', 'Fivetran reports the data as delayed');
    return derived(health, health);
  }

  function reasonLabel(code) {
    return CODE_LABELS[code] ?? code;
  }

  /**
   * When the data last arrived and what the schedule promises: the API's `freshness` when present,
   * else the later of `succeeded_at` and a successful last completed sync, against `sync_frequency`.
   */
  function freshness(connection) {
    const f = connection.freshness;
    if (f && typeof f === 'object') {
      return {
        lastSuccess: f.last_success_at ?? null,
        every: typeof f.expected_every_minutes === 'number' ? f.expected_every_minutes : null,
        lateAfter: f.late_after ?? null,
        lateBy: typeof f.late_by_minutes === 'number' ? f.late_by_minutes : null,
      };
    }
    const completed = connection.last_completed_sync;
    const fromSync = completed?.status === 'SUCCESSFUL' ? completed.ended_at : null;
    const manual = connection.schedule_type === 'manual';
    return {
      lastSuccess: later(connection.succeeded_at ?? null, fromSync),
      every: !manual && typeof connection.sync_frequency === 'number' ? connection.sync_frequency : null,
      lateAfter: null,
      lateBy: null,
    };
  }

  /**
   * The schedule's promise in a word or two, as the list's Freshness column and the CLI say it: `late 3 h`,
   * `on time`, `manual` (nothing promised), `paused`, `no schedule`, `no success yet`; `—` when this server
   * sends no freshness. `late` is the minutes past the promise (0 when kept, null when nothing is promised).
   */
  function verdict(connection) {
    const f = connection.freshness;
    if (!f || typeof f !== 'object') return { word: '—', state: 'unknown', late: null };
    const late = typeof f.late_by_minutes === 'number' ? f.late_by_minutes : null;
    if (late !== null && late > 0) return { word: `late ${Fmt.span(late * 60)}`, state: 'late', late };
    if (typeof f.expected_every_minutes !== 'number') {
      const manual = String(connection.schedule_type ?? '').toLowerCase() === 'manual';
      const word = manual ? 'manual' : connection.paused ? 'paused' : 'no schedule';
      return { word, state: 'none', late: null };
    }
    if (!f.last_success_at) return { word: 'no success yet', state: 'waiting', late };
    return { word: 'on time', state: 'ontime', late: 0 };
  }

  /** The verdict as a node: lateness marked by a symbol and weight, never by colour alone. */
  function verdictNode(v) {
    if (v.state === 'late') {
      return el(
        'span',
        { className: 'late' },
        el('span', { attrs: { 'aria-hidden': 'true' } }, '⚠ '),
        v.word,
      );
    }
    return el('span', { className: v.state === 'ontime' ? 'ontime' : 'muted' }, v.word);
  }

  return { VALUES, SYMBOLS, of, rank, badge, reason, reasonLabel, freshness, verdict, verdictNode, later };
})();
