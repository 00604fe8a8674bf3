import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

/** What a client sent: requests by command, and write capacity consumed (table plus index writes). */
export interface DynamoMeter {
  readonly requests: Map<string, number>;
  writeUnits: number;
  reset(): void;
  total(): number;
}

const WRITES = new Set(['PutItemCommand', 'UpdateItemCommand', 'DeleteItemCommand']);

/**
 * Counts every command a document client sends, and asks DynamoDB (or dynalite) for the write capacity of each
 * write, index writes included (`ReturnConsumedCapacity: INDEXES`). Bench-only instrumentation.
 */
export function meterDynamo(client: DynamoDBDocumentClient): DynamoMeter {
  const meter: DynamoMeter = {
    requests: new Map(),
    writeUnits: 0,
    reset() {
      this.requests.clear();
      this.writeUnits = 0;
    },
    total() {
      return [...this.requests.values()].reduce((sum, n) => sum + n, 0);
    },
  };
  client.middlewareStack.add(
    (next, context) => async (args) => {
      const command = String(context.commandName ?? 'unknown');
      meter.requests.set(command, (meter.requests.get(command) ?? 0) + 1);
      const input = args.input as Record<string, unknown>;
      if (WRITES.has(command)) input.ReturnConsumedCapacity = 'INDEXES';
      // A failed conditional write also consumes capacity, but DynamoDB reports it only on success.
      const result = await next(args);
      const consumed = (result.output as { ConsumedCapacity?: { CapacityUnits?: number } }).ConsumedCapacity;
      meter.writeUnits += consumed?.CapacityUnits ?? 0;
      return result;
    },
    { step: 'initialize', name: 'benchDynamoMeter' },
  );
  return meter;
}

/** DynamoDB bills a write per started KB of the item; an item with N index keys is written N more times. */
export function estimatedWriteUnits(item: Record<string, unknown>): number {
  const kb = Math.max(1, Math.ceil(Buffer.byteLength(JSON.stringify(item)) / 1024));
  const indexes = ['gsi1pk', 'gsi2pk', 'gsi3pk'].filter((key) => typeof item[key] === 'string').length;
  return kb * (1 + indexes);
}
