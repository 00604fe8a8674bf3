import { ConfigError } from '#commons/config/env';
import { createHttpApp } from '#commons/http/app';
import { startHttpServer } from '#commons/http/node-server';
import { connectionWriter } from '#commons/ingest/connection-writer';
import { eventRecorder } from '#commons/ingest/record-event';
import { fileSecretSource } from '#commons/webhook-secret/file-secret-source';
import {
  checkWebhookUrl,
  type Registered,
  registerWebhook,
} from '#commons/webhook-secret/webhook-registration';
import { type ApiAccess, dataDirAccess, localServerAccess, openTableAccess } from '../api-access.ts';
import { EXIT } from '../cli-io.ts';
import { explainProbeFailure } from './webhook-probe.ts';
import { openSecretStore, type WebhookRun } from './webhook-target.ts';

/**
 * `webhook register`: a fresh secret stored where the receiver reads it, then our webhook created at
 * Fivetran, then its id saved in the store. Deployed (`--stack`, or `--webhook-secret-id` + `--table`) the
 * table and the secret are checked before anything is stored or created; locally this command answers
 * Fivetran's creation probe itself on HOST:PORT (the local server must be stopped: it holds DATA_DIR).
 */
export async function register(run: WebhookRun): Promise<number> {
  const { values, target, config, admin, io, probe } = run;
  if (!target.url) {
    throw new ConfigError('--url is required (or --stack): the public https URL Fivetran should call');
  }
  const url = checkWebhookUrl(target.url);
  const deployed = target.deployed;
  let access: ApiAccess;
  if (deployed) {
    access = await openTableAccess({
      tableName: deployed.tableName,
      region: deployed.region,
      endpoint: deployed.endpoint,
    });
  } else {
    const running = await localServerAccess(config);
    if (running) {
      throw new ConfigError(
        `${running.description} holds DATA_DIR: stop it, then run register again (while it runs, register answers Fivetran's creation probe itself on ${config.host}:${config.port})`,
      );
    }
    access = await dataDirAccess(config, { create: true });
  }
  let receiver: { close(): Promise<void> } | null = null;
  let secrets: Awaited<ReturnType<typeof openSecretStore>> | null = null;
  try {
    secrets = await openSecretStore(deployed?.webhookSecretId, config);
    const repositories = access.repositories;
    if (!repositories) throw new Error('register needs the table itself');
    if (!deployed) {
      // Fivetran probes the URL before it creates the webhook: answer it (and any event right after) here.
      const writer = connectionWriter(repositories.connections);
      const app = createHttpApp({
        repositories,
        webhook: {
          recorder: eventRecorder({ repositories, writer }),
          secrets: fileSecretSource(config.dataDir, await secrets.read()),
        },
      });
      receiver = await startHttpServer({ app, host: config.host, port: config.port });
    }
    let registered: Registered;
    try {
      registered = await registerWebhook({ admin, secrets, url, groupId: values.group ?? null });
    } catch (error) {
      throw (
        (await explainProbeFailure(error, {
          url,
          secretsName: secrets.name,
          receiver: deployed
            ? { kind: 'deployed' }
            : { kind: 'local', listen: `${config.host}:${config.port}` },
          creating: true,
          ...(probe ? { probe } : {}),
        })) ?? error
      );
    }
    const { webhook } = registered;
    try {
      await repositories.webhookRegistration.save({
        webhook_id: webhook.id,
        url: webhook.url ?? url,
        group_id: values.group ?? null,
      });
    } catch (error) {
      io.stderr(
        `webhook register: Fivetran webhook ${webhook.id} was created, but saving its id in ${access.description} failed (${(error as Error).name}); ` +
          `pass --webhook-id ${webhook.id} to webhook status and rotate-secret\n`,
      );
      return EXIT.unreachable;
    }
    const scope = values.group ? `group ${values.group}` : 'account';
    io.stdout(
      [
        `Registered ${scope} webhook ${webhook.id} → ${webhook.url}`,
        ...(target.stack ? [`  for:     ${target.stack}`] : []),
        `  events:  ${webhook.events?.length ?? 0} (${(webhook.events ?? []).join(', ')})`,
        `  secret:  a new one, stored in ${secrets.name} before Fivetran was called (the previous one still verifies)`,
        `  saved:   in ${access.description}; the sweep checks it stays active`,
        '',
      ].join('\n'),
    );
    if (registered.skippedEvents.length > 0) {
      io.stderr(
        `warning: Fivetran refused ${registered.skippedEvents.join(', ')}; registered without them\n`,
      );
    }
    return EXIT.ok;
  } finally {
    await receiver?.close();
    secrets?.close();
    await access.close();
  }
}
