import { join, resolve } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { ConfigError, type Env } from '#commons/config/env';
import { fivetranApiUrl, fivetranCredential } from '#commons/config/fivetran-settings';
import { loadLocalConfig } from '#commons/config/local-config';
import type { SweepErrorCode, SweepRecord } from '#commons/store/repositories/sweeps';
import type { SweepProgress } from '#commons/sweep/sweep-context';
import { progressLine, summaryTable } from '#commons/sweep/sweep-report';
import { AwsProblem } from '../aws-problems.ts';
import { type CliIo, type Command, EXIT, parseCredentialArgs } from '../cli-io.ts';
import { ENV_CREDENTIAL_NAME, loadFivetranCredential } from '../fivetran-access.ts';
import { type CommandHelp, EXIT_MEANING, renderHelp, usageLine } from '../help.ts';

export const SWEEP_HELP: CommandHelp = {
  usage: ['fivetran-metadata sweep [--secret-id <secret-arn>] [--json]'],
  description:
    'One sweep of the Fivetran account now, with progress and a summary. While the local server runs on HOST:PORT it ' +
    'holds the store, so the sweep goes through it (POST /api/sweeps, with API_TOKEN); otherwise it runs here, into ' +
    'the store under DATA_DIR. Deployed sweeps run in AWS on their schedule.',
  options: [
    [
      '--secret-id <secret-arn>',
      'the Fivetran API key from this Secrets Manager secret {"apiKey","apiSecret"}; default FIVETRAN_API_KEY/FIVETRAN_API_SECRET (ignored while the local server runs: it sweeps with its own)',
    ],
    ['--json', 'the sweep record as one JSON object on stdout'],
  ],
  exitCodes: [
    [0, 'the sweep succeeded, or was partial (it ran out of time or request budget; the next one goes on)'],
    [1, `${EXIT_MEANING.usage[1]}; or the credential is not configured yet`],
    EXIT_MEANING.credentialRejected,
    EXIT_MEANING.permissionMissing,
    [4, 'the sweep failed otherwise (Fivetran or the store unreachable, an unexpected answer)'],
  ],
};
/** How long to wait for a sweep the local server runs. */
const WAIT_LIMIT_MS = 20 * 60_000;
const POLL_MS = 500;

class SweepCommandError extends Error {
  constructor(
    message: string,
    readonly exitCode: number,
  ) {
    super(message);
  }
}

const EXIT_BY_CODE: Partial<Record<SweepErrorCode, number>> = {
  credential_rejected: EXIT.credentialRejected,
  permission_missing: EXIT.permissionMissing,
};

/** A failed sweep's exit code, from the code its record carries. */
function exitCodeOf(record: SweepRecord): number {
  if (record.outcome === 'not_configured') return EXIT.usage;
  if (record.outcome !== 'failed') return EXIT.ok;
  return (record.error_code && EXIT_BY_CODE[record.error_code]) ?? EXIT.unreachable;
}

/** Writes progress: one rewritten line (with bars) on a terminal, a plain line per finished phase otherwise. */
function progressWriter(io: CliIo, tty: boolean) {
  let last: SweepProgress | null = null;
  let lastDraw = 0;
  return {
    update(progress: SweepProgress) {
      if (tty) {
        const now = Date.now();
        if (progress.phase === last?.phase && now - lastDraw < 100) return;
        lastDraw = now;
        io.stdout(`\r\x1b[2K${progressLine(progress, true)}`);
      } else if (last !== null && progress.phase !== last.phase) {
        io.stdout(`${progressLine(last, false)}\n`);
      }
      last = progress;
    },
    end() {
      if (tty) io.stdout('\r\x1b[2K');
    },
  };
}

/** The local server on PORT holds the store while it runs: find out whether it answers. */
async function localServerUrl(env: Env): Promise<string | null> {
  const config = loadLocalConfig(env);
  const host = config.host === '0.0.0.0' ? '127.0.0.1' : config.host === '::' ? '::1' : config.host;
  const url = `http://${host.includes(':') ? `[${host}]` : host}:${config.port}`;
  try {
    const answer = await fetch(`${url}/healthz`, { signal: AbortSignal.timeout(1_500) });
    await answer.body?.cancel();
    return answer.ok ? url : null;
  } catch {
    return null;
  }
}

async function viaServer(
  url: string,
  env: Env,
  io: CliIo,
  json: boolean,
  tty: boolean,
): Promise<SweepRecord> {
  const token = env.API_TOKEN?.trim();
  const headers: Record<string, string> = token ? { authorization: `Bearer ${token}` } : {};
  const started = await fetch(`${url}/api/sweeps`, { method: 'POST', headers });
  const body = (await started.json().catch(() => ({}))) as { id?: string; message?: string };
  if (started.status === 401) {
    throw new SweepCommandError(
      `the local server at ${url} wants API_TOKEN (set it as the server has it)`,
      EXIT.usage,
    );
  }
  if ((started.status !== 202 && started.status !== 409) || typeof body.id !== 'string') {
    throw new SweepCommandError(
      `the local server at ${url} did not start a sweep (HTTP ${started.status}${body.message ? `: ${body.message}` : ''})`,
      EXIT.usage,
    );
  }
  const id = body.id;
  if (!json) {
    io.stdout(
      started.status === 202
        ? `sweep ${id} started by the local server at ${url}\n`
        : `sweep ${id} is already running on the local server at ${url}; waiting for it\n`,
    );
  }
  const sleep = io.sleep ?? ((ms: number) => delay(ms));
  const begin = Date.now();
  for (let waited = 0; waited < WAIT_LIMIT_MS; waited += POLL_MS) {
    const answer = await fetch(`${url}/api/sweeps?limit=20`, { headers });
    if (answer.ok) {
      const { items } = (await answer.json()) as { items: SweepRecord[] };
      const record = items.find((item) => item.id === id);
      if (record && record.outcome !== 'running') return record;
    }
    if (tty && !json)
      io.stdout(`\r\x1b[2Ksweep ${id}: running (${Math.round((Date.now() - begin) / 1000)} s)`);
    await sleep(POLL_MS);
  }
  throw new SweepCommandError(
    `sweep ${id} did not finish within ${WAIT_LIMIT_MS / 60_000} minutes`,
    EXIT.unreachable,
  );
}

