import { CredentialRejectedError, FivetranError, NotFoundError } from '../fivetran/errors.ts';
import type { SweepContext } from './sweep-context.ts';

/**
 * Is our webhook still `active` at Fivetran? Fivetran disables a webhook whose deliveries keep failing, and
 * then only the sweep keeps the picture current. One request, when a webhook is registered; a webhook that
 * no longer exists (404) is not active. Null when none is registered or Fivetran could not say.
 */
export async function checkWebhook(context: SweepContext): Promise<string | null> {
  const registered = await context.repositories.webhookRegistration.get();
  if (registered === null) return null;
  context.progress('webhook');
  let active: boolean;
  try {
    const reported = (await context.client.webhook(registered.webhook_id)).active;
    // Tolerant reading keeps a webhook whose `active` was unreadable; then Fivetran could not say.
    if (typeof reported !== 'boolean')
      return `webhook ${registered.webhook_id}: Fivetran did not say whether it is active`;
    active = reported;
  } catch (error) {
    if (error instanceof NotFoundError) {
      active = false;
    } else if (error instanceof FivetranError && !(error instanceof CredentialRejectedError)) {
      return `could not check webhook ${registered.webhook_id}: ${error.message}`;
    } else {
      throw error;
    }
  }
  context.tally.webhook_active = active;
  const nowIso = new Date(context.now()).toISOString();
  if (await context.repositories.webhookRegistration.recordActive(registered.webhook_id, active, nowIso)) {
    context.tally.items_written++;
  }
  context.progress('webhook');
  return null;
}
