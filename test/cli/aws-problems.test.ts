import { describe, expect, it } from 'vitest';
import { type AwsCall, awsProblem } from '../../functions/cli/aws-problems.ts';

const CALL: AwsCall = {
  what: 'read table prod-table',
  needs: 'dynamodb:GetItem and dynamodb:Query on it',
  region: 'eu-west-1',
};

/** An error shaped as the AWS SDK throws it: a name, a message, sometimes a Node network code. */
function sdkError(name: string, message: string, extra: Record<string, unknown> = {}): Error {
  return Object.assign(new Error(message), { name, ...extra });
}

describe('awsProblem: one line naming what to do, never the SDK text', () => {
  it.each([
    [
      'no login',
      sdkError('CredentialsProviderError', 'Could not load credentials from any providers'),
      1,
      /^no AWS login to read table prod-table: log in first \(aws sso login/,
    ],
    [
      'no region',
      sdkError('Error', 'Region is missing'),
      1,
      /^no AWS region to read table prod-table in: pass --region <region>, or set AWS_REGION/,
    ],
    [
      'expired login',
      sdkError('ExpiredTokenException', 'The security token included in the request is expired'),
      1,
      /^AWS refused your login \(ExpiredTokenException\) to read table prod-table: .*log in again/,
    ],
    [
      'a key from another account',
      sdkError('UnrecognizedClientException', 'The security token is invalid'),
      1,
      /AWS refused your login \(UnrecognizedClientException\)/,
    ],
    [
      'denied',
      sdkError('AccessDeniedException', 'User: arn:aws:sts::1:assumed-role/x is not authorized'),
      1,
      /^your AWS identity may not read table prod-table \(AccessDeniedException\): it needs dynamodb:GetItem and dynamodb:Query on it$/,
    ],
    [
      'missing',
      sdkError('ResourceNotFoundException', 'Requested resource not found'),
      1,
      /^could not read table prod-table: it does not exist in eu-west-1$/,
    ],
    [
      'a missing stack',
      sdkError('ValidationError', 'Stack with id nope does not exist'),
      1,
      /does not exist in eu-west-1/,
    ],
    [
      'refused connection',
      sdkError('Error', 'connect ECONNREFUSED 127.0.0.1:9', { code: 'ECONNREFUSED' }),
      4,
      /^could not reach AWS to read table prod-table in eu-west-1 \(ECONNREFUSED\): check the network/,
    ],
    [
      'a request timeout',
      sdkError('TimeoutError', 'Request did not complete within 10000 ms'),
      4,
      /could not reach AWS .*\(TimeoutError\)/,
    ],
    [
      'anything else',
      sdkError('ThrottlingException', 'Rate exceeded\nsecond line\nthird line'),
      4,
      /^could not read table prod-table in eu-west-1: ThrottlingException: Rate exceeded$/,
    ],
  ] as const)('%s', (_case, error, exitCode, message) => {
    // Act
    const problem = awsProblem(error, CALL);

    // Assess
    expect(problem.exitCode).toBe(exitCode);
    expect(problem.message).toMatch(message);
    expect(problem.message).not.toContain('\n');
  });

  it('says the call’s own not-found and region hints when it has them', () => {
    // Prepare
    const call = {
      ...CALL,
      notFound: 'no table prod-table here: check TableName',
      regionFix: 'pass the ARN',
    };

    // Act
    const missing = awsProblem(sdkError('ResourceNotFoundException', 'x'), call);
    const noRegion = awsProblem(sdkError('Error', 'Region is missing'), call);

    // Assess
    expect(missing.message).toBe('no table prod-table here: check TableName');
    expect(noRegion.message).toMatch(/in: pass the ARN$/);
  });

  it('clips a hostile, very long first line', () => {
    // Act
    const problem = awsProblem(sdkError('WeirdError', 'x'.repeat(100_000)), CALL);

    // Assess
    expect(problem.message.length).toBeLessThan(400);
    expect(problem.message.endsWith('…')).toBe(true);
  });
});
