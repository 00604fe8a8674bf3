import { ConfigError } from '#commons/config/env';
import { type HttpServer, startHttpServer } from '#commons/http/node-server';
import { dashboardPage } from '../../dashboard/dashboard-page.ts';
import { tableAccess } from '../api-access.ts';
import { type CliIo, type Command, EXIT, parseCommandArgs } from '../cli-io.ts';

const USAGE = 'fivetran-metadata serve --table <name> [--region <r>] [--port <p>] [--endpoint <url>]';
const HOST = '127.0.0.1';

export interface ServeOptions {
  readonly tableName: string;
  readonly region?: string | undefined;
  readonly endpoint?: string | undefined;
  readonly port: number;
}

export interface Serving {
  readonly url: string;
  readonly description: string;
  close(): Promise<void>;
}

/** Why the table cannot be read, in one line (the SDK's error names are stable, its messages are long). */
function unreadable(tableName: string, error: unknown): ConfigError {
  const name = (error as { name?: string }).name ?? 'Error';
  if (name === 'ResourceNotFoundException') {
    return new ConfigError(
      `table ${tableName} does not exist in this region (pass --region, or check AWS_REGION)`,
    );
  }
  if (
    name === 'CredentialsProviderError' ||
    name === 'UnrecognizedClientException' ||
    name === 'ExpiredTokenException'
  ) {
    return new ConfigError(
      `no usable AWS credentials to read ${tableName} (${name}): log in (e.g. aws sso login) or set AWS_PROFILE`,
    );
  }
  if (name === 'AccessDeniedException') {
    return new ConfigError(
      `your AWS identity may not read ${tableName} (AccessDeniedException): it needs dynamodb:GetItem and dynamodb:Query`,
    );
  }
  return new ConfigError(`cannot read table ${tableName}: ${name}: ${(error as Error).message}`);
}

/**
 * The dashboard and the read API over a deployed table, read-only, on 127.0.0.1, with the caller's AWS
 * credentials: no webhook route, and `POST /api/sweeps` says sweeps run in AWS.
 */
export async function startServe(options: ServeOptions): Promise<Serving> {
  const access = tableAccess({
    tableName: options.tableName,
    region: options.region,
    endpoint: options.endpoint,
    // A web page must not read the operator's table through this server (DNS rebinding): loopback Host only.
    app: { dashboard: dashboardPage(), browserGuard: { allowedHosts: [HOST] } },
  });
  let server: HttpServer | null = null;
  try {
    await access.repositories?.accountStats.ping().catch((error: unknown) => {
      throw unreadable(options.tableName, error);
    });
    server = await startHttpServer({ app: access.app, host: HOST, port: options.port });
  } catch (error) {
    await access.close();
    throw error;
  }
  const listening = server;
  return {
    url: listening.url,
    description: access.description,
    close: async () => {
      await listening.close();
      await access.close();
    },
  };
}

/** Resolves on Ctrl-C or SIGTERM. */
function untilStopped(): Promise<NodeJS.Signals> {
  return new Promise((resolve) => {
    const stop = (signal: NodeJS.Signals) => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      resolve(signal);
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
}

export async function serve(args: readonly string[], io: CliIo): Promise<number> {
  let serving: Serving | null = null;
  try {
    const values = parseCommandArgs(args, {
      table: { type: 'string' },
      region: { type: 'string' },
      endpoint: { type: 'string' },
      port: { type: 'string' },
    });
    if (values.help) {
      io.stdout(`usage: ${USAGE}\n`);
      return EXIT.ok;
    }
    if (!values.table) throw new ConfigError(`--table is required; usage: ${USAGE}`);
    const port = values.port === undefined ? 3000 : Number(values.port);
    if (!/^\d+$/.test(values.port ?? '0') || port > 65_535) {
      throw new ConfigError(`--port must be a port number, got "${values.port}"`);
    }
    serving = await startServe({
      tableName: values.table,
      region: values.region,
      endpoint: values.endpoint,
      port,
    });
    io.stdout(
      [
        `fivetran-metadata serve: ${serving.url}`,
        `  Reading ${serving.description} with your AWS credentials; read-only (no webhook, no sweeps).`,
        '  Ctrl-C stops.',
        '',
      ].join('\n'),
    );
    const signal = await untilStopped();
    io.stdout(`${signal}: stopping\n`);
    return EXIT.ok;
  } catch (error) {
    const usageMistake = (error as { code?: string }).code?.startsWith('ERR_PARSE_ARGS');
    if (!(error instanceof ConfigError || usageMistake)) throw error;
    io.stderr(`serve: ${(error as Error).message}${usageMistake ? `; usage: ${USAGE}` : ''}\n`);
    return EXIT.usage;
  } finally {
    await serving?.close();
  }
}

export const serveCommand: Command = {
  name: 'serve',
  summary: 'the dashboard over a deployed table, read-only, on 127.0.0.1 (your AWS credentials)',
  usage: USAGE,
  run: serve,
};
