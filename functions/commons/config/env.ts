import { existsSync, readFileSync } from 'node:fs';
import { parseEnv } from 'node:util';

/** A configuration problem, reported to the operator as one line (never a stack trace). */
export class ConfigError extends Error {
  override name = 'ConfigError';
}

export type Env = Readonly<Record<string, string | undefined>>;

/** Process env over a `.env` file in the working directory: the environment wins. */
export function loadEnv(env: Env = process.env, dotenvPath = '.env'): Env {
  if (!existsSync(dotenvPath)) return env;
  const fromFile = parseEnv(readFileSync(dotenvPath, 'utf8'));
  return { ...fromFile, ...env };
}

/** A variable's trimmed value, or undefined when unset or blank. */
export function text(env: Env, name: string): string | undefined {
  const value = env[name]?.trim();
  return value ? value : undefined;
}

/**
 * Every numeric setting, its default and its bounds, in one place: the local server, the Lambdas and the
 * CDK stack's context options all read them from here.
 */
export const NUMERIC_SETTINGS = {
  PORT: { fallback: 3000, min: 0, max: 65_535 },
  SWEEP_INTERVAL_MINUTES: { fallback: 15, min: 1, max: 24 * 60 },
  SCHEMA_REQUEST_BUDGET: { fallback: 200, min: 0, max: 100_000 },
  EVENT_RETENTION_DAYS: { fallback: 90, min: 1, max: 3650 },
  /** 0 = unset: the default budget (see `fivetran/request-budget.ts`). */
  FIVETRAN_REQUESTS_PER_HOUR: { fallback: 0, min: 1, max: 20_000 },
} as const;
export type NumericSetting = keyof typeof NUMERIC_SETTINGS;

export function integer(env: Env, name: string, fallback: number, min: number, max: number): number {
  const raw = text(env, name);
  if (raw === undefined) return fallback;
  if (!/^\d+$/.test(raw)) throw new ConfigError(`${name} must be a whole number, got "${raw}"`);
  const value = Number(raw);
  if (value < min || value > max)
    throw new ConfigError(`${name} must be between ${min} and ${max}, got ${value}`);
  return value;
}

/** A numeric setting from the environment, within its bounds (see `NUMERIC_SETTINGS`). */
export function setting(env: Env, name: NumericSetting): number {
  const { fallback, min, max } = NUMERIC_SETTINGS[name];
  return integer(env, name, fallback, min, max);
}

/** A numeric setting whose absence means "the default policy" (null), e.g. FIVETRAN_REQUESTS_PER_HOUR. */
export function optionalSetting(env: Env, name: NumericSetting): number | null {
  return text(env, name) === undefined ? null : setting(env, name);
}

/** A variable that must be set (deployed Lambdas: the stack always sets it). */
export function required(env: Env, name: string): string {
  const value = text(env, name);
  if (value === undefined) throw new ConfigError(`${name} is not set`);
  return value;
}
