import type { FivetranClient, Page } from './client.ts';

export type KeyKind = 'user' | 'system' | 'unknown';

export interface ConnectionCheck {
  readonly accountId: string;
  /** The account's name, or its id when Fivetran gave none (only `account_id` is required). */
  readonly accountName: string;
  /** A user's (scoped) key shows `user_id` in account info, a system key `system_key_id`. */
  readonly keyKind: KeyKind;
  readonly groups: number;
  readonly connections: number;
  /** Things worth telling the operator although the key works. */
  readonly warnings: readonly string[];
}

/**
 * "Test connection": proves the key authenticates (`GET /v1/account/info`) and can read what the sweep
 * needs (groups, connections). Failures surface as the client's typed errors.
 */
export async function checkConnection(client: FivetranClient): Promise<ConnectionCheck> {
  const info = await client.accountInfo();
  const keyKind: KeyKind = info.user_id ? 'user' : info.system_key_id ? 'system' : 'unknown';
  const groups = await countItems(client.groupPages());
  const connections = await countItems(client.connectionPages());
  const warnings: string[] = [];
  if (!info.account_name) warnings.push('Fivetran gave no account name for this key (only its id)');
  if (groups === 0 || connections === 0) {
    const none = groups === 0 ? 'no groups' : 'no connections';
    warnings.push(
      `the key sees ${none}: a scoped key sees only what its user may see, a system key only what its ` +
        'permissions cover; check them if the account has more',
    );
  }
  return {
    accountId: info.account_id,
    accountName: info.account_name || info.account_id,
    keyKind,
    groups,
    connections,
    warnings,
  };
}

async function countItems<T>(pages: AsyncIterable<Page<T>>): Promise<number> {
  let count = 0;
  for await (const page of pages) count += page.items.length;
  return count;
}
