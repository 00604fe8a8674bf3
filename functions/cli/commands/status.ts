import { ConfigError } from '#commons/config/env';
import { loadLocalConfig } from '#commons/config/local-config';
import type { ConnectionView } from '#commons/connection/connection';
import { HEALTH_VALUES, type Health } from '#commons/connection/health';
import { terminalSafe } from '#commons/lib/terminal-text';
import type { Summary } from '#commons/read/summary';
import type { GroupView } from '#commons/store/repositories/groups';
import { type ApiAccess, ApiAnswerError, openReadAccess } from '../api-access.ts';
import { type CliIo, type Command, EXIT, parseCommandArgs } from '../cli-io.ts';

const USAGE =
  'fivetran-metadata status [--json] [--all | --health <failing|delayed|paused|healthy>] [--table <name> [--region <r>] [--endpoint <url>]] [--color | --no-color]';

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

const COLOURS: Record<Health, string> = { failing: '31', delayed: '33', paused: '90', healthy: '32' };

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
      'LAST COMPLETED SYNC',
      'ENDED',
      'REASON',
    ];
    const rows = sorted.map((c) => {
      const completed = c.last_completed_sync;
      const group = c.group_id ? groups.get(c.group_id) : undefined;
      const reason = terminalSafe(c.last_sync?.reason ?? completed?.reason ?? '');
      // Every cell but the verdicts came from Fivetran: no control sequence reaches the terminal.
      return [
        c.health,
        terminalSafe(c.schema ?? c.id),
        terminalSafe(c.service ?? '—'),
        terminalSafe(
          group
            ? `${group.name ?? group.id}${group.destination?.service ? ` (${group.destination.service})` : ''}`
            : (c.group_id ?? '—'),
        ),
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
      table: { type: 'string' },
      region: { type: 'string' },
      endpoint: { type: 'string' },
      color: { type: 'boolean' },
      'no-color': { type: 'boolean' },
    });
    json = values.json ?? false;
    if (values.help) {
      io.stdout(`usage: ${USAGE}\n`);
      return EXIT.ok;
    }
    if (values.health !== undefined && !(HEALTH_VALUES as readonly string[]).includes(values.health)) {
      throw new ConfigError(`--health must be one of ${HEALTH_VALUES.join(', ')}, got "${values.health}"`);
    }
    const shown: Health[] = values.health
      ? [values.health as Health]
      : values.all
        ? [...HEALTH_VALUES]
        : ['failing', 'delayed', 'paused'];
    access = await openReadAccess(() => loadLocalConfig(io.env), {
      name: values.table,
      region: values.region,
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
    const usageMistake = (error as { code?: string }).code?.startsWith('ERR_PARSE_ARGS');
    if (!(error instanceof ConfigError || error instanceof ApiAnswerError || usageMistake)) throw error;
    const message = usageMistake ? `${(error as Error).message}; usage: ${USAGE}` : (error as Error).message;
    if (json) io.stdout(`${JSON.stringify({ ok: false, message })}\n`);
    else io.stderr(`status: ${message}\n`);
    return error instanceof ApiAnswerError ? EXIT.unreachable : EXIT.usage;
  } finally {
    await access?.close();
  }
}

export const statusCommand: Command = {
  name: 'status',
  summary: 'the health of every connection: counts, last sweep and webhook, and what is failing',
  usage: USAGE,
  run: status,
};
