// zod/mini with named imports: the webhook Lambda reads OPENLINEAGE_NAMESPACE with this on its path.
import {
  maxLength,
  NEVER,
  object,
  optional,
  pipe,
  refine,
  regex,
  string,
  superRefine,
  transform,
} from 'zod/mini';
import type { ParsePayload } from 'zod/v4/core';
import { ConfigError, type Env } from '../config/env.ts';
import { isLoopbackHost } from '../config/fivetran-settings.ts';
import { hasControlCharacters } from './plain-text.ts';

/** Where lineage events go. Null from the parser means lineage is off (no OPENLINEAGE_URL). */
export interface OpenLineageConfig {
  /** The full endpoint POSTed to: Marquez `/api/v1/lineage` when the URL gives no path. */
  readonly url: string;
  /** Sent as `Authorization: Bearer …`; never logged. */
  readonly apiKey: string | null;
  /** Job namespace; null means `fivetran://<account_id>`. */
  readonly namespace: string | null;
}

/** Marquez's endpoint, OpenLineage's HTTP transport default (DataHub and OpenMetadata take a full URL). */
export const DEFAULT_LINEAGE_PATH = '/api/v1/lineage';
const MAX_NAMESPACE_LENGTH = 1_024;

const optionalText = pipe(
  optional(string()),
  transform((value) => (value?.trim() ? value.trim() : undefined)),
);

/** Fails the transform with one issue, as classic zod's `ctx.addIssue` would (mini's transform has none). */
function refuse(payload: ParsePayload, input: string, message: string): never {
  payload.issues.push({ code: 'custom', message, input });
  return NEVER;
}

const envSchema = object({
  OPENLINEAGE_URL: pipe(
    optionalText,
    pipe(
      optional(string()),
      transform((value, payload) => {
        if (value === undefined) return undefined;
        let url: URL;
        try {
          url = new URL(value);
        } catch {
          return refuse(payload, value, 'is not a URL');
        }
        if (url.protocol !== 'http:' && url.protocol !== 'https:') {
          return refuse(payload, value, `must be http(s), got ${url.protocol}`);
        }
        if (url.username || url.password) {
          return refuse(payload, value, 'must not carry credentials: use OPENLINEAGE_API_KEY');
        }
        if (url.pathname === '/' || url.pathname === '') url.pathname = DEFAULT_LINEAGE_PATH;
        return url;
      }),
    ),
  ),
  OPENLINEAGE_API_KEY: pipe(
    optionalText,
    optional(
      string().check(
        // A header value: no whitespace or control characters (they would split or corrupt the header).
        regex(/^[\x21-\x7e]+$/, 'must be printable ASCII without spaces'),
        maxLength(8_192, 'is longer than 8,192 characters'),
      ),
    ),
  ),
  OPENLINEAGE_NAMESPACE: pipe(
    optionalText,
    optional(
      string().check(
        // The message is made on failure only: Intl's first use costs ~15 ms, too much for a cold start.
        maxLength(MAX_NAMESPACE_LENGTH, {
          error: () => `is longer than ${MAX_NAMESPACE_LENGTH.toLocaleString('en-US')} characters`,
        }),
        refine((value) => !hasControlCharacters(value), 'must not contain control characters'),
      ),
    ),
  ),
}).check(
  superRefine((env, ctx) => {
    if (env.OPENLINEAGE_API_KEY !== undefined && env.OPENLINEAGE_URL === undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['OPENLINEAGE_API_KEY'],
        message: 'is set but OPENLINEAGE_URL is not',
      });
    }
    const url = env.OPENLINEAGE_URL;
    if (
      url &&
      env.OPENLINEAGE_API_KEY !== undefined &&
      url.protocol === 'http:' &&
      !isLoopbackHost(url.hostname)
    ) {
      ctx.addIssue({
        code: 'custom',
        path: ['OPENLINEAGE_URL'],
        message: 'must be https when OPENLINEAGE_API_KEY is set (plain http only to a loopback host)',
      });
    }
  }),
);

/**
 * Reads OPENLINEAGE_URL / OPENLINEAGE_API_KEY / OPENLINEAGE_NAMESPACE. Null when no URL is set (lineage
 * off). A problem is one line naming the variable, never its value (the key is a secret).
 */
export function parseOpenLineageConfig(env: Env): OpenLineageConfig | null {
  const result = envSchema.safeParse({
    OPENLINEAGE_URL: env.OPENLINEAGE_URL,
    OPENLINEAGE_API_KEY: env.OPENLINEAGE_API_KEY,
    OPENLINEAGE_NAMESPACE: env.OPENLINEAGE_NAMESPACE,
  });
  if (!result.success) {
    const issue = result.error.issues[0];
    const name = String(issue?.path[0] ?? 'OPENLINEAGE_URL');
    throw new ConfigError(`${name} ${issue?.message ?? 'is invalid'}`);
  }
  const { OPENLINEAGE_URL: url, OPENLINEAGE_API_KEY: apiKey, OPENLINEAGE_NAMESPACE: namespace } = result.data;
  if (url === undefined) return null;
  return { url: url.toString(), apiKey: apiKey ?? null, namespace: namespace ?? null };
}

/** The job namespace for an account: OPENLINEAGE_NAMESPACE, or `fivetran://<account_id>`. */
export function jobNamespace(config: Pick<OpenLineageConfig, 'namespace'> | null, accountId: string): string {
  return config?.namespace ?? `fivetran://${accountId}`;
}
