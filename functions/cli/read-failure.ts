import { ConfigError } from '#commons/config/env';
import { terminalSafe } from '#commons/lib/terminal-text';
import { ApiAnswerError } from './api-access.ts';
import { AwsProblem } from './aws-problems.ts';
import { type CliIo, EXIT } from './cli-io.ts';

export interface ReadFailure {
  readonly message: string;
  readonly code: number;
}

/**
 * What stopped a read command (`status`, `tables`, `syncs`), as an exit code and a message: a usage mistake,
 * a configuration or AWS problem, or an answer of the API (unreachable, unless `answered` says otherwise).
 * Anything else is a bug and is thrown on (the CLI reports it as an internal error).
 */
export function readFailure(
  error: unknown,
  usage: string,
  answered?: (error: ApiAnswerError) => ReadFailure | null,
): ReadFailure {
  const usageMistake = (error as { code?: string }).code?.startsWith('ERR_PARSE_ARGS');
  if (!(error instanceof ConfigError || error instanceof ApiAnswerError || usageMistake)) throw error;
  const own = error instanceof ApiAnswerError ? answered?.(error) : null;
  if (own) return own;
  const text = (error as Error).message;
  return {
    message: usageMistake ? `${text}; usage: ${usage}` : terminalSafe(text),
    code:
      error instanceof AwsProblem
        ? error.exitCode
        : error instanceof ApiAnswerError
          ? EXIT.unreachable
          : EXIT.usage,
  };
}

/** Prints the failure the command's way (one JSON line with `--json`, else `<command>: <message>` on stderr). */
export function reportReadFailure(command: string, failure: ReadFailure, json: boolean, io: CliIo): number {
  if (json)
    io.stdout(`${JSON.stringify({ ok: false, exit_code: failure.code, message: failure.message })}\n`);
  else io.stderr(`${command}: ${failure.message}\n`);
  return failure.code;
}
