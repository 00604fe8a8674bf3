// Loads a Lambda bundle the way the Node.js runtime does (a fresh process, ESM import of the handler
// module, then handler(event, context)) and writes the outcome as JSON to file descriptor 3, so the
// function's own stdout (Powertools logs, EMF metrics) stays apart. Input JSON on stdin:
// { "event": …, "timeoutMs": n, "functionName": "…" }.
import { randomUUID } from 'node:crypto';
import { writeSync } from 'node:fs';
import { pathToFileURL } from 'node:url';

const chunks = [];
for await (const chunk of process.stdin) chunks.push(chunk);
const input = JSON.parse(Buffer.concat(chunks).toString('utf8'));
const deadline = Date.now() + input.timeoutMs;
const report = (outcome) => {
  writeSync(3, JSON.stringify(outcome));
  // The runtime freezes the sandbox after the answer; open keep-alive sockets must not hold this process.
  process.exit(0);
};

const startedImport = performance.now();
const bundle = await import(pathToFileURL(process.argv[2]).href);
const importMs = performance.now() - startedImport;
const context = {
  functionName: input.functionName,
  functionVersion: '$LATEST',
  invokedFunctionArn: `arn:aws:lambda:${process.env.AWS_REGION}:111111111111:function:${input.functionName}`,
  memoryLimitInMB: process.env.AWS_LAMBDA_FUNCTION_MEMORY_SIZE,
  awsRequestId: randomUUID(),
  logGroupName: process.env.AWS_LAMBDA_LOG_GROUP_NAME,
  logStreamName: 'e2e',
  callbackWaitsForEmptyEventLoop: true,
  getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
  done() {},
  fail() {},
  succeed() {},
};
const timer = setTimeout(() => report({ ok: false, timedOut: true, importMs }), input.timeoutMs);
try {
  const result = await bundle.handler(input.event, context);
  clearTimeout(timer);
  report({ ok: true, result, importMs });
} catch (error) {
  clearTimeout(timer);
  report({ ok: false, error: { name: error?.name, message: String(error?.message ?? error) }, importMs });
}
