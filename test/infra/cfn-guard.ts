/**
 * Runs the AWS Control Tower proactive controls that ship with @cdklabs/cdk-validator-cfnguard (its own
 * cfn-guard binary and rule files, all offline) against a synthesized template, and names the controls
 * that fail with the resources that fail them.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { arch, platform, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

const PACKAGE_DIR = dirname(
  createRequire(import.meta.url).resolve('@cdklabs/cdk-validator-cfnguard/package.json'),
);
export const CONTROL_TOWER_RULES = join(PACKAGE_DIR, 'rules', 'control-tower', 'cfn-guard');

/** The package's binary for this machine, as its own plugin picks it (null where it ships none). */
export function guardBinary(): string | null {
  const os = platform() === 'linux' ? 'ubuntu' : platform() === 'darwin' ? 'macos' : null;
  const cpu = arch() === 'x64' ? 'x86_64' : arch() === 'arm64' ? 'aarch64' : null;
  return os && cpu ? join(PACKAGE_DIR, 'bin', os, cpu, 'cfn-guard') : null;
}

/** Control id (e.g. `CT.LAMBDA.PR.3`) → logical ids of the resources that fail it. */
export type GuardFailures = Record<string, string[]>;

/** cfn-guard exits 19 when a rule fails; the findings are in its JSON output either way. */
function runGuard(binary: string, templatePaths: string[]): string {
  const data = templatePaths.flatMap((path) => ['--data', path]);
  const args = ['validate', '--rules', CONTROL_TOWER_RULES, ...data];
  try {
    return execFileSync(
      binary,
      [...args, '--output-format', 'json', '--show-summary', 'none', '--structured'],
      {
        encoding: 'utf8',
        maxBuffer: 64 * 1024 * 1024,
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
  } catch (error) {
    const { status, stdout } = error as { status?: number; stdout?: string };
    if (status === 19 && stdout) return stdout;
    throw error;
  }
}

/** The failures found in one of cfn-guard's per-template documents. */
function failuresIn(document: { not_compliant?: Record<string, unknown> | unknown[] }): GuardFailures {
  const failures: GuardFailures = {};
  for (const finding of Object.values(document.not_compliant ?? {})) {
    const json = JSON.stringify(finding);
    const controls = new Set(json.match(/CT\.[A-Z0-9]+\.PR\.\d+/g) ?? []);
    const resources = new Set(
      [...json.matchAll(/"path":"\/Resources\/([A-Za-z0-9]+)/g)].map((m) => m[1] as string),
    );
    for (const control of controls) {
      failures[control] = [...new Set([...(failures[control] ?? []), ...resources])].sort();
    }
  }
  return failures;
}

/**
 * Checks several templates in one cfn-guard run (it loads the 300-odd rule files once): name → failures.
 */
export function controlTowerFailures(
  templates: Record<string, object>,
  binary: string,
): Record<string, GuardFailures> {
  const dir = mkdtempSync(join(tmpdir(), 'cfn-guard-'));
  try {
    const names = Object.keys(templates);
    const paths = names.map((name, index) => {
      const path = join(dir, `template-${index}.json`);
      writeFileSync(path, JSON.stringify(templates[name]));
      return path;
    });
    const documents = JSON.parse(runGuard(binary, paths)) as ({ name: string } & Parameters<
      typeof failuresIn
    >[0])[];
    return Object.fromEntries(
      names.map((name, index) => {
        const document = documents.find((d) => d.name === paths[index]);
        if (!document) throw new Error(`cfn-guard reported nothing for ${name}`);
        return [name, failuresIn(document)];
      }),
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
