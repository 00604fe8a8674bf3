import { existsSync, mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { Hono } from 'hono';
import { AWS_TIMEOUTS, awsClientConfig } from '#commons/aws/client-config';
import { ConfigError } from '#commons/config/env';
import type { LocalConfig } from '#commons/config/local-config';
import { createHttpApp, type HttpAppOptions } from '#commons/http/app';
import { lockDataDir } from '#commons/local-store/data-dir-lock';
import { startLocalDynamo } from '#commons/local-store/local-dynamo';
import type { RunMode } from '#commons/read/summary';
import { createRepositories, type Repositories } from '#commons/store/repositories';
import { documentClient } from '#commons/store/table/document-client';
import { describingAwsFailure } from './aws-problems.ts';

/** DATA_DIR holds no store yet (nothing was ever started or swept there). */
export class NothingStoredError extends ConfigError {
  override name = 'NothingStoredError';
}

/** A deployed table named on the command line (`--table`, `--region`, `--endpoint`). */
export interface TableTarget {
  readonly name?: string | undefined;
  readonly region?: string | undefined;
  readonly endpoint?: string | undefined;
}

/**
 * Where the data is, as every reading command finds it: `--table` (a deployed table, the caller's AWS
 * credentials), else the local server when one answers on HOST/PORT, else the store under DATA_DIR
 * (`NothingStoredError` when there is none). The local configuration is read only when no table is named.
 */
export async function openReadAccess(local: () => LocalConfig, table: TableTarget): Promise<ApiAccess> {
  if (table.name)
    return openTableAccess({ tableName: table.name, region: table.region, endpoint: table.endpoint });
  const config = local();
  return (await localServerAccess(config)) ?? (await dataDirAccess(config, { create: false }));
}

/** An answer other than 2xx from the read API, with its `{ message }`. */
export class ApiAnswerError extends Error {
  override name = 'ApiAnswerError';
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

/**
 * How a CLI command reaches the read API: the running local server over HTTP (it holds DATA_DIR: dynalite
 * is one process per directory), or the router in-process over the DATA_DIR store or a deployed table.
 * Either way the answers are the same JSON.
 */
export interface ApiAccess {
  /** For messages: "the local server at …", "DATA_DIR …", "table … (region)". */
  readonly description: string;
  /** GET a read route's JSON; a non-2xx answer is an `ApiAnswerError`. */
  get<T = unknown>(pathAndQuery: string): Promise<T>;
  /** The table's repositories, when this process holds it (not through a server). */
  readonly repositories: Repositories | null;
  close(): Promise<void>;
}

/** The address a client on this machine reaches the server at (a wildcard bind answers on loopback). */
export function localServerUrl(config: Pick<LocalConfig, 'host' | 'port'>): string {
  const host = config.host === '0.0.0.0' ? '127.0.0.1' : config.host === '::' ? '::1' : config.host;
  return `http://${host.includes(':') ? `[${host}]` : host}:${config.port}`;
}

/**
 * The local server on the configured HOST/PORT, if one answers `/healthz` as ours does; null otherwise.
 * The bearer token (API_TOKEN) goes on every `/api/*` request.
 */
export async function localServerAccess(
  config: Pick<LocalConfig, 'host' | 'port' | 'apiToken'>,
  timeoutMs = 1_500,
): Promise<ApiAccess | null> {
  const base = localServerUrl(config);
  try {
    const probe = await fetch(`${base}/healthz`, { signal: AbortSignal.timeout(timeoutMs) });
    const body = (await probe.json().catch(() => null)) as { status?: unknown } | null;
    if (probe.status !== 200 || body?.status !== 'ok') return null;
  } catch {
    return null;
  }
  const headers: Record<string, string> = config.apiToken
    ? { authorization: `Bearer ${config.apiToken}` }
    : {};
  return {
    description: `the local server at ${base}`,
    repositories: null,
    async get<T>(path: string) {
      const response = await fetch(`${base}${path}`, { headers, signal: AbortSignal.timeout(30_000) });
      const body = (await response.json().catch(() => ({}))) as { message?: unknown };
      if (!response.ok) {
        const hint = response.status === 401 ? ' (set API_TOKEN to the server’s token)' : '';
        throw new ApiAnswerError(
          response.status,
          `${String(body.message ?? `HTTP ${response.status}`)}${hint}`,
        );
      }
      return body as T;
    },
    close: async () => {},
  };
}

/** The HTTP app in this process, called with its own `request()`: the same answers as over HTTP. */
function inProcess(
  description: string,
  repositories: Repositories,
  close: () => Promise<void>,
  mode: RunMode,
  extra: Partial<HttpAppOptions> = {},
): ApiAccess & { readonly app: Hono } {
  const app = createHttpApp({ repositories, mode, ...extra });
  return {
    description,
    repositories,
    app,
    async get<T>(pathAndQuery: string) {
      const response = await app.request(pathAndQuery);
      const body = (await response.json()) as { message?: unknown };
      if (response.status >= 300) throw new ApiAnswerError(response.status, String(body.message));
      return body as T;
    },
    close,
  };
}

/**
 * The embedded store under DATA_DIR, opened by this process (it takes the directory's lock, so a server
 * started meanwhile is refused rather than corrupting it). `create: false` refuses a directory with no data.
 */
export async function dataDirAccess(
  config: Pick<LocalConfig, 'dataDir' | 'eventRetentionDays' | 'fivetranCredential'>,
  options: { create: boolean },
): Promise<ApiAccess> {
  const dataDir = resolve(config.dataDir);
  const dbPath = join(dataDir, 'dynamodb');
  if (!options.create && !existsSync(dbPath)) {
    throw new NothingStoredError(
      `nothing is stored under DATA_DIR ${dataDir} yet: start the local server (npm start), or pass --table <name> for a deployed table`,
    );
  }
  mkdirSync(dataDir, { recursive: true });
  const release = lockDataDir(dataDir);
  try {
    const dynamo = await startLocalDynamo({ path: dbPath });
    const repositories = createRepositories(
      { client: dynamo.documentClient, tableName: dynamo.tableName },
      { retentionDays: config.eventRetentionDays },
    );
    return inProcess(
      `DATA_DIR ${dataDir}`,
      repositories,
      async () => {
        await dynamo.close();
        release();
      },
      config.fivetranCredential ? 'live' : 'demo',
    );
  } catch (error) {
    release();
    throw error;
  }
}

export interface TableOptions {
  readonly tableName: string;
  readonly region?: string | undefined;
  /** A DynamoDB endpoint (tests: dynalite); otherwise AWS_ENDPOINT_URL_DYNAMODB or the region's. */
  readonly endpoint?: string | undefined;
  readonly retentionDays?: number;
  /** More app options (e.g. the dashboard for `serve`). */
  readonly app?: Partial<HttpAppOptions>;
}

/**
 * A deployed table, read with the caller's AWS credentials (the SDK's default chain), not yet checked
 * (`openTableAccess` checks it). `region()` is the region the client resolved, when it has one.
 */
export function tableAccess(options: TableOptions): ApiAccess & {
  readonly app: Hono;
  readonly repositories: Repositories;
  region(): Promise<string | undefined>;
} {
  const client = new DynamoDBClient({
    ...awsClientConfig(AWS_TIMEOUTS.cli),
    ...(options.region ? { region: options.region } : {}),
    ...(options.endpoint ? { endpoint: options.endpoint } : {}),
  });
  const repositories = createRepositories(
    { client: documentClient(client), tableName: options.tableName },
    { retentionDays: options.retentionDays ?? 90 },
  );
  const access = inProcess(
    `table ${options.tableName}${options.region ? ` (${options.region})` : ''}`,
    repositories,
    async () => client.destroy(),
    'deployed',
    { sweepsUnavailable: SERVE_SWEEPS_MESSAGE, ...options.app },
  );
  return { ...access, repositories, region: () => client.config.region().catch(() => undefined) };
}

/**
 * A deployed table, checked with one read before anything else uses it: a missing login, region, table or
 * permission is one `AwsProblem` line (as `serve` says it), never the read API's "internal error".
 */
export async function openTableAccess(options: TableOptions): Promise<ApiAccess & { readonly app: Hono }> {
  const access = tableAccess(options);
  const where = options.region ?? (await access.region());
  try {
    await describingAwsFailure(
      {
        what: `read table ${options.tableName}`,
        needs: 'dynamodb:GetItem and dynamodb:Query on it',
        notFound: `table ${options.tableName} does not exist${where ? ` in ${where}` : ''}: pass --region <the stack's region>, or check the name (the stack's TableName output)`,
        region: where,
      },
      () => access.repositories.accountStats.ping(),
    );
  } catch (error) {
    await access.close();
    throw error;
  }
  return access;
}

/** Why `serve` (and the CLI over a deployed table) cannot start a sweep. */
export const SERVE_SWEEPS_MESSAGE =
  'this dashboard is read-only: sweeps run in AWS on their schedule (or POST /api/sweeps to the deployed API)';
