import { loadEnv } from '#commons/config/env';
import { terminalSafeOutput } from '#commons/lib/terminal-text';
import { type CliIo, type Command, EXIT } from './cli-io.ts';
import { serveCommand } from './commands/serve.ts';
import { statusCommand } from './commands/status.ts';
import { sweepCommand } from './commands/sweep.ts';
import { testConnectionCommand } from './commands/test-connection.ts';
import { webhookCommand } from './commands/webhook.ts';

/** Every sub-command; a new one is one file under `commands/` and one line here. */
export const COMMANDS: readonly Command[] = [
  testConnectionCommand,
  sweepCommand,
  statusCommand,
  serveCommand,
  webhookCommand,
];

function usage(): string {
  const width = Math.max(...COMMANDS.map((c) => c.name.length));
  const lines = COMMANDS.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`);
  return ['usage: fivetran-metadata <command> [options]', '', 'commands:', ...lines, ''].join('\n');
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
