import { describe, expect, it } from 'vitest';
import { WEBHOOK_HELP } from '../../functions/cli/commands/webhook.ts';
import { COMMANDS, runCli } from '../../functions/cli/main.ts';
import { capture } from '../support/http-fixture.ts';

/** Every `--flag` an options column documents, and whether it takes a value (`--flag <value>`). */
function documentedFlags(help: string): { flag: string; takesValue: boolean }[] {
  const options = help.split('\noptions:\n')[1]?.split('\n\n')[0] ?? '';
  return options
    .split('\n')
    .filter((line) => /^ {2}-/.test(line))
    .flatMap((line) => {
      const left = line.trim().split(/\s{2,}/)[0] ?? '';
      return left.split(', ').flatMap((part) => {
        const match = /^(--[a-z-]+)( <[^>]+>)?$/.exec(part);
        return match?.[1] ? [{ flag: match[1], takesValue: match[2] !== undefined }] : [];
      });
    });
}

/** The `[command, action?]` prefixes that have their own --help. */
const HELP_TARGETS: string[][] = [
  ...COMMANDS.filter((c) => c.name !== 'webhook').map((c) => [c.name]),
  ['webhook'],
  ...Object.keys(WEBHOOK_HELP).map((action) => ['webhook', action]),
];

const NAMED = HELP_TARGETS.map((prefix) => [prefix.join(' '), prefix] as const);

async function helpOf(prefix: string[]): Promise<{ code: number; text: string }> {
  const run = capture({});
  const code = await runCli([...prefix, '--help'], run.io);
  return { code, text: run.out() };
}

describe('--help', () => {
  it.each(NAMED)('%s: usage, description, options and exit codes, exit 0', async (_name, prefix) => {
    // Act
    const { code, text } = await helpOf(prefix);

    // Assess
    expect(code).toBe(0);
    expect(text).toMatch(new RegExp(`^usage: fivetran-metadata ${prefix.join(' ')}`));
    expect(text).toContain('\noptions:\n');
    expect(text).toMatch(/\nexit codes:\n {2}0 {2}\S/);
    expect(text).toMatch(/\n {2}1 {2}usage or setup/);
    // Wrapped for a terminal.
    for (const line of text.split('\n')) expect(line.length, line).toBeLessThanOrEqual(250);
  });

  // The webhook overview's flags belong to its actions, tested below.
  it.each(NAMED.filter(([name]) => name !== 'webhook'))(
    '%s: every documented flag is one it accepts',
    async (_name, prefix) => {
      // Prepare
      const flags = documentedFlags((await helpOf(prefix)).text).filter((f) => f.flag !== '--help');

      // Act: each flag with --help after it parses (else a usage error, exit 1).
      const codes = await Promise.all(
        flags.map(async ({ flag, takesValue }) => {
          const run = capture({});
          const code = await runCli([...prefix, flag, ...(takesValue ? ['x'] : []), '--help'], run.io);
          return [flag, code, run.err()] as const;
        }),
      );

      // Assess
      expect(flags.length).toBeGreaterThanOrEqual(2);
      for (const [flag, code, err] of codes) expect({ flag, code, err }).toEqual({ flag, code: 0, err: '' });
    },
  );

  it('refuses an undocumented flag with the usage line, exit 1', async () => {
    // Prepare
    const runs = HELP_TARGETS.filter((prefix) => prefix.length > 1 || prefix[0] !== 'webhook').map(
      (prefix) => ({
        prefix,
        run: capture({}),
      }),
    );

    // Act
    const codes = await Promise.all(
      runs.map(({ prefix, run }) => runCli([...prefix, '--frobnicate'], run.io)),
    );

    // Assess
    expect(codes.every((code) => code === 1)).toBe(true);
    for (const { prefix, run } of runs) {
      expect(run.err() + run.out()).toMatch(/--frobnicate/);
      expect(run.err() + run.out()).toContain(`usage: fivetran-metadata ${prefix.join(' ')}`);
    }
  });

  it('the command list points at each command’s --help and lists every exit code', async () => {
    // Act
    const { code, text } = await helpOf([]);

    // Assess
    expect(code).toBe(0);
    expect(text).toContain('fivetran-metadata <command> --help');
    for (const exit of [0, 1, 2, 3, 4, 5]) expect(text).toMatch(new RegExp(`\\n {2}${exit} {2}\\S`));
  });
});
