import { ConfigError } from '#commons/config/env';
import { type HttpServer, startHttpServer } from '#commons/http/node-server';
import { dashboardPage } from '../../dashboard/dashboard-page.ts';
import { openTableAccess } from '../api-access.ts';
import { AwsProblem } from '../aws-problems.ts';
import { type CliIo, type Command, EXIT, parseCommandArgs } from '../cli-io.ts';
import { deployedTable } from '../deployed-table.ts';
import { type CommandHelp, EXIT_MEANING, renderHelp, usageLine } from '../help.ts';

export const SERVE_HELP: CommandHelp = {
  usage: [
    'fivetran-metadata serve (--stack <name> | --table <name>) [--region <r>] [--port <p>] [--endpoint <url>]',
  ],
  description:
    'The dashboard and the read API over a deployed table, read-only, on 127.0.0.1, with your AWS login (it needs ' +
    'dynamodb:GetItem and dynamodb:Query on the table): no webhook route, and sweeps run in AWS. Ctrl-C stops it.',
  options: [
    ['--stack <name>', "a deployed stack: its table and region from the stack's outputs (TableName, Region)"],
    ['--table <name>', "the deployed table (the stack's TableName)"],
    ['--region <region>', 'where the stack or table is; default AWS_REGION or your AWS profile'],
    ['--port <port>', 'the port on 127.0.0.1 (default 3000; 0 picks a free one)'],
    ['--endpoint <url>', 'another DynamoDB endpoint (tests, DynamoDB Local)'],
  ],
  exitCodes: [
    [0, 'stopped by Ctrl-C or SIGTERM'],
    [1, `${EXIT_MEANING.usage[1]}; or the table does not exist there`],
    [4, 'AWS could not be reached'],
  ],
};
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

/**
 * The dashboard and the read API over a deployed table, read-only, on 127.0.0.1, with the caller's AWS
 * credentials: no webhook route, and `POST /api/sweeps` says sweeps run in AWS.
 */
export async function startServe(options: ServeOptions): Promise<Serving> {
  const access = await openTableAccess({
    tableName: options.tableName,
    region: options.region,
    endpoint: options.endpoint,
    // A web page must not read the operator's table through this server (DNS rebinding): loopback Host only.
    app: { dashboard: dashboardPage(), browserGuard: { allowedHosts: [HOST] } },
  });
  let server: HttpServer | null = null;
  try {
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
      stack: { type: 'string' },
      table: { type: 'string' },
      region: { type: 'string' },
      endpoint: { type: 'string' },
      port: { type: 'string' },
    });
    if (values.help) {
      io.stdout(renderHelp(SERVE_HELP));
      return EXIT.ok;
    }
    if (!values.table && !values.stack) {
      throw new ConfigError(`--stack or --table is required; usage: ${usageLine(SERVE_HELP)}`);
    }
    const port = values.port === undefined ? 3000 : Number(values.port);
    if (!/^\d+$/.test(values.port ?? '0') || port > 65_535) {
      throw new ConfigError(`--port must be a port number, got "${values.port}"`);
    }
    const table = await deployedTable(values);
    serving = await startServe({
      tableName: table.name as string,
      region: table.region,
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
    io.stderr(
      `serve: ${(error as Error).message}${usageMistake ? `; usage: ${usageLine(SERVE_HELP)}` : ''}\n`,
    );
    return error instanceof AwsProblem ? error.exitCode : EXIT.usage;
  } finally {
    await serving?.close();
  }
}

export const serveCommand: Command = {
  name: 'serve',
  summary: 'the dashboard over a deployed table, read-only, on 127.0.0.1 (your AWS credentials)',
  help: SERVE_HELP,
  run: serve,
};
