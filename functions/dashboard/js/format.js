// Formatting and DOM helpers shared by the page's scripts (classic scripts: one global namespace each).

// biome-ignore lint/correctness/noUnusedVariables: read by the page's other scripts (classic scripts share one scope)
const Fmt = (() => {
  const SVG_NS = 'http://www.w3.org/2000/svg';

  /** Milliseconds since the epoch, or null for anything that is not a readable instant. */
  function instant(value) {
    if (typeof value !== 'string' && typeof value !== 'number') return null;
    const ms = typeof value === 'number' ? value : Date.parse(value);
    return Number.isFinite(ms) ? ms : null;
  }

  /** "45 s", "12 min", "3 h", "2 d": a span of seconds, rounded for reading at a glance. */
  function span(totalSeconds) {
    const abs = Math.abs(totalSeconds);
    if (abs < 90) return `${Math.round(abs)} s`;
    if (abs < 5400) return `${Math.round(abs / 60)} min`;
    if (abs < 129600) return `${Math.round(abs / 3600)} h`;
    return `${Math.round(abs / 86400)} d`;
  }

  /** "3 min ago" / "in 5 min", or an em dash for no instant. */
  function ago(value, now = Date.now()) {
    const ms = instant(value);
    if (ms === null) return '—';
    const s = (now - ms) / 1000;
    if (Math.abs(s) < 5) return 'just now';
    return s >= 0 ? `${span(s)} ago` : `in ${span(s)}`;
  }

  /** The exact moment, in the reader's time zone and as sent (for hover text). */
  function exact(value) {
    const ms = instant(value);
    if (ms === null) return '';
    return `${new Date(ms).toLocaleString()} (${new Date(ms).toISOString()})`;
  }

  function minutes(value) {
    if (typeof value !== 'number' || !Number.isFinite(value)) return '—';
    if (value < 90) return `${Math.round(value)} min`;
    if (value < 2160) return `${+(value / 60).toFixed(1)} h`;
    return `${+(value / 1440).toFixed(1)} d`;
  }

  function seconds(value) {
    if (typeof value !== 'number' || !Number.isFinite(value)) return '—';
    if (value < 90) return `${Math.round(value)} s`;
    if (value < 5400) return `${(value / 60).toFixed(1)} min`;
    return `${(value / 3600).toFixed(1)} h`;
  }

  /** Text for display: Fivetran's strings are shown as text, never parsed as markup, and clipped. */
  function text(value, max = 500) {
    if (value === null || value === undefined) return '';
    const s = typeof value === 'string' ? value : String(value);
    return s.length > max ? `${s.slice(0, max - 1)}…` : s;
  }

  /**
   * Builds an element: `el('td', { className: 'x', dataset: { id } }, child, 'text')`. Children are nodes
   * or strings (as text nodes); null/false children are skipped.
   */
  function el(tag, props = {}, ...children) {
    const node = document.createElement(tag);
    for (const [key, value] of Object.entries(props)) {
      if (value === undefined || value === null || value === false) continue;
      if (key === 'dataset') Object.assign(node.dataset, value);
      else if (key === 'attrs') for (const [a, v] of Object.entries(value)) node.setAttribute(a, String(v));
      else node[key] = value;
    }
    for (const child of children.flat()) {
      if (child === null || child === undefined || child === false) continue;
      node.append(typeof child === 'string' ? document.createTextNode(child) : child);
    }
    return node;
  }

  function svg(tag, attributes = {}, ...children) {
    const node = document.createElementNS(SVG_NS, tag);
    for (const [key, value] of Object.entries(attributes)) node.setAttribute(key, String(value));
    for (const child of children)
      node.append(typeof child === 'string' ? document.createTextNode(child) : child);
    return node;
  }

  /** A relative time that the page's ticker keeps current; the exact instant on hover. */
  function time(value, fallback = '—') {
    const ms = instant(value);
    if (ms === null) return el('span', { className: 'muted' }, fallback);
    const iso = new Date(ms).toISOString();
    return el('time', { dateTime: iso, title: exact(iso), dataset: { at: iso } }, ago(iso));
  }

  /** Re-renders every relative time on the page (they read "x ago" against the clock). */
  function tick(root = document) {
    const now = Date.now();
    for (const node of root.querySelectorAll('[data-at]')) node.textContent = ago(node.dataset.at, now);
  }

  return { instant, span, ago, exact, minutes, seconds, text, el, svg, time, tick };
})();
