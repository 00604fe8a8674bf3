/**
 * How the core logs: a message plus structured fields. Powertools' Logger satisfies it in the Lambdas; the
 * local server and the CLI print lines through `lineLog`.
 */
export type LogFields = Record<string, unknown>;

export interface StructuredLog {
  info(message: string, ...fields: LogFields[]): void;
  warn(message: string, ...fields: LogFields[]): void;
  error(message: string, ...fields: LogFields[]): void;
}

export const silentLog: StructuredLog = { info: () => {}, warn: () => {}, error: () => {} };

/** A log that prints one line per entry: the message, and for warnings and errors the error's own message. */
export function lineLog(print: (line: string) => void): StructuredLog {
  const withError = (message: string, fields: LogFields[]) => {
    const error = fields.find((field) => field.error instanceof Error)?.error as Error | undefined;
    return error ? `${message}: ${error.message}` : message;
  };
  return {
    info: (message) => print(message),
    warn: (message, ...fields) => print(withError(message, fields)),
    error: (message, ...fields) => print(withError(message, fields)),
  };
}
