/**
 * `npm start`: the local server. Configuration from the environment and `.env` (the environment wins); a
 * configuration problem is one line and exit code 1.
 */
import { parseAlertConfig } from '#commons/alerts/alert-config';
import { ConfigError, loadEnv } from '#commons/config/env';
import { loadLocalConfig } from '#commons/config/local-config';
import { parseOpenLineageConfig } from '#commons/lineage/openlineage-config';
import { banner } from './banner.ts';
import { startLocalServer } from './local-server.ts';

// The project supports Node ≥ 20.19; the SDK's notice about its own future releases is noise here.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

const stamp = () => new Date().toISOString().slice(11, 19);
const log = (line: string) => console.log(`${stamp()} ${line}`);

try {
  const env = loadEnv();
  const config = loadLocalConfig(env);
  const server = await startLocalServer(config, {
    log,
    sweeps: true,
    alerts: { config: parseAlertConfig(env) },
    lineage: parseOpenLineageConfig(env),
  });
  console.log(banner(config, server, new Date()));

  let stopping = false;
  const stop = (signal: NodeJS.Signals) => {
    if (stopping) {
      log(`${signal} again: exiting now`);
      process.exit(1);
    }
    stopping = true;
    log(`${signal}: no new requests; finishing those in flight, then closing the database`);
    server.close().then(
      () => {
        log('stopped cleanly');
        process.exit(0);
      },
      (failure: unknown) => {
        console.error(`fivetran-metadata: shutdown failed: ${(failure as Error).message}`);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
} catch (failure) {
  if (failure instanceof ConfigError) {
    console.error(`fivetran-metadata: ${failure.message}`);
    process.exit(1);
  }
  throw failure;
}
