/** What `<command> --help` prints: usage, what it does, every flag, every exit code. */
export interface CommandHelp {
  /** Usage lines, each starting with `fivetran-metadata`. */
  readonly usage: readonly string[];
  /** A few sentences: what the command does and where it reads and writes. */
  readonly description: string;
  /** `[flag, meaning]`, in the order a reader needs them. */
  readonly options: readonly (readonly [string, string])[];
  /** `[code, meaning]`. */
  readonly exitCodes: readonly (readonly [number, string])[];
  readonly examples?: readonly string[];
}

/** The exit codes' meanings, shared so that every command says them the same way. */
export const EXIT_MEANING = {
  ok: [0, 'done'],
  usage: [1, 'usage or setup: a wrong flag, no credential, or no AWS login, region or permission'],
  credentialRejected: [
    2,
    'Fivetran rejected the API key (regenerated, revoked, expired, or its user removed)',
  ],
  permissionMissing: [3, 'the API key lacks a permission the command needs'],
  unreachable: [4, 'could not reach, or got an unexpected answer from, Fivetran, AWS or the store'],
} as const satisfies Record<string, readonly [number, string]>;

const HELP_FLAG: readonly [string, string] = ['-h, --help', 'print this help and exit 0'];

const WIDTH = 110;

/** Wraps `text` to the terminal width after an indent of `indent` spaces (the first line's indent included). */
function wrap(text: string, indent: number, firstIndent = indent): string[] {
  const lines: string[] = [];
  let line = ' '.repeat(firstIndent);
  let empty = true;
  for (const word of text.split(/\s+/).filter(Boolean)) {
    if (!empty && line.length + 1 + word.length > WIDTH) {
      lines.push(line);
      line = ' '.repeat(indent);
      empty = true;
    }
    line += empty ? word : ` ${word}`;
    empty = false;
  }
  lines.push(line);
  return lines;
}

/** Two columns: the left padded to its widest entry (at most 30), the right wrapped. */
function columns(rows: readonly (readonly [string, string])[]): string[] {
  const width = Math.min(30, Math.max(...rows.map(([left]) => left.length)));
  return rows.flatMap(([left, right]) => {
    const lead = `  ${left}`;
    if (left.length > width) return [lead, ...wrap(right, width + 4)];
    const [first = '', ...rest] = wrap(right, width + 4);
    return [`${lead.padEnd(width + 4)}${first.trimStart()}`, ...rest];
  });
}

export function renderHelp(help: CommandHelp): string {
  return [
    ...help.usage.map((line, i) => `${i === 0 ? 'usage: ' : '       '}${line}`),
    '',
    ...wrap(help.description, 0),
    '',
    'options:',
    ...columns([...help.options, HELP_FLAG]),
    '',
    'exit codes:',
    ...columns(help.exitCodes.map(([code, meaning]) => [String(code), meaning])),
    ...(help.examples?.length ? ['', 'examples:', ...help.examples.map((line) => `  ${line}`)] : []),
    '',
  ].join('\n');
}

/** The usage lines alone, for a usage mistake's message. */
export function usageLine(help: CommandHelp): string {
  return help.usage.join(' | ');
}
