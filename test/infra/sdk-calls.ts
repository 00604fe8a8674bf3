/**
 * Which AWS operations a Lambda bundle can send, read from the code esbuild puts in it: every
 * `new XxxCommand(` in the project's own files and in the non-SDK packages it bundles (Powertools), mapped
 * to the IAM action it needs. The stack's roles are checked against this list, so a new SDK call in a
 * handler or in the core fails a test until its role allows it.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { build } from 'esbuild';
import { esbuildOptions } from '../../infra/lambda-bundling.ts';
import { LAMBDA_ENTRIES, type LambdaName, PROJECT_ROOT } from '../../infra/lambda-entries.ts';

/** Command class → IAM action. An unknown command fails the scan: add it here with its action. */
export const COMMAND_ACTIONS: Readonly<Record<string, string>> = {
  // @aws-sdk/lib-dynamodb
  GetCommand: 'dynamodb:GetItem',
  PutCommand: 'dynamodb:PutItem',
  UpdateCommand: 'dynamodb:UpdateItem',
  DeleteCommand: 'dynamodb:DeleteItem',
  QueryCommand: 'dynamodb:Query',
  ScanCommand: 'dynamodb:Scan',
  BatchGetCommand: 'dynamodb:BatchGetItem',
  BatchWriteCommand: 'dynamodb:BatchWriteItem',
  TransactGetCommand: 'dynamodb:TransactGetItems',
  TransactWriteCommand: 'dynamodb:TransactWriteItems',
  // @aws-sdk/client-dynamodb
  GetItemCommand: 'dynamodb:GetItem',
  PutItemCommand: 'dynamodb:PutItem',
  UpdateItemCommand: 'dynamodb:UpdateItem',
  DeleteItemCommand: 'dynamodb:DeleteItem',
  BatchGetItemCommand: 'dynamodb:BatchGetItem',
  BatchWriteItemCommand: 'dynamodb:BatchWriteItem',
  DescribeTableCommand: 'dynamodb:DescribeTable',
  CreateTableCommand: 'dynamodb:CreateTable',
  // others
  GetSecretValueCommand: 'secretsmanager:GetSecretValue',
  PutSecretValueCommand: 'secretsmanager:PutSecretValue',
  PutEventsCommand: 'events:PutEvents',
  InvokeCommand: 'lambda:InvokeFunction',
};

/** The SDK's own packages construct commands internally (lib-dynamodb wraps client-dynamodb's); not calls. */
const SDK_PACKAGE = /node_modules\/@(?:aws-sdk|smithy)\//;

export interface BundledCall {
  readonly command: string;
  readonly action: string;
  /** Where it is constructed, relative to the project root. */
  readonly files: string[];
}

export async function bundledCalls(name: LambdaName): Promise<BundledCall[]> {
  const result = await build({
    ...esbuildOptions(LAMBDA_ENTRIES[name], join(PROJECT_ROOT, '.sdk-calls-scan')),
    metafile: true,
    write: false,
  });
  const output = Object.values(result.metafile.outputs).find((o) => o.entryPoint !== undefined);
  const calls = new Map<string, Set<string>>();
  for (const [path, input] of Object.entries(output?.inputs ?? {})) {
    if (input.bytesInOutput === 0 || SDK_PACKAGE.test(path) || !/\.[cm]?[jt]s$/.test(path)) continue;
    const source = readFileSync(join(PROJECT_ROOT, path), 'utf8');
    for (const match of source.matchAll(/new\s+(\w+Command)\s*\(/g)) {
      const command = match[1] as string;
      calls.set(command, (calls.get(command) ?? new Set()).add(path));
    }
  }
  return [...calls.entries()]
    .map(([command, files]) => {
      const action = COMMAND_ACTIONS[command];
      if (!action)
        throw new Error(
          `${name}: ${command} (in ${[...files].join(', ')}) has no IAM action in COMMAND_ACTIONS`,
        );
      return { command, action, files: [...files].sort() };
    })
    .sort((a, b) => a.command.localeCompare(b.command));
}

/** What an AWS wire request asks for, as an IAM action (X-Amz-Target for JSON protocols; Lambda's REST path). */
export function actionOfRequest(target: string | undefined, method: string, path: string): string | null {
  const json = /^(DynamoDB_\d+|secretsmanager|AWSEvents)\.(\w+)$/.exec(target ?? '');
  if (json) {
    const service =
      { secretsmanager: 'secretsmanager', AWSEvents: 'events' }[json[1] as string] ?? 'dynamodb';
    return `${service}:${json[2]}`;
  }
  if (method === 'POST' && /^\/2015-03-31\/functions\/[^/]+\/invocations$/.test(path))
    return 'lambda:InvokeFunction';
  return null;
}
