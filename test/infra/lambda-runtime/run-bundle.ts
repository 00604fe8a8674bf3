/**
 * Runs a bundle from the CDK asset output in a fresh Node process, as the Lambda Node.js runtime would:
 * the function's environment from the synthesized template (CloudFormation references replaced by the
 * local stand-ins), the variables Lambda itself sets, and the SDK pointed at the fakes.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FakeAws } from './fake-aws.ts';

const RUNNER = join(import.meta.dirname, 'invoke-bundle.mjs');

export interface Invocation {
  readonly ok: boolean;
  readonly timedOut?: boolean;
  readonly result?: unknown;
  readonly error?: { name: string; message: string };
  /** The handler module's import, measured inside the process. */
  readonly importMs: number;
  /** Wall time of the whole process. */
  readonly wallMs: number;
  /** What the function wrote (Powertools JSON logs, EMF metrics). */
  readonly stdout: string;
  readonly stderr: string;
}

/** Values for the template's CloudFormation references, by variable name. */
export type ReferenceValues = Readonly<Record<string, string>>;

/**
 * The function's variables from the template. A reference the harness has no value for fails loudly,
 * so a new variable on a function is noticed here.
 */
export function templateEnvironment(
  variables: Record<string, unknown>,
  references: ReferenceValues,
): Record<string, string> {
  return Object.fromEntries(
    Object.entries(variables).map(([name, value]) => {
      if (typeof value === 'string') return [name, value];
      const substitute = references[name];
      if (substitute === undefined) throw new Error(`no local value for ${name} (${JSON.stringify(value)})`);
      return [name, substitute];
    }),
  );
}

const home = mkdtempSync(join(tmpdir(), 'lambda-home-'));

/** What the Lambda service adds to every function's environment, plus the fakes' endpoints. */
export function runtimeEnvironment(functionName: string, fake: FakeAws): Record<string, string> {
  return {
    PATH: process.env.PATH ?? '',
    // No developer ~/.aws files: the SDK must not find profiles or endpoints there.
    HOME: home,
    TZ: ':UTC',
    AWS_REGION: 'us-east-1',
    AWS_DEFAULT_REGION: 'us-east-1',
    AWS_EXECUTION_ENV: 'AWS_Lambda_nodejs24.x',
    AWS_LAMBDA_FUNCTION_NAME: functionName,
    AWS_LAMBDA_FUNCTION_VERSION: '$LATEST',
    AWS_LAMBDA_FUNCTION_MEMORY_SIZE: '512',
    AWS_LAMBDA_LOG_GROUP_NAME: `/aws/lambda/${functionName}`,
    AWS_LAMBDA_INITIALIZATION_TYPE: 'on-demand',
    // The role's temporary credentials: Lambda hands them over in the environment, nowhere else.
    AWS_ACCESS_KEY_ID: 'ASIAE2EEXAMPLE',
    AWS_SECRET_ACCESS_KEY: 'e2e-secret-access-key',
    AWS_SESSION_TOKEN: 'e2e-session-token',
    AWS_ENDPOINT_URL_DYNAMODB: fake.endpoints.dynamodb,
    AWS_ENDPOINT_URL_SECRETS_MANAGER: fake.endpoints.secretsManager,
    AWS_ENDPOINT_URL_EVENTBRIDGE: fake.endpoints.eventBridge,
    AWS_ENDPOINT_URL_LAMBDA: fake.endpoints.lambda,
  };
}

export interface RunOptions {
  readonly functionName: string;
  /** What getRemainingTimeInMillis counts down from (the function's timeout). */
  readonly timeoutMs: number;
  readonly env: Record<string, string>;
}

export function runBundle(bundleDir: string, event: unknown, options: RunOptions): Promise<Invocation> {
  const started = performance.now();
  const child = spawn(process.execPath, [RUNNER, join(bundleDir, 'index.mjs')], {
    cwd: bundleDir,
    env: { ...options.env, LAMBDA_TASK_ROOT: bundleDir, _HANDLER: 'index.handler' },
    stdio: ['pipe', 'pipe', 'pipe', 'pipe'],
  });
  const output = { stdout: '', stderr: '', report: '' };
  child.stdout?.on('data', (chunk) => {
    output.stdout += chunk;
  });
  child.stderr?.on('data', (chunk) => {
    output.stderr += chunk;
  });
  (child.stdio[3] as NodeJS.ReadableStream).on('data', (chunk) => {
    output.report += chunk;
  });
  child.stdin?.end(
    JSON.stringify({ event, timeoutMs: options.timeoutMs, functionName: options.functionName }),
  );
  // The runner reports a timeout itself; this only guards against a runner that cannot.
  const guard = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs + 15_000);
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(guard);
      const wallMs = performance.now() - started;
      if (output.report === '') {
        reject(
          new Error(`the bundle process exited ${code} without an answer:\n${output.stderr}${output.stdout}`),
        );
        return;
      }
      resolve({
        ...(JSON.parse(output.report) as Invocation),
        wallMs,
        stdout: output.stdout,
        stderr: output.stderr,
      });
    });
  });
}
