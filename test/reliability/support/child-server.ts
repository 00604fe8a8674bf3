/**
 * `npm start` as a real child process: node with tsx's loader running functions/local/main.ts directly (not
 * through the tsx CLI, which would put a second process in between), so a SIGKILL kills the server itself.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

const ROOT = resolve(import.meta.dirname, '../../..');
const MAIN = resolve(ROOT, 'functions/local/main.ts');
const TSX_LOADER = pathToFileURL(resolve(ROOT, 'node_modules/tsx/dist/loader.mjs')).href;

export interface ChildServer {
  readonly process: ChildProcess;
  readonly pid: number;
  /** `http://127.0.0.1:<port>`, from the banner. */
  readonly url: string;
  readonly output: { stdout: string; stderr: string };
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/**
 * Starts the server in `cwd` (choose one without a `.env`) with exactly `env` (plus PATH), and resolves once
 * the banner is out. Rejects with the output if it exits first or takes longer than `timeoutMs`.
 */
export function startChildServer(
  cwd: string,
  env: Record<string, string>,
  timeoutMs = 30_000,
): Promise<ChildServer> {
  const child = spawn(process.execPath, ['--import', TSX_LOADER, MAIN], {
    cwd,
    env: {
      PATH: process.env.PATH ?? '',
      HOME: cwd,
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const output = { stdout: '', stderr: '' };
  child.stdout?.on('data', (chunk) => {
    output.stdout += chunk;
  });
  child.stderr?.on('data', (chunk) => {
    output.stderr += chunk;
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((done) =>
    child.on('exit', (code, signal) => done({ code, signal })),
  );
  return new Promise((resolveStart, rejectStart) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      rejectStart(new Error(`server did not start in ${timeoutMs} ms:\n${output.stdout}\n${output.stderr}`));
    }, timeoutMs);
    const check = () => {
      const url = /URL: +(http:\/\/[^\s]+)/.exec(output.stdout)?.[1];
      if (url === undefined || !output.stdout.includes('Ctrl-C')) return;
      clearTimeout(timer);
      child.stdout?.off('data', check);
      resolveStart({ process: child, pid: child.pid as number, url, output, exited });
    };
    child.stdout?.on('data', check);
    void exited.then(({ code, signal }) => {
      clearTimeout(timer);
      rejectStart(
        new Error(`server exited (${code ?? signal}) before starting:\n${output.stdout}\n${output.stderr}`),
      );
    });
  });
}
