import { parseArgs } from 'node:util';
import { ConfigError } from '#commons/config/env';
import { loadLocalConfig } from '#commons/config/local-config';
import type { SyncRunView } from '#commons/connection/sync-run';
import { terminalSafe } from '#commons/lib/terminal-text';
import { type ApiAccess, openReadAccess } from '../api-access.ts';
import { type CliIo, type Command, EXIT } from '../cli-io.ts';
import { deployedTable } from '../deployed-table.ts';
import { type CommandHelp, EXIT_MEANING, renderHelp, usageLine } from '../help.ts';
import { readFailure, reportReadFailure } from '../read-failure.ts';
import { ago } from './status.ts';

export const SYNCS_HELP: CommandHelp = {
  usage: [
    'fivetran-metadata syncs <connection-id> [--status <s1,s2>] [--limit <n>] [--cursor <c>] [--stack <name> | --table <name>] [--region <r>] [--json]',
  ],
  description:
    'One connection’s sync runs, newest first: when each started, its status, how long it took, who told us ' +
    '(a webhook, or Fivetran’s sync history) and its reason. Pages are followed until --limit runs are shown; ' +
    'the cursor of the rest is printed. It reads a deployed table with your AWS login (--stack or --table), ' +
    'else the local server on HOST:PORT when one answers (with API_TOKEN), else the store under DATA_DIR.',
  options: [
    [
      '--status <words>',
      'only runs with these statuses, comma-separated, any case: SUCCESSFUL, FAILURE, FAILURE_WITH_TASK, RESCHEDULED, SYNCING …',
    ],
    ['--limit <n>', `runs to show, 1 to ${10_000}; default 20`],
    ['--cursor <cursor>', 'start where an earlier listing stopped (the cursor it printed)'],
    ['--stack <name>', "a deployed stack: its table and region from the stack's outputs (TableName, Region)"],
    ['--table <name>', "a deployed table (the stack's TableName)"],
    ['--region <region>', 'where the stack or table is; default AWS_REGION or your AWS profile'],
    ['--endpoint <url>', 'another DynamoDB endpoint (tests, DynamoDB Local)'],
    ['--json', '{ source, connection_id, items, next_cursor } as one JSON object on stdout'],
  ],
  exitCodes: [
    EXIT_MEANING.ok,
    [
      1,
      `${EXIT_MEANING.usage[1]}; no connection has this id; a bad --status, --limit or --cursor; or nothing is stored under DATA_DIR yet`,
    ],
    [4, 'the store or the read API could not be reached, or answered an error'],
  ],
  examples: ['fivetran-metadata syncs my_connection_id --status failure,failure_with_task --limit 50'],
};
const USAGE = usageLine(SYNCS_HELP);

export const MAX_LIMIT = 10_000;
const DEFAULT_LIMIT = 20;
/** The largest page the API serves. */
const PAGE_SIZE = 1_000;
const MAX_STATUSES = 10;
const STATUS_WORD = /^[A-Za-z_]{1,64}$/;

/** `failure, Failure_With_Task` → `FAILURE,FAILURE_WITH_TASK`; the API's own rule, said before asking it. */
export function parseStatuses(typed: string): string[] {
  const words = typed
    .split(',')
    .map((word) => word.trim())
    .filter(Boolean);
  const bad = words.find((word) => !STATUS_WORD.test(word));
  if (words.length === 0 || bad !== undefined) {
    const shown = terminalSafe((bad ?? typed).slice(0, 64));
    throw new ConfigError(
      `--status must be status words such as SUCCESSFUL or FAILURE, comma-separated; got "${shown}"`,
    );
  }
  if (words.length > MAX_STATUSES) throw new ConfigError(`--status takes at most ${MAX_STATUSES} words`);
  return words.map((word) => word.toUpperCase());
}

export function parseLimit(typed: string | undefined): number {
  if (typed === undefined) return DEFAULT_LIMIT;
  const n = Number(typed);
  if (!/^\d+$/.test(typed.trim()) || !Number.isInteger(n) || n < 1 || n > MAX_LIMIT) {
    throw new ConfigError(
      `--limit must be a whole number from 1 to ${MAX_LIMIT}, got "${terminalSafe(typed.slice(0, 20))}"`,
    );
  }
  return n;
}

/** "45 s", "3.5 min", "1.2 h"; a running run counts up to now. */
export function durationText(run: SyncRunView, nowMs: number): string {
  let seconds = run.duration_s;
  const running = run.status === 'SYNCING';
  if ((seconds === null || running) && run.started_at !== null) {
    const start = Date.parse(run.started_at);
    const end = running ? nowMs : Date.parse(run.ended_at ?? '');
    if (Number.isFinite(start) && Number.isFinite(end) && end >= start) seconds = (end - start) / 1000;
  }
  if (seconds === null || !Number.isFinite(seconds)) return '—';
  const text =
    seconds < 90
      ? `${Math.round(seconds)} s`
      : seconds < 5_400
        ? `${(seconds / 60).toFixed(1)} min`
        : `${(seconds / 3_600).toFixed(1)} h`;
  return running ? `${text} so far` : text;
}

/** One plain cell: clipped first (so no escape is cut in half), then every control character escaped. */
function cell(value: string | null | undefined, max: number): string {
  if (value === null || value === undefined || value === '') return '—';
  const oneLine = value.replace(/\s+/g, ' ').trim();
  return terminalSafe(oneLine.length > max ? `${oneLine.slice(0, max - 1)}…` : oneLine);
}

