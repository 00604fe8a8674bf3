import type { SweepRecord } from '../store/repositories/sweeps.ts';
import type { SweepProgress } from './sweep-context.ts';

const number = (n: number): string => n.toLocaleString('en-US');

/** A text progress bar: `[#########-----------]`. */
export function progressBar(done: number, total: number, width = 20): string {
  const filled = total <= 0 ? width : Math.min(width, Math.round((done / total) * width));
  return `[${'#'.repeat(filled)}${'-'.repeat(width - filled)}]`;
}

/** What a sweep is doing, in one line; `bar` adds a progress bar where the total is known. */
export function progressLine(progress: SweepProgress, bar: boolean): string {
  const p = progress;
  const counted = (done: number, total: number) =>
    `${bar ? `${progressBar(done, total)} ` : ''}${number(done)}/${number(total)}`;
  switch (p.phase) {
    case 'groups':
      return `groups: ${number(p.groups_seen)} listed`;
    case 'connections':
      return `connections: ${number(p.connections_seen)} listed, ${number(p.connections_written)} written`;
    case 'deletions':
      return `deletions: ${counted(p.deletions_checked, p.deletion_candidates)} absent connections confirmed, ${number(p.connections_deleted)} deleted`;
    case 'webhook':
      return `webhook: ${p.webhook_active === null ? 'checking' : p.webhook_active ? 'active' : 'NOT active'}`;
    case 'history':
      return 'history: reading what webhooks never told us';
    case 'schemas':
      return `schemas: ${counted(p.schema_fetches, p.schemas_planned)} fetched (${number(p.schemas_due)} due)`;
    case 'done':
      return `done: ${number(p.requests)} requests`;
  }
}

function describeRequests(requests: SweepRecord['requests']): string {
  const statuses = Object.entries(requests.by_status)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([status, n]) => `${status}: ${number(n)}`)
    .join(', ');
  return statuses ? `${number(requests.total)} (${statuses})` : number(requests.total);
}

/** The end of a sweep as a small table. */
export function summaryTable(record: SweepRecord): string {
  const seconds =
    record.finished_at === null
      ? null
      : (Date.parse(record.finished_at) - Date.parse(record.started_at)) / 1000;
  const rows: [string, string][] = [
    ['outcome', record.outcome],
    ['connections seen', number(record.connections_seen)],
    ['connections written', number(record.connections_written)],
    ['connections deleted', number(record.connections_deleted)],
    ['schema fetches', number(record.schema_fetches)],
    ['items written', number(record.items_written)],
    ['Fivetran requests', describeRequests(record.requests)],
    [
      'webhook active',
      record.webhook_active === null
        ? 'unknown (none registered, or not checked)'
        : record.webhook_active
          ? 'yes'
          : 'NO',
    ],
  ];
  if (seconds !== null && Number.isFinite(seconds)) rows.push(['duration', `${seconds.toFixed(1)} s`]);
  if (record.error) rows.push(['note', record.error]);
  const width = Math.max(...rows.map(([label]) => label.length));
  return [`sweep ${record.id}`, ...rows.map(([label, value]) => `  ${label.padEnd(width)}  ${value}`)].join(
    '\n',
  );
}
