import type { ConnectionConfig } from './connection.ts';

/**
 * Fivetran's `config` differs per service (700+ of them) and mixes masked secrets (`******`) with values
 * that are sensitive although unmasked: hosts, ports, user names, account and customer ids, sheet URLs. So
 * it is never stored whole: only these keys, which say HOW a connection replicates, never WHERE FROM or
 * AS WHOM:
 * - `schema`, `table`, `schema_prefix`, `table_name`: the destination names the connection writes to (the
 *   connection's own `schema` field already shows them);
 * - `update_method` (database replication: `WAL`, `XMIN`, `BINLOG`, `TELEPORT`, …), `sync_method`,
 *   `sync_mode` (e.g. Google Ads `AllAccounts`), `sync_type`, `replication_method`: the replication mode;
 * - `is_sandbox`, `connection_type` (`Directly`, `SshTunnel`, …), `auth_type`, `auth_method`: which kind
 *   of source and access, not the credentials themselves;
 * - `timeframe_months`, `report_type`, `aggregation`, `pre_built_report`: what an ads/analytics
 *   connection pulls.
 * Even for these keys only short scalars pass, and a value that looks masked or like a URL or e-mail is
 * dropped: a connector that misuses a harmless-sounding key must not leak through it.
 */
export const CONFIG_ALLOW_LIST: readonly string[] = [
  'schema',
  'table',
  'schema_prefix',
  'table_name',
  'update_method',
  'sync_method',
  'sync_mode',
  'sync_type',
  'replication_method',
  'is_sandbox',
  'connection_type',
  'auth_type',
  'auth_method',
  'timeframe_months',
  'report_type',
  'aggregation',
  'pre_built_report',
];

const MAX_TEXT = 128;
/** Masked secrets, URLs, e-mail addresses, host:port and credentials-in-URL shapes. */
const SUSPICIOUS = /\*{3,}|:\/\/|@|^[\w.-]+:\d+$/;

export function allowListedConfig(
  config: Readonly<Record<string, unknown>> | null | undefined,
): ConnectionConfig {
  const kept: Record<string, string | number | boolean> = {};
  if (!config) return kept;
  for (const key of CONFIG_ALLOW_LIST) {
    if (!Object.hasOwn(config, key)) continue;
    const value = config[key];
    if (typeof value === 'boolean' || (typeof value === 'number' && Number.isFinite(value)))
      kept[key] = value;
    else if (typeof value === 'string' && value.length <= MAX_TEXT && !SUSPICIOUS.test(value))
      kept[key] = value;
  }
  return kept;
}
