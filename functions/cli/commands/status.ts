import { ConfigError } from '#commons/config/env';
import { loadLocalConfig } from '#commons/config/local-config';
import type { ConnectionView } from '#commons/connection/connection';
import { HEALTH_VALUES, type Health } from '#commons/connection/health';
import { terminalSafe } from '#commons/lib/terminal-text';
import type { Summary } from '#commons/read/summary';
import type { GroupView } from '#commons/store/repositories/groups';
import { type ApiAccess, openReadAccess } from '../api-access.ts';
import { type CliIo, type Command, EXIT, parseCommandArgs } from '../cli-io.ts';
import { deployedTable } from '../deployed-table.ts';
import { freshnessWord, isLate, lateSpan } from '../freshness-text.ts';
import { type CommandHelp, EXIT_MEANING, renderHelp, usageLine } from '../help.ts';
import { readFailure, reportReadFailure } from '../read-failure.ts';

export const STATUS_HELP: CommandHelp = {
  usage: [
    'fivetran-metadata status [--all | --health <failing|pending|delayed|paused|healthy>] [--stack <name> | --table <name>] [--region <r>] [--json] [--color | --no-color]',
  ],
  description:
    'The health of every connection: counts, the last sweep, the last webhook delivery and whether our webhook is active, ' +
    'the 7-day sync figures, then the connections that need a look (failing, pending, delayed, paused), each with its ' +
    'last success ("3 h ago") and whether it keeps its schedule ("late 2 h", "on time", "manual"). It reads a deployed table with your AWS login ' +
    '(--stack or --table), else the local server on HOST:PORT when one answers (with API_TOKEN), else the store under DATA_DIR.',
  options: [
    ['--all', 'list every connection, healthy ones too'],
    [
      '--health <health>',
      'list only connections with this health: failing, pending, delayed, paused or healthy',
    ],
    ['--stack <name>', "a deployed stack: its table and region from the stack's outputs (TableName, Region)"],
    ['--table <name>', "a deployed table (the stack's TableName)"],
    ['--region <region>', 'where the stack or table is; default AWS_REGION or your AWS profile'],
    ['--endpoint <url>', 'another DynamoDB endpoint (tests, DynamoDB Local)'],
    ['--json', '{ source, summary, connections } as one JSON object on stdout'],
    ['--color, --no-color', 'force colours on or off (default: on for a terminal, off with NO_COLOR)'],
  ],
  exitCodes: [
    EXIT_MEANING.ok,
    [1, `${EXIT_MEANING.usage[1]}; or nothing is stored under DATA_DIR yet`],
    [4, 'the store or the read API could not be reached, or answered an error'],
  ],
};

interface ListPage<T> {
  readonly items: T[];
  readonly next_cursor: string | null;
}

