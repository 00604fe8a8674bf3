import { ConfigError } from '#commons/config/env';
import { EXIT } from './cli-io.ts';

/**
 * An AWS call the CLI made failed for a reason the operator fixes on their side (no login, no region, a
 * missing permission, a name that does not exist) or could not reach AWS at all. One line, naming what to do;
 * never the SDK's multi-line text. Exit 1 for the setup problems, 4 when AWS could not be reached.
 */
export class AwsProblem extends ConfigError {
  override name = 'AwsProblem';
  constructor(
    message: string,
    readonly exitCode: number,
  ) {
    super(message);
  }
}

export interface AwsCall {
  /** What the CLI tried, as the end of "could not …": `read table x`, `describe stack y`. */
  readonly what: string;
  /** The IAM actions it needs, for an access denial. */
  readonly needs: string;
  /** Said when the named thing does not exist (else a generic line naming the region). */
  readonly notFound?: string;
  /** The region used, when known (for messages). */
  readonly region?: string | undefined;
  /** How to name a region for this call (default: --region or AWS_REGION). */
  readonly regionFix?: string;
}

const NO_LOGIN = new Set(['CredentialsProviderError', 'ProviderError', 'TokenProviderError']);
const LOGIN_REFUSED = new Set([
  'ExpiredToken',
  'ExpiredTokenException',
  'TokenRefreshRequired',
  'UnrecognizedClientException',
  'InvalidClientTokenId',
  'InvalidSignatureException',
  'SignatureDoesNotMatch',
  'IncompleteSignature',
]);
const DENIED = new Set(['AccessDenied', 'AccessDeniedException', 'UnauthorizedOperation']);
const NOT_FOUND = new Set(['ResourceNotFoundException', 'NotFoundException']);
const UNREACHABLE = new Set(['TimeoutError', 'RequestTimeout', 'RequestTimeoutException', 'NetworkingError']);
const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ETIMEDOUT',
  'EHOSTUNREACH',
]);

/** The first line of a message, clipped: SDK messages can run to paragraphs. */
function firstLine(message: string): string {
  const line = message.split('\n', 1)[0]?.trim() ?? '';
  return line.length > 200 ? `${line.slice(0, 199)}…` : line;
}

/** The one-line explanation of a failed AWS SDK call. */
export function awsProblem(error: unknown, call: AwsCall): AwsProblem {
  const name = (error as { name?: string } | null)?.name ?? 'Error';
  const message = String((error as { message?: unknown } | null)?.message ?? '');
  const code = (error as { code?: string } | null)?.code;
  const where = call.region ? ` in ${call.region}` : '';
  if (NO_LOGIN.has(name) || /could not load credentials/i.test(message)) {
    return new AwsProblem(
      `no AWS login to ${call.what}: log in first (aws sso login, or aws configure), or set AWS_PROFILE`,
      EXIT.usage,
    );
  }
  if (/region is missing/i.test(message)) {
    return new AwsProblem(
      `no AWS region to ${call.what} in: ${call.regionFix ?? 'pass --region <region>, or set AWS_REGION (or a region in your AWS profile)'}`,
      EXIT.usage,
    );
  }
  if (LOGIN_REFUSED.has(name)) {
    return new AwsProblem(
      `AWS refused your login (${name}) to ${call.what}: it expired or belongs elsewhere; log in again (aws sso login) or check AWS_PROFILE`,
      EXIT.usage,
    );
  }
  if (DENIED.has(name)) {
    return new AwsProblem(
      `your AWS identity may not ${call.what} (${name}): it needs ${call.needs}`,
      EXIT.usage,
    );
  }
  // CloudFormation says a stack does not exist with a ValidationError.
  if (NOT_FOUND.has(name) || (name === 'ValidationError' && /does not exist/i.test(message))) {
    return new AwsProblem(call.notFound ?? `could not ${call.what}: it does not exist${where}`, EXIT.usage);
  }
  if (UNREACHABLE.has(name) || (code !== undefined && NETWORK_CODES.has(code))) {
    return new AwsProblem(
      `could not reach AWS to ${call.what}${where} (${code ?? name}): check the network, the region and any endpoint setting`,
      EXIT.unreachable,
    );
  }
  return new AwsProblem(`could not ${call.what}${where}: ${name}: ${firstLine(message)}`, EXIT.unreachable);
}

/** Runs one AWS call, turning its failure into an `AwsProblem`. */
export async function describingAwsFailure<T>(call: AwsCall, run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (error) {
    throw awsProblem(error, call);
  }
}
