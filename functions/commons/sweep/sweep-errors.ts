import { ConfigError } from '../config/env.ts';
import { CredentialNotConfiguredError } from '../fivetran/credential-secret.ts';
import {
  CredentialRejectedError,
  FivetranError,
  MalformedResponseError,
  PermissionMissingError,
  RateLimitedError,
  UnreachableError,
} from '../fivetran/errors.ts';
import type { SweepErrorCode } from '../store/repositories/sweeps.ts';
import { isStoreUnavailable } from '../store/table/errors.ts';
import { SweepTimeUp } from './sweep-context.ts';

/** The code a failed sweep records for programs (the CLI's exit codes, alarms), from the error's type. */
export function sweepErrorCode(error: unknown): SweepErrorCode {
  if (error instanceof CredentialNotConfiguredError) return 'not_configured';
  if (error instanceof CredentialRejectedError) return 'credential_rejected';
  if (error instanceof PermissionMissingError) return 'permission_missing';
  if (error instanceof UnreachableError) return 'unreachable';
  if (error instanceof RateLimitedError) return 'rate_limited';
  if (error instanceof MalformedResponseError) return 'malformed_response';
  if (error instanceof FivetranError) return 'fivetran_error';
  if (error instanceof SweepTimeUp) return 'time_up';
  if (isStoreUnavailable(error)) return 'store_unavailable';
  return 'internal';
}

/** Fivetran errors and time-ups are written for the operator already; anything else says what it was. */
export function describeSweepError(error: unknown): string {
  if (error instanceof FivetranError || error instanceof SweepTimeUp || error instanceof ConfigError) {
    return error.message;
  }
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}