async function listAll<T>(access: ApiAccess, path: string): Promise<T[]> {
  const items: T[] = [];
  let cursor: string | null = null;
  do {
    const sep = path.includes('?') ? '&' : '?';
    const page: ListPage<T> = await access.get(
      `${path}${sep}limit=1000${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
    );
    items.push(...page.items);
    cursor = page.next_cursor;
  } while (cursor);
  return items;
}

const COLOURS: Record<Health, string> = {
  failing: '31',
  pending: '36',
  delayed: '33',
  paused: '90',
  healthy: '32',
};

export function ago(iso: string | null | undefined, nowMs = Date.now()): string {
  const ms = Date.parse(iso ?? '');
  if (Number.isNaN(ms)) return '—';
  const s = Math.round((nowMs - ms) / 1000);
  const abs = Math.abs(s);
  const text =
    abs < 90
      ? `${abs} s`
      : abs < 5400
        ? `${Math.round(abs / 60)} min`
        : abs < 129_600
          ? `${Math.round(abs / 3600)} h`
          : `${Math.round(abs / 86_400)} d`;
  return s >= 0 ? `${text} ago` : `in ${text}`;
}

/** "Late: 2 connections past their schedule (sheets_budget late 2 h, …)", from the connections listed. */
function lateLine(connections: readonly ConnectionView[], shown: readonly Health[]): string {
  const late = connections
    .filter(isLate)
    .sort((a, b) => (b.freshness?.late_by_minutes ?? 0) - (a.freshness?.late_by_minutes ?? 0));
  // Only a listed connection can be named; a healthy one is never late (lateness makes it delayed).
  const everyOneLate = (['failing', 'delayed'] as const).every((h) => shown.includes(h));
  if (late.length === 0) return everyOneLate ? 'none' : 'none of those listed';
  const named = late
    .slice(0, 5)
    .map(
      (c) =>
        `${terminalSafe((c.schema ?? c.id).slice(0, 60))} late ${lateSpan(c.freshness?.late_by_minutes ?? 0)}`,
    );
  return `${late.length} past their schedule's promise (${named.join(', ')}${late.length > 5 ? ', …' : ''})`;
}

/** "120 runs · 96.7 % succeeded · 4 failed · slowest (p95): salesforce 12.0 min, …". */
function syncsLine(stats: Summary['sync_stats']): string {
  if (!stats) return 'no figures yet (the next sweep sums them)';
  const rate = stats.success_rate === null ? '—' : `${Math.round(stats.success_rate * 1000) / 10} %`;
  const slowest = stats.slowest
    .slice(0, 3)
    .filter((s) => s.duration_p95_s !== null)
    .map(
      (s) =>
        `${terminalSafe((s.schema ?? s.connection_id).slice(0, 60))} ${minutesText(s.duration_p95_s ?? 0)}`,
    );
  return `${stats.runs} runs · ${rate} succeeded · ${stats.failed} failed${slowest.length ? ` · slowest (p95): ${slowest.join(', ')}` : ''}`;
}

function minutesText(seconds: number): string {
  return seconds < 90 ? `${Math.round(seconds)} s` : `${(seconds / 60).toFixed(1)} min`;
}

function table(rows: readonly string[][], widths: readonly number[]): string {
  return rows
    .map((row) =>
      row
        .map((cell, i) => cell.padEnd(widths[i] ?? 0))
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}

/** The health table for a terminal: counts, last sweep and webhook, then the connections that need a look. */
export function renderStatus(
  summary: Summary,
  connections: readonly ConnectionView[],
  groups: ReadonlyMap<string, GroupView>,
  options: { source: string; colour: boolean; shownHealths: readonly Health[]; now?: number },
): string {
  const paint = (health: Health, text: string) =>
    options.colour ? `\u001b[${COLOURS[health]}m${text}\u001b[0m` : text;
  const counts = HEALTH_VALUES.map((h) => paint(h, `${summary.by_health[h]} ${h}`)).join(' · ');
  const sweep = summary.last_sweep;
  const webhook = summary.registered_webhook;
  const lines = [
    `Source:       ${options.source}${summary.mode ? ` (${summary.mode})` : ''}`,
    `Connections:  ${summary.connections_total} (${counts})${summary.connections_deleted ? ` · ${summary.connections_deleted} deleted` : ''}`,
    `Last sweep:   ${
      sweep
        ? `${sweep.outcome} ${ago(sweep.finished_at ?? sweep.started_at, options.now)} · ${sweep.connections_seen} connections · ${sweep.requests.total} requests${sweep.error ? ` · ${terminalSafe(sweep.error)}` : ''}`
        : 'none yet'
    }`,
    `Webhooks:     last ${summary.last_webhook_at ? ago(summary.last_webhook_at, options.now) : 'never'} · ${
      webhook === null
        ? 'none registered'
        : summary.webhook_active === false
          ? paint(
              'failing',
              `our webhook ${terminalSafe(webhook.webhook_id)} is DISABLED at Fivetran: run fivetran-metadata webhook status --reactivate`,
            )
          : `our webhook ${terminalSafe(webhook.webhook_id)} ${summary.webhook_active ? 'active' : 'not checked yet'}`
    } · ${summary.events_quarantined} quarantined`,
    `Syncs (7 d):  ${syncsLine(summary.sync_stats ?? null)}`,
    `Late:         ${lateLine(connections, options.shownHealths)}`,
    '',
  ];
  const sorted = [...connections].sort(
    (a, b) =>
      HEALTH_VALUES.indexOf(a.health) - HEALTH_VALUES.indexOf(b.health) ||
      (a.schema ?? a.id).localeCompare(b.schema ?? b.id),
  );
  if (sorted.length === 0) {
    lines.push(`No ${options.shownHealths.join(', ')} connections.`);
  } else {
    const header = [
      'HEALTH',
      'CONNECTION',
      'SERVICE',
      'DESTINATION',
      'LAST SUCCESS',
      'FRESHNESS',
      'LAST COMPLETED SYNC',
      'ENDED',
      'REASON',
    ];
    const rows = sorted.map((c) => {
      const completed = c.last_completed_sync;
      const group = c.group_id ? groups.get(c.group_id) : undefined;
      // The verdict's own reason (a failing row never shows a bare SUCCESSFUL without saying why). Every
      // cell but the verdicts came from Fivetran: no control sequence reaches the terminal.
      const reason = terminalSafe(
        c.health_reason ? `${c.health_reason.code}: ${c.health_reason.message}` : '',
      );
      return [
        c.health,
        terminalSafe(c.schema ?? c.id),
        terminalSafe(c.service ?? '—'),
        terminalSafe(
          group
            ? `${group.name ?? group.id}${group.destination?.service ? ` (${group.destination.service})` : ''}`
            : (c.group_id ?? '—'),
        ),
        c.freshness?.last_success_at ? ago(c.freshness.last_success_at, options.now) : 'never',
        freshnessWord(c),
        terminalSafe(completed?.status ?? 'never'),
        ago(completed?.ended_at, options.now),
        reason.length > 70 ? `${reason.slice(0, 69)}…` : reason,
      ];
    });
    const widths = header.map((_, i) => Math.max(...[header, ...rows].map((row) => (row[i] ?? '').length)));
    const body = table(rows, widths)
      .split('\n')
      .map((line, i) => {
        const health = sorted[i]?.health ?? 'healthy';
        return paint(health, line.slice(0, widths[0])) + line.slice(widths[0]);
      });
    lines.push(table([header], widths), ...body);
  }
  const hidden = HEALTH_VALUES.filter((h) => !options.shownHealths.includes(h) && summary.by_health[h] > 0);
  if (hidden.length > 0) {
    lines.push(
      '',
      `(${hidden.map((h) => `${summary.by_health[h]} ${h}`).join(', ')} not listed; --all lists every connection)`,
    );
  }
  return `${lines.join('\n')}\n`;
}

export async function status(args: readonly string[], io: CliIo): Promise<number> {
  let json = false;
  let access: ApiAccess | null = null;
  try {
    const values = parseCommandArgs(args, {
      json: { type: 'boolean' },
      all: { type: 'boolean' },
      health: { type: 'string' },
      stack: { type: 'string' },
      table: { type: 'string' },
      region: { type: 'string' },
      endpoint: { type: 'string' },
      color: { type: 'boolean' },
      'no-color': { type: 'boolean' },
    });
    json = values.json ?? false;
    if (values.help) {
      io.stdout(renderHelp(STATUS_HELP));
      return EXIT.ok;
    }
    if (values.health !== undefined && !(HEALTH_VALUES as readonly string[]).includes(values.health)) {
      throw new ConfigError(`--health must be one of ${HEALTH_VALUES.join(', ')}, got "${values.health}"`);
    }
    const shown: Health[] = values.health
      ? [values.health as Health]
      : values.all
        ? [...HEALTH_VALUES]
        : ['failing', 'pending', 'delayed', 'paused'];
    access = await openReadAccess(() => loadLocalConfig(io.env), {
      ...(await deployedTable(values)),
      endpoint: values.endpoint,
    });
    const opened = access;
    const [summary, groups, ...lists] = await Promise.all([
      opened.get<Summary>('/api/summary'),
      listAll<GroupView>(opened, '/api/groups'),
      ...(shown.length === HEALTH_VALUES.length
        ? [listAll<ConnectionView>(opened, '/api/connections')]
        : shown.map((health) => listAll<ConnectionView>(opened, `/api/connections?health=${health}`))),
    ]);
    const connections = lists.flat();
    if (json) {
      // JSON escapes C0 controls itself; DEL, C1 and bidi characters are escaped here (still valid JSON).
      io.stdout(`${terminalSafe(JSON.stringify({ source: opened.description, summary, connections }))}\n`);
    } else {
      const colour = values['no-color']
        ? false
        : (values.color ?? (process.stdout.isTTY === true && !io.env.NO_COLOR));
      io.stdout(
        renderStatus(summary, connections, new Map(groups.map((g) => [g.id, g])), {
          source: opened.description,
          colour,
          shownHealths: shown,
        }),
      );
    }
    return EXIT.ok;
  } catch (error) {
    return reportReadFailure('status', readFailure(error, usageLine(STATUS_HELP)), json, io);
  } finally {
    await access?.close();
  }
}

export const statusCommand: Command = {
  name: 'status',
  summary: 'the health of every connection: counts, last sweep and webhook, and what is failing',
  help: STATUS_HELP,
  run: status,
};
