import { type ParseArgsConfig, parseArgs } from 'node:util';
import type { Env } from '#commons/config/env';
import type { CommandHelp } from './help.ts';

/** Everything a command touches outside itself, so tests run commands in-process. */
export interface CliIo {
  /** Environment with `.env` already merged in (see `loadEnv`). */
  readonly env: Env;
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
  /** Waits between Fivetran retries; tests pass a no-wait one. Real timers by default. */
  readonly sleep?: (ms: number) => Promise<void>;
}

/** A sub-command: `fivetran-metadata <name> [args]`. Returns the process exit code. */
export interface Command {
  readonly name: string;
  /** One line for the command list. */
  readonly summary: string;
  /** What `<name> --help` prints (see `help.ts`). */
  readonly help: CommandHelp;
  run(args: readonly string[], io: CliIo): Promise<number>;
}

/** Exit codes shared by every command (documented in the architecture's CLI section). */
export const EXIT = {
  ok: 0,
  usage: 1,
  credentialRejected: 2,
  permissionMissing: 3,
  unreachable: 4,
} as const;

/**
 * Parses a command's options the one way every command does: strict, no positionals, `--help`/`-h` added.
 * Usage mistakes throw parseArgs' own TypeErrors (code `ERR_PARSE_ARGS_*`).
 */
export function parseCommandArgs<const O extends NonNullable<ParseArgsConfig['options']>>(
  args: readonly string[],
  options: O,
) {
  return parseArgs({
    args: [...args],
    options: { ...options, help: { type: 'boolean', short: 'h' } },
    strict: true,
    allowPositionals: false,
  }).values;
}

/** The flags of the commands that only need the Fivetran credential (`sweep`, `test-connection`). */
export const parseCredentialArgs = (args: readonly string[]) =>
  parseCommandArgs(args, { json: { type: 'boolean' }, 'secret-id': { type: 'string' } });
