import { ConfigError } from '#commons/config/env';
import { loadLocalConfig } from '#commons/config/local-config';
import { oneLine } from '#commons/lineage/plain-text';
import type { TableView } from '#commons/tables/table-item';
import { type ApiAccess, openReadAccess } from '../api-access.ts';
import { type CliIo, type Command, EXIT, parseCommandArgs } from '../cli-io.ts';
import { deployedTable } from '../deployed-table.ts';
import { type CommandHelp, EXIT_MEANING, renderHelp, usageLine } from '../help.ts';
import { readFailure, reportReadFailure } from '../read-failure.ts';

export const TABLES_HELP: CommandHelp = {
  usage: [
    'fivetran-metadata tables [--table <[database.]schema.table | table>] [--connection <id>] [--stack <name> | --store-table <name>] [--region <r>] [--json]',
  ],
  description:
    'Which connection feeds a destination table, its health and its last success, one row per table ' +
    '(a table whose source name differs matches either name). It reads a deployed table with your AWS login ' +
    '(--stack or --store-table), else the local server on HOST:PORT when one answers (with API_TOKEN), else the store under DATA_DIR.',
  options: [
    [
      '--table <name>',
      'a destination table: `charge`, `stripe.charge` or `analytics.stripe.charge` (the last two parts count)',
    ],
    ['--connection <id>', "only this connection's tables"],
    ['--stack <name>', "a deployed stack: its table and region from the stack's outputs (TableName, Region)"],
    ['--store-table <name>', "a deployed DynamoDB table (the stack's TableName)"],
    ['--region <region>', 'where the stack or table is; default AWS_REGION or your AWS profile'],
    ['--endpoint <url>', 'another DynamoDB endpoint (tests, DynamoDB Local)'],
    ['--json', '{ source, items, more } as one JSON object on stdout'],
  ],
  exitCodes: [
    EXIT_MEANING.ok,
    [1, `${EXIT_MEANING.usage[1]}; or nothing is stored under DATA_DIR yet`],
    [4, 'the store or the read API could not be reached, or answered an error'],
  ],
};
const USAGE = usageLine(TABLES_HELP);

/** Rows read at most (pages of 1,000): an account's every table is a lot of terminal. */
const MAX_ROWS = 10_000;

interface TablePage {
  readonly items: TableView[];
  readonly next_cursor: string | null;
}

/** `charge`, `stripe.charge`, or a warehouse's `analytics.stripe.charge` (the last two parts); quotes dropped. */
export function parseTableName(typed: string): { schema?: string; table: string } {
  const parts = typed
    .split('.')
    .map((part) => part.trim().replace(/^["'`[]|["'`\]]$/g, ''))
    .filter(Boolean);
  const table = parts.at(-1);
  if (table === undefined) throw new ConfigError('--table needs a name, e.g. stripe.charge');
  return parts.length === 1 ? { table } : { schema: parts.at(-2) as string, table };
}

function ago(iso: string | null, nowMs: number): string {
  const ms = Date.parse(iso ?? '');
  if (Number.isNaN(ms)) return 'never';
  const minutes = Math.round((nowMs - ms) / 60_000);
  if (minutes < 1) return 'just now';
  if (minutes < 90) return `${minutes} min ago`;
  if (minutes < 2_160) return `${Math.round(minutes / 60)} h ago`;
  return `${Math.round(minutes / 1_440)} d ago`;
}

/** Fivetran's names reach the terminal as one plain line each (no control characters), clipped. */
const cell = (value: string | null | undefined, max = 80) => oneLine(value ?? '—', max) || '—';
const name = (side: { schema: string; table: string }) => cell(`${side.schema}.${side.table}`, 120);

export function renderTables(
  rows: readonly TableView[],
  options: { asked: string | null; now: number; more: boolean },
) {
  if (rows.length === 0) {
    return options.asked
      ? `No connection writes a table named ${cell(options.asked, 200)}.\n`
      : 'No destination tables stored yet (a sweep reads them from each connection’s schema configuration).\n';
  }
  const header = [
    'DESTINATION TABLE',
    'CONNECTION',
    'SERVICE',
    'HEALTH',
    'LAST SUCCESS',
    'REPLICATED',
    'SOURCE TABLE',
  ];
  const body = rows.map((t) => [
    name(t.destination),
    cell(t.connection_id, 60),
    cell(t.service, 30),
    cell(t.health, 10),
    ago(t.last_success_at, options.now),
    t.enabled ? 'yes' : 'no',
    name(t.source),
  ]);
  const widths = header.map((_, i) => Math.max(...[header, ...body].map((row) => (row[i] ?? '').length)));
  const lines = [header, ...body].map((row) =>
    row
      .map((value, i) => value.padEnd(widths[i] ?? 0))
      .join('  ')
      .trimEnd(),
  );
  if (options.more)
    lines.push('', `(first ${rows.length.toLocaleString('en-US')} shown; narrow with --table)`);
  return `${lines.join('\n')}\n`;
}

async function readTables(access: ApiAccess, query: URLSearchParams) {
  const rows: TableView[] = [];
  let cursor: string | null = null;
  do {
    const page: TablePage = await access.get(
      `/api/tables?${query}&limit=1000${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
    );
    rows.push(...page.items);
    cursor = page.next_cursor;
  } while (cursor !== null && rows.length < MAX_ROWS);
  return { rows, more: cursor !== null };
}

export async function tables(args: readonly string[], io: CliIo): Promise<number> {
  let json = false;
  let access: ApiAccess | null = null;
  try {
    const values = parseCommandArgs(args, {
      table: { type: 'string' },
      connection: { type: 'string' },
      json: { type: 'boolean' },
      'store-table': { type: 'string' },
      stack: { type: 'string' },
      region: { type: 'string' },
      endpoint: { type: 'string' },
    });
    json = values.json ?? false;
    if (values.help) {
      io.stdout(renderHelp(TABLES_HELP));
      return EXIT.ok;
    }
    const query = new URLSearchParams();
    if (values.table !== undefined) {
      const asked = parseTableName(values.table);
      if (asked.schema) query.set('schema', asked.schema);
      query.set('table', asked.table);
    }
    if (values.connection) query.set('connection_id', values.connection);
    access = await openReadAccess(() => loadLocalConfig(io.env), {
      ...(await deployedTable({ stack: values.stack, table: values['store-table'], region: values.region })),
      endpoint: values.endpoint,
    });
    const { rows, more } = await readTables(access, query);
    if (json) io.stdout(`${JSON.stringify({ source: access.description, items: rows, more })}\n`);
    else io.stdout(renderTables(rows, { asked: values.table ?? null, now: Date.now(), more }));
    return EXIT.ok;
  } catch (error) {
    return reportReadFailure('tables', readFailure(error, USAGE), json, io);
  } finally {
    await access?.close();
  }
}

export const tablesCommand: Command = {
  name: 'tables',
  summary: 'which connection feeds a destination table, and is it fresh (--table stripe.charge)',
  help: TABLES_HELP,
  run: tables,
};