async function direct(env: Env, secretId: string | undefined, io: CliIo, json: boolean, tty: boolean) {
  const config = loadLocalConfig(env);
  const apiUrl = fivetranApiUrl(env.FIVETRAN_API_URL?.trim() || undefined);
  const credential = secretId
    ? (await loadFivetranCredential(env, secretId)).credential
    : fivetranCredential(env);
  if (credential === null) {
    throw new ConfigError(
      'no Fivetran credential: set FIVETRAN_API_KEY and FIVETRAN_API_SECRET (environment or .env), or pass ' +
        '--secret-id <secret-arn>. (For the demo account, run `npm start`: it sweeps the simulated account itself.)',
    );
  }
  // The store, opened the way the local server opens it: loaded only on this path (the SDK is heavy).
  const [{ lockDataDir }, { startLocalDynamo }, { createRepositories }, { connectionWriter }, { runSweep }] =
    await Promise.all([
      import('#commons/local-store/data-dir-lock'),
      import('#commons/local-store/local-dynamo'),
      import('#commons/store/repositories'),
      import('#commons/ingest/connection-writer'),
      import('#commons/sweep/run-sweep'),
    ]);
  const dataDir = resolve(config.dataDir);
  const { mkdirSync } = await import('node:fs');
  mkdirSync(dataDir, { recursive: true });
  const release = lockDataDir(dataDir);
  const dynamo = await startLocalDynamo({ path: join(dataDir, 'dynamodb') }).catch((error: unknown) => {
    release();
    throw error;
  });
  const progress = progressWriter(io, tty && !json);
  try {
    const repositories = createRepositories(
      { client: dynamo.documentClient, tableName: dynamo.tableName },
      { retentionDays: config.eventRetentionDays },
    );
    if (!json) io.stdout(`sweeping ${apiUrl} into ${dataDir}\n`);
    const budgetEnd = Date.now() + 15 * 60_000;
    const result = await runSweep({
      repositories,
      writer: connectionWriter(repositories.connections),
      fivetran: {
        baseUrl: apiUrl,
        credential,
        credentialName: secretId ?? ENV_CREDENTIAL_NAME,
        ...(io.sleep ? { sleep: io.sleep } : {}),
      },
      schemaRequestBudget: config.schemaRequestBudget,
      requestsPerHour: config.requestsPerHour,
      remainingMs: () => budgetEnd - Date.now(),
      safetyMarginMs: 0,
      ...(json ? {} : { onProgress: (p: SweepProgress) => progress.update(p) }),
    });
    progress.end();
    if (result.status === 'busy') {
      throw new SweepCommandError(
        `sweep ${result.id} is still running (it holds the lease); try later`,
        EXIT.usage,
      );
    }
    return result.record;
  } finally {
    await dynamo.close();
    release();
  }
}

/**
 * One sweep now, with progress and a summary. While a local server runs on PORT it holds the store, so the
 * sweep goes through its `POST /api/sweeps` (and is awaited via `GET /api/sweeps`); otherwise it runs here,
 * against the store under DATA_DIR. Exit 0 succeeded or partial, 1 usage/config, 2 credential rejected,
 * 3 permission missing, 4 any other failure.
 */
export async function sweep(args: readonly string[], io: CliIo): Promise<number> {
  let json = false;
  try {
    const values = parseCredentialArgs(args);
    json = values.json ?? false;
    if (values.help) {
      io.stdout(renderHelp(SWEEP_HELP));
      return EXIT.ok;
    }
    const tty = process.stdout.isTTY === true && io.env.TERM !== 'dumb';
    const server = await localServerUrl(io.env);
    if (server !== null && values['secret-id'] && !json) {
      io.stderr('warning: --secret-id is ignored: the running local server sweeps with its own credential\n');
    }
    const record =
      server !== null
        ? await viaServer(server, io.env, io, json, tty)
        : await direct(io.env, values['secret-id'], io, json, tty);
    if (tty && !json) io.stdout('\r\x1b[2K');
    io.stdout(json ? `${JSON.stringify(record)}\n` : `${summaryTable(record)}\n`);
    return exitCodeOf(record);
  } catch (error) {
    const usageMistake = (error as { code?: string }).code?.startsWith('ERR_PARSE_ARGS');
    const message = usageMistake
      ? `${(error as Error).message}; usage: ${usageLine(SWEEP_HELP)}`
      : (error as Error).message;
    const code =
      error instanceof SweepCommandError || error instanceof AwsProblem
        ? error.exitCode
        : error instanceof ConfigError || usageMistake
          ? EXIT.usage
          : null;
    if (code === null) throw error;
    if (json) io.stdout(`${JSON.stringify({ ok: false, exit_code: code, message })}\n`);
    else io.stderr(`sweep: ${message}\n`);
    return code;
  }
}

export const sweepCommand: Command = {
  name: 'sweep',
  summary: 'sweep the Fivetran account into the store now (through the local server when one runs)',
  help: SWEEP_HELP,
  run: sweep,
};
