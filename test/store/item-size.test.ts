import { createRequire } from 'node:module';
import { marshall } from '@aws-sdk/util-dynamodb';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { unknownConnection } from '#commons/connection/connection';
import { type LocalDynamo, startLocalDynamo } from '#commons/local-store/local-dynamo';
import { connectionRepository } from '#commons/store/repositories/connections';
import {
  estimateItem,
  ItemTooLargeError,
  itemProblem,
  MAX_ITEM_BYTES,
  MAX_ITEM_NESTING,
} from '#commons/store/table/item-size';
import { waitForActiveTable } from '#commons/store/table/table-ready';

/** DynamoDB's own item-size rule, as dynalite implements it (what refuses a 400 KB item). */
const dynaliteDb = createRequire(import.meta.url)('dynalite/db/index.js') as {
  itemSize(item: unknown): number;
};

describe('Function: estimateItem', () => {
  it('never estimates an item smaller than DynamoDB counts it', () => {
    fc.assert(
      fc.property(
        fc.dictionary(
          fc.string({ minLength: 1, maxLength: 20, unit: 'grapheme' }),
          // The SDK refuses integers past 2^53 (NumberValue is for those): keep to what it marshals.
          fc
            .jsonValue({ maxDepth: 6 })
            .map((value) =>
              JSON.parse(
                JSON.stringify(value, (_, v) => (Number.isInteger(v) && !Number.isSafeInteger(v) ? 1 : v)),
              ),
            ),
          { maxKeys: 12 },
        ),
        (item) => {
          // Act
          const estimate = estimateItem(item).bytes;
          const actual = dynaliteDb.itemSize(
            marshall(item, { removeUndefinedValues: true, convertClassInstanceToMap: true }),
          );
          // Assess
          expect(estimate).toBeGreaterThanOrEqual(actual);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('measures nesting without recursion, however deep', () => {
    // Prepare
    let deep: Record<string, unknown> = { leaf: 1 };
    for (let i = 0; i < 20_000; i++) deep = { next: deep };

    // Act / Assess
    expect(estimateItem({ deep }).depth).toBe(20_001);
    expect(itemProblem({ deep })).toMatch(/nested 20001 levels/);
    expect(itemProblem({ deep: JSON.parse(`${'['.repeat(31)}1${']'.repeat(31)}`) })).toMatch(
      /nested 31 levels/,
    );
    expect(itemProblem({ shallow: { a: [1, 2] } })).toBeNull();
  });

  it(`refuses past ${MAX_ITEM_BYTES / 1024} KB or ${MAX_ITEM_NESTING} levels, with a sentence that says which`, () => {
    // Act / Assess
    expect(itemProblem({ text: 'x'.repeat(MAX_ITEM_BYTES) })).toMatch(/KB/);
    expect(itemProblem({ text: 'x'.repeat(MAX_ITEM_BYTES - 100) })).toBeNull();
  });
});

describe('the connection repository writes only items that fit', () => {
  let dynamo: LocalDynamo;
  beforeAll(async () => {
    dynamo = await startLocalDynamo();
    await waitForActiveTable(dynamo.client, dynamo.tableName);
  });
  afterAll(() => dynamo.close());

  it('refuses an oversized connection with ItemTooLargeError (not a store failure), and keeps the stored one', async () => {
    // Prepare
    const repo = connectionRepository(
      { client: dynamo.documentClient, tableName: dynamo.tableName },
      { maxAttempts: 3 },
    );
    const base = unknownConnection('conn_big', '2026-06-01T12:00:00.000Z');
    await repo.update('conn_big', () => base);

    // Act
    const write = repo.update('conn_big', (current) => ({
      ...(current ?? base),
      status: {
        ...base.status,
        tasks: Array.from({ length: 600 }, () => ({ code: 'c', message: 'm'.repeat(1024) })),
        tasks_total: 600,
      },
    }));

    // Assess
    await expect(write).rejects.toBeInstanceOf(ItemTooLargeError);
    expect((await repo.get('conn_big'))?.status.tasks).toEqual([]);
  });
});
