import { describe, expect, it } from 'vitest';
import type { CliIo } from '../../functions/cli/cli-io.ts';
import { COMMANDS, runCli } from '../../functions/cli/main.ts';

function capture(): { io: CliIo; out: () => string; err: () => string } {
  let stdout = '';
  let stderr = '';
  return {
    io: {
      env: {},
      stdout: (t) => {
        stdout += t;
      },
      stderr: (t) => {
        stderr += t;
      },
    },
    out: () => stdout,
    err: () => stderr,
  };
}

describe('fivetran-metadata command dispatch', () => {
  it('lists the commands on --help and exits 0', async () => {
    // Prepare
    const { io, out } = capture();

    // Act
    const code = await runCli(['--help'], io);

    // Assess
    expect(code).toBe(0);
    for (const command of COMMANDS) expect(out()).toContain(command.name);
  });

  it('exits 1 with the usage when no command or an unknown one is given', async () => {
    // Prepare
    const none = capture();
    const unknown = capture();

    // Act
    const codes = [await runCli([], none.io), await runCli(['frobnicate'], unknown.io)];

    // Assess
    expect(codes).toEqual([1, 1]);
    expect(none.err()).toContain('usage: fivetran-metadata <command>');
    expect(unknown.err()).toContain('unknown command "frobnicate"');
  });

  it('hands the remaining arguments to the command', async () => {
    // Prepare
    const { io, out } = capture();

    // Act
    const code = await runCli(['test-connection', '--help'], io);

    // Assess
    expect(code).toBe(0);
    expect(out()).toContain('usage: fivetran-metadata test-connection');
  });
});
