// "Sweep now": start a sweep, follow it (GET /api/sweeps) to its end, then refresh the page.

// biome-ignore lint/correctness/noUnusedVariables: read by the page's other scripts (classic scripts share one scope)
const Sweep = (() => {
  const POLL_MS = 1000;
  /** A sweep is bounded by its lease; the page stops following long before anything could hang. */
  const FOLLOW_MAX_MS = 15 * 60e3;
  const $ = (id) => document.getElementById(id);
  let following = null;

  function say(text) {
    $('sweep-result').textContent = text;
  }

  function outcomeText(record) {
    const parts = [`sweep ${record.outcome}`];
    if (typeof record.connections_seen === 'number') parts.push(`${record.connections_seen} connections`);
    if (typeof record.requests?.total === 'number') parts.push(`${record.requests.total} requests`);
    if (record.error) parts.push(Fmt.text(record.error, 200));
    return parts.join(' · ');
  }

  /** Polls the sweep records until `id` is no longer running; then `onDone(record)`. One follower at a time. */
  async function follow(id, onDone) {
    if (following === id) return;
    following = id;
    const button = $('sweep-now');
    button.disabled = true;
    button.textContent = 'Sweeping…';
    const started = Date.now();
    try {
      while (Date.now() - started < FOLLOW_MAX_MS) {
        let record = null;
        try {
          const page = await Api.call('/api/sweeps?limit=10');
          record = (page.items ?? []).find((s) => s.id === id) ?? null;
        } catch (failure) {
          if (failure.kind === 'unauthorized') throw failure;
          say(`sweep ${id}: ${failure.message}; still following`);
        }
        if (record && record.outcome !== 'running') {
          say(outcomeText(record));
          await onDone(record);
          return;
        }
        const since = Fmt.instant(record?.started_at);
        if (record)
          say(
            since === null ? 'sweep running…' : `sweep running for ${Fmt.span((Date.now() - since) / 1000)}…`,
          );
        await new Promise((resolve) => setTimeout(resolve, POLL_MS));
      }
      say(`sweep ${id} is still running; the page refreshes on its own`);
    } finally {
      following = null;
      button.disabled = false;
      button.textContent = 'Sweep now';
    }
  }

  async function start(onDone, onUnauthorized) {
    const button = $('sweep-now');
    button.disabled = true;
    say('starting a sweep…');
    let id = null;
    try {
      id = (await Api.call('/api/sweeps', { method: 'POST' })).id;
    } catch (failure) {
      if (failure.kind === 'unauthorized') return onUnauthorized(failure);
      // 409: one is already running; follow that one.
      if (failure.status === 409 && typeof failure.body?.id === 'string') id = failure.body.id;
      else {
        say(
          failure.status === 405
            ? Fmt.text(failure.body?.message ?? 'this server cannot start sweeps', 200)
            : failure.message,
        );
        button.disabled = false;
        return;
      }
    }
    say(`sweep ${id} started`);
    try {
      await follow(id, onDone);
    } catch (failure) {
      if (failure.kind === 'unauthorized') onUnauthorized(failure);
      else say(failure.message);
    }
  }

  function isFollowing() {
    return following !== null;
  }

  return { start, follow, isFollowing };
})();
