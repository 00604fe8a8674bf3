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
 * Even for these keys a value passes only in the shape the key expects (`CONFIG_SHAPES`): an enum word,
 * a destination identifier, a boolean or a small number. A value that looks like a credential (a known
 * token prefix such as `sk_live_` or `xoxb-`, or a long random-looking run of letters and digits) is
 * dropped whatever the key: a connector that misuses a harmless-sounding key must not leak through it.
 */
export type ConfigShape = 'word' | 'identifier' | 'boolean' | 'word_or_count';

/** What each allow-listed key may hold (enum values per Fivetran's OpenAPI, e.g. `WAL_PGOUTPUT`, `AllAccounts`). */
export const CONFIG_SHAPES: Readonly<Record<string, ConfigShape>> = {
  schema: 'identifier',
  table: 'identifier',
  schema_prefix: 'identifier',
  table_name: 'identifier',
  update_method: 'word',
  sync_method: 'word',
  sync_mode: 'word',
  sync_type: 'word',
  replication_method: 'word',
  is_sandbox: 'boolean',
  connection_type: 'word',
  auth_type: 'word',
  auth_method: 'word',
  timeframe_months: 'word_or_count',
  report_type: 'word',
  aggregation: 'word',
  pre_built_report: 'word',
};

export const CONFIG_ALLOW_LIST: readonly string[] = Object.keys(CONFIG_SHAPES);

/** An enum value: a letter, then letters, digits or `_`, at most 48 characters. */
const WORD = /^[A-Za-z][A-Za-z0-9_]{0,47}$/;
/** A destination schema or table name. */
const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_$]{0,127}$/;

/** Prefixes of API keys and tokens (Stripe, Slack, GitHub, GitLab, AWS, Google, JWT, SendGrid, npm, …). */
const TOKEN_PREFIX =
  /^(?:(?:sk|rk|pk)_(?:live|test)_|xox[a-z]?-|xapp-|gh[pousr]_|github_pat_|glpat-|(?:AKIA|ASIA)[A-Z0-9]{16}$|AIza[\w-]{30}|ya29\.|eyJ[\w-]{10}|SG\.|npm_[A-Za-z0-9]{20}|shp(?:at|ss|ca)_|whsec_|sq0[a-z]{3}-)/;

/**
 * Random-looking: a run of 20+ letters and digits that mixes both, or of 16+ that mixes upper case, lower
 * case and digits. Enum words (`SpecificReportSuites`) and names (`salesforce_prod_2023`) are neither.
 */
function randomLooking(value: string): boolean {
  return value.split(/[_\-.$]/).some((run) => {
    const digits = /\d/.test(run);
    const letters = /[A-Za-z]/.test(run);
    if (run.length >= 20 && digits && letters) return true;
    return run.length >= 16 && digits && /[a-z]/.test(run) && /[A-Z]/.test(run);
  });
}

/** Whether a text looks like a credential, whatever key it came under. */
export function looksLikeSecret(value: string): boolean {
  return TOKEN_PREFIX.test(value) || randomLooking(value);
}

function fits(shape: ConfigShape, value: unknown): value is string | number | boolean {
  if (shape === 'boolean') return typeof value === 'boolean';
  if (shape === 'word_or_count' && typeof value === 'number') {
    return Number.isInteger(value) && value >= 0 && value <= 1200;
  }
  if (typeof value !== 'string') return false;
  const pattern = shape === 'identifier' ? IDENTIFIER : WORD;
  return pattern.test(value) && !looksLikeSecret(value);
}

export function allowListedConfig(
  config: Readonly<Record<string, unknown>> | null | undefined,
): ConnectionConfig {
  const kept: Record<string, string | number | boolean> = {};
  if (!config) return kept;
  for (const [key, shape] of Object.entries(CONFIG_SHAPES)) {
    if (!Object.hasOwn(config, key)) continue;
    const value = config[key];
    if (fits(shape, value)) kept[key] = value;
  }
  return kept;
}