function startedText(run: SyncRunView, nowMs: number): string {
  const at = run.started_at ?? run.ended_at;
  const ms = Date.parse(at ?? '');
  if (Number.isNaN(ms)) return '—';
  const clock = new Date(ms).toISOString().slice(0, 16).replace('T', ' ');
  return `${clock}Z (${ago(at, nowMs)})${run.started_at === null ? ' ended' : ''}`;
}

export function renderSyncs(
  connectionId: string,
  runs: readonly SyncRunView[],
  options: { now: number; nextCursor: string | null; statuses: readonly string[] | null },
): string {
  const who = cell(connectionId, 200);
  if (runs.length === 0) {
    return options.statuses
      ? `No ${options.statuses.join(', ')} runs are stored for ${who}.\n`
      : `No sync runs are stored for ${who} yet (a webhook's sync_start/sync_end or the next sweep's sync history adds them).\n`;
  }
  const header = ['STARTED', 'STATUS', 'DURATION', 'SOURCE', 'REASON'];
  const rows = runs.map((run) => [
    startedText(run, options.now),
    cell(run.status, 30),
    durationText(run, options.now),
    cell(run.source, 10),
    cell(run.reason, 100),
  ]);
  const widths = header.map((_, i) => Math.max(...[header, ...rows].map((row) => (row[i] ?? '').length)));
  const lines = [header, ...rows].map((row) =>
    row
      .map((value, i) => value.padEnd(widths[i] ?? 0))
      .join('  ')
      .trimEnd(),
  );
  if (options.nextCursor) {
    lines.push(
      '',
      `(${runs.length} shown, newest first; older runs: --cursor ${terminalSafe(options.nextCursor)})`,
    );
  }
  return `${lines.join('\n')}\n`;
}

interface RunPage {
  readonly items: SyncRunView[];
  readonly next_cursor: string | null;
}

/** Pages of the connection's runs until `limit` are read or none are left. */
async function readRuns(
  access: ApiAccess,
  id: string,
  options: { limit: number; cursor: string | null; statuses: readonly string[] | null },
): Promise<{ runs: SyncRunView[]; nextCursor: string | null }> {
  const runs: SyncRunView[] = [];
  let cursor = options.cursor;
  do {
    const query = new URLSearchParams({ limit: String(Math.min(PAGE_SIZE, options.limit - runs.length)) });
    if (options.statuses) query.set('status', options.statuses.join(','));
    if (cursor) query.set('cursor', cursor);
    const page: RunPage = await access.get(`/api/connections/${encodeURIComponent(id)}/syncs?${query}`);
    runs.push(...page.items);
    cursor = page.next_cursor;
  } while (cursor && runs.length < options.limit);
  return { runs: runs.slice(0, options.limit), nextCursor: cursor };
}

const OPTIONS = {
  status: { type: 'string' },
  limit: { type: 'string' },
  cursor: { type: 'string' },
  json: { type: 'boolean' },
  stack: { type: 'string' },
  table: { type: 'string' },
  region: { type: 'string' },
  endpoint: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

function parse(args: readonly string[]) {
  const { values, positionals } = parseArgs({
    args: [...args],
    options: OPTIONS,
    strict: true,
    allowPositionals: true,
  });
  if (values.help) return { values, id: '' };
  if (positionals.length !== 1 || !positionals[0]?.trim()) {
    throw new ConfigError(
      `${positionals.length > 1 ? 'one connection id, please' : 'which connection? pass its id'}; usage: ${USAGE}`,
    );
  }
  return { values, id: positionals[0] };
}

export async function syncs(args: readonly string[], io: CliIo): Promise<number> {
  let json = args.includes('--json');
  let access: ApiAccess | null = null;
  let id = '';
  try {
    const parsed = parse(args);
    const { values } = parsed;
    id = parsed.id;
    json = values.json ?? false;
    if (values.help) {
      io.stdout(renderHelp(SYNCS_HELP));
      return EXIT.ok;
    }
    const statuses = values.status === undefined ? null : parseStatuses(values.status);
    const limit = parseLimit(values.limit);
    access = await openReadAccess(() => loadLocalConfig(io.env), {
      ...(await deployedTable(values)),
      endpoint: values.endpoint,
    });
    const { runs, nextCursor } = await readRuns(access, id, {
      limit,
      cursor: values.cursor ?? null,
      statuses,
    });
    if (json) {
      const answer = { source: access.description, connection_id: id, items: runs, next_cursor: nextCursor };
      // JSON escapes C0 controls itself; DEL, C1 and bidi characters are escaped here (still valid JSON).
      io.stdout(`${terminalSafe(JSON.stringify(answer))}\n`);
    } else {
      io.stdout(renderSyncs(id, runs, { now: Date.now(), nextCursor, statuses }));
    }
    return EXIT.ok;
  } catch (error) {
    // 404 (unknown id) and 400 (a refused filter or cursor) are the caller's to fix, not an outage.
    const failure = readFailure(error, USAGE, (answer) =>
      answer.status === 404
        ? {
            message: `no connection with id "${cell(id, 200)}" is stored (fivetran-metadata status --all lists them)`,
            code: EXIT.usage,
          }
        : answer.status === 400
          ? { message: terminalSafe(answer.message), code: EXIT.usage }
          : null,
    );
    return reportReadFailure('syncs', failure, json, io);
  } finally {
    await access?.close();
  }
}

export const syncsCommand: Command = {
  name: 'syncs',
  summary: 'one connection’s sync runs, newest first: started, status, duration, source, reason',
  help: SYNCS_HELP,
  run: syncs,
};
