import { loadEnv } from '#commons/config/env';
import { terminalSafeOutput } from '#commons/lib/terminal-text';
import { type CliIo, type Command, EXIT } from './cli-io.ts';
import { alertsCommand } from './commands/alerts.ts';
import { serveCommand } from './commands/serve.ts';
import { statusCommand } from './commands/status.ts';
import { sweepCommand } from './commands/sweep.ts';
import { syncsCommand } from './commands/syncs.ts';
import { tablesCommand } from './commands/tables.ts';
import { testConnectionCommand } from './commands/test-connection.ts';
import { webhookCommand } from './commands/webhook.ts';
import { EXIT_MEANING } from './help.ts';

/** Every sub-command; a new one is one file under `commands/` and one line here. */
export const COMMANDS: readonly Command[] = [
  testConnectionCommand,
  sweepCommand,
  statusCommand,
  syncsCommand,
  serveCommand,
  webhookCommand,
  alertsCommand,
  tablesCommand,
];

function usage(): string {
  const width = Math.max(...COMMANDS.map((c) => c.name.length));
  const lines = COMMANDS.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`);
  const exits = Object.values(EXIT_MEANING).map(([code, meaning]) => `  ${code}  ${meaning}`);
  return [
    'usage: fivetran-metadata <command> [options]',
    '       fivetran-metadata <command> --help   (its flags and exit codes)',
    '',
    'commands:',
    ...lines,
    '',
    'exit codes (each command’s --help says which it uses):',
    ...exits,
    '  5  webhook status: our webhook is disabled at Fivetran, or gone',
    '',
    'environment (or .env): FIVETRAN_API_KEY, FIVETRAN_API_SECRET, FIVETRAN_API_URL; DATA_DIR, HOST, PORT, API_TOKEN',
    'for the local server; the AWS SDK’s own (AWS_PROFILE, AWS_REGION) for --stack, --table and --secret-id.',
    '',
  ].join('\n');
}

/** Dispatches `argv` (without node and script) to its command; returns the exit code. */
export async function runCli(argv: readonly string[], io: CliIo): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    (name === undefined ? io.stderr : io.stdout)(usage());
    return name === undefined ? EXIT.usage : EXIT.ok;
  }
  const command = COMMANDS.find((c) => c.name === name);
  if (!command) {
    io.stderr(`fivetran-metadata: unknown command "${name}"\n${usage()}`);
    return EXIT.usage;
  }
  return command.run(rest, io);
}

/** The process shell: real env (with `.env`), real stdout/stderr. */
export async function main(argv: readonly string[]): Promise<number> {
  return runCli(argv, {
    env: loadEnv(),
    // Last line of defence: whatever a command prints, no control sequence but our own layout reaches the terminal.
    stdout: (text) => process.stdout.write(terminalSafeOutput(text)),
    stderr: (text) => process.stderr.write(terminalSafeOutput(text)),
  });
}
